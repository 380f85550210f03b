import DoudiDomain
import DoudiSheets
import DoudiStore
import HTTPTypes
import Hummingbird

/// 全面排查 (issue 15 item 7): a village's child director records the survey of the day (the checklist, how many
/// children were checked and found without care); a township or the county reads coverage per child region since a
/// day, a click down to the villages, exported as CSV or XLSX. The API twins call the same store functions.
struct ChildSurveyPages: Sendable {
    let web: WebShell
    let surveys: ChildSurveyStore
    let regions: RegionStore
    let choices: Choices
    var clock: Clock { web.clock }

    func register(on router: Router<DoudiContext>) {
        router.get("/children/survey") { req, _ in try await web.withUser(req) { w in try await page(w) } }
        router.post("/children/survey") { req, _ in try await web.withUser(req, post: true) { w, form in try await record(w, form) } }
        router.downloads("/children/survey") { req, format in try await web.withUser(req) { w in try await sheet(w, format) } }
    }

    /// The first day of this month unless `?since=` names another.
    func coverage(_ w: Web) async throws -> ChildSurveyStore.Coverage? {
        let q = w.req.uri.queryParameters
        let today = clock.today()
        let since = q["since"].flatMap { CivilDate(String($0)) } ?? CivilDate(year: today.year, month: today.month, day: 1) ?? today
        return try await surveys.coverage(region: q["region"].flatMap { RegionCode(String($0)) } ?? w.region, since: since, by: w.actor)
    }

    static func columns(_ t: Strings.Table) -> [(String, (ChildSurveyStore.Coverage.Row) -> String)] {
        [(t.t("surveyVillages"), { "\($0.villages)" }), (t.t("surveyDone"), { "\($0.surveyed)" }),
         (t.t("surveyShare"), { $0.villages == 0 ? "—" : "\($0.surveyed * 100 / $0.villages)%" }),
         (t.t("surveyChildren"), { "\($0.childrenChecked)" }), (t.t("surveyFound"), { "\($0.withoutCare)" }), (t.t("surveyLast"), { $0.last?.description ?? "—" })]
    }

    func page(_ w: Web, form: Form = [:], problems: [FieldProblem] = [], message: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard ChildSurveyStore.mayRead(w.role) else { return try w.forbidden() }
        guard let c = try await coverage(w) else { return try w.notFound() }
        let cols = Self.columns(t)
        let name = try await regions.region(c.region)?.name ?? c.region.description
        let kept = "since=\(c.since)"
        return try w.page(status: status, template: "children/survey", title: t.t("surveyTitle"), [
            "mayRecord": w.role == .childDirector, "villages": try await choices.villages(w.account, selected: RegionCode(form["regionCode"] ?? "")),
            "surveyedOn": form["surveyedOn"] ?? clock.today().description, "childrenChecked": form["childrenChecked"] ?? "", "withoutCare": form["withoutCare"] ?? "0",
            "note": form["note"] ?? "", "items": SurveyItem.allCases.map { i in
                ["value": i.rawValue, "label": label(i, t), "checked": form.all["items"]?.contains(i.rawValue) ?? false] as [String: Any]
            },
            "regionName": name, "since": c.since.description, "region": c.region.description,
            "up": (c.region != w.region ? c.region.parent.map { "/children/survey?region=\($0)&\(kept)" } : nil) as Any, "headers": cols.map(\.0),
            "rows": c.rows.map { r in
                ["name": r.region == c.region ? t.t("total") : r.name, "link": (r.region != c.region && r.region.level < .village ? "/children/survey?region=\(r.region)&\(kept)" : nil) as Any,
                 "total": r.region == c.region, "cells": cols.map { $0.1(r) }, "short": r.surveyed < r.villages] as [String: Any]
            },
            "csv": "/children/survey.csv?region=\(c.region)&\(kept)", "xlsx": "/children/survey.xlsx?region=\(c.region)&\(kept)",
            "message": message as Any, "problems": w.lines(problems), "hasProblems": !problems.isEmpty,
        ])
    }

    func record(_ w: Web, _ form: Form) async throws -> Response {
        guard w.role == .childDirector else { return try w.forbidden() }
        do {
            let s = try ChildSurvey.check(village: form["regionCode"] ?? "", day: form["surveyedOn"] ?? "", childrenChecked: form["childrenChecked"] ?? "",
                                          withoutCare: form["withoutCare"] ?? "", items: form.all["items"] ?? [], note: form["note"] ?? "", today: clock.today()).get()
            try await surveys.record(s, by: w.actor)
            return try await page(w, message: w.t.t(s.isComplete ? "surveySaved" : "surveySavedIncomplete"), status: .created)
        } catch let p as ProblemList {
            return try await page(w, form: form, problems: p.problems, status: .unprocessableContent)
        } catch {
            return try await w.refused(error) { try await page(w, form: form, problems: $0, status: .unprocessableContent) }
        }
    }

    func sheet(_ w: Web, _ format: DownloadFormat) async throws -> Response {
        let t = w.t
        guard ChildSurveyStore.mayRead(w.role) else { return try w.forbidden() }
        guard let c = try await coverage(w) else { return try w.notFound() }
        let cols = Self.columns(t)
        let rows = c.rows.map { r in [Sheet.Cell.text(r.region.description), .text(r.region == c.region ? t.t("total") : r.name)] + cols.map { Sheet.Cell.text($0.1(r)) } }
        return try download(Sheet(name: t.t("surveyTitle"), headers: [t.t("regionCodeColumn"), t.t("region")] + cols.map(\.0), rows: rows), format,
                            name: "children-survey-\(c.region)-\(c.since)")
    }
}
