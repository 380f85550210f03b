import DoudiDomain
import DoudiSheets
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// 帮扶措施与转介: a case's measures are recorded on the case's page (`CasePages`); here the list of measures (a
/// department officer's inbox of referrals), a measure's page with its hand-overs and the moves the caller may
/// make, and R-MON-8's list of monitored households with no measure a month after identification. The API twin
/// (`MeasureAPI`) calls the same domain checks and store functions.
struct MeasurePages: Sendable {
    let web: WebShell
    let measures: MeasureStore
    let regions: RegionStore
    let casePages: CasePages
    var clock: Clock { web.clock }

    func register(on router: Router<DoudiContext>) {
        router.get("/measures") { req, _ in try await web.withUser(req) { w in try await list(w) } }
        router.downloads("/measures") { req, format in try await web.withUser(req) { w in try await sheet(w, format) } }
        router.get("/measures/missing") { req, _ in try await web.withUser(req) { w in try await missing(w) } }
        router.downloads("/measures/missing") { req, format in try await web.withUser(req) { w in try await missingSheet(w, format) } }
        router.get("/measures/{id}") { req, ctx in
            try await web.withUser(req) { w in try await ctx.parameters.get("id", as: Int64.self).asyncMap { try await page(w, id: $0) } ?? w.notFound() }
        }
        router.post("/measures/{id}") { req, ctx in
            try await web.withUser(req, post: true) { w, form in try await ctx.parameters.get("id", as: Int64.self).asyncMap { try await move(w, $0, form) } ?? w.notFound() }
        }
        router.post("/cases/{id}/measures") { req, ctx in
            try await web.withUser(req, post: true) { w, form in try await ctx.parameters.get("id", as: Int64.self).asyncMap { try await record(w, $0, form) } ?? w.notFound() }
        }
    }

    static func filter(_ w: Web) -> (MeasureStore.Filter, String) {
        let q = w.req.uri.queryParameters
        let f = MeasureStore.Filter(service: q["service"].flatMap { ServiceKind(rawValue: String($0)) }, unit: q["unit"].flatMap { Department(rawValue: String($0)) },
                                    status: q["status"].flatMap { MeasureStatus(rawValue: String($0)) })
        let kept = (f.service.map { "&service=\($0.rawValue)" } ?? "") + (f.unit.map { "&unit=\($0.rawValue)" } ?? "") + (f.status.map { "&status=\($0.rawValue)" } ?? "")
        return (f, kept)
    }

    func rows(_ list: [MeasureStore.Measure], _ t: Strings.Table) async throws -> [[String: Any]] {
        let names = try await regions.villageLabels(list.map(\.region))
        return list.map { m in
            ["id": m.id, "case": m.caseID, "head": m.headName, "household": m.householdID, "region": names[m.region] ?? m.region.description,
             "service": label(m.service, t), "unit": label(m.state.unit, t), "status": label(m.state.status, t), "waiting": m.state.status == .referred,
             "start": m.startOn.description, "end": m.endOn?.description ?? "", "amount": m.amount.map(String.init) ?? "", "goods": m.goods,
             "note": m.note, "result": m.result ?? ""] as [String: Any]
        }
    }

    func list(_ w: Web) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) || w.role.may(.answerReferrals) else { return try w.forbidden() }
        let (f, kept) = Self.filter(w)
        let n = w.pageNumber
        let found = try await measures.measures(by: w.actor, f, limit: 50, offset: n * 50)
        let query = kept.isEmpty ? "" : "?" + kept.dropFirst()
        let department = w.actor.department
        return try w.page(template: "assistance/measures", title: department.map { "\(t.t("referralsTitle")) · \(label($0, t))" } ?? t.t("measuresTitle"), [
            "services": options(ServiceKind.self, selected: f.service?.rawValue, t: t), "units": options(Department.self, selected: f.unit?.rawValue, t: t),
            "statuses": options(MeasureStatus.self, selected: f.status?.rawValue, t: t), "isDepartment": department != nil,
            "total": found.total, "items": try await rows(found.measures, t), "csv": "/measures.csv\(query)", "xlsx": "/measures.xlsx\(query)",
            "prev": (n > 0 ? "/measures?page=\(n - 1)\(kept)" : nil) as Any, "next": (found.total > (n + 1) * 50 ? "/measures?page=\(n + 1)\(kept)" : nil) as Any,
        ])
    }

    func sheet(_ w: Web, _ format: DownloadFormat) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) || w.role.may(.answerReferrals) else { return try w.forbidden() }
        let found = try await measures.measures(by: w.actor, Self.filter(w).0, limit: 100_000)
        let columns = [("household", "householdId"), ("head", "head"), ("region", "region"), ("service", "service"), ("unit", "responsibleUnit"),
                       ("status", "status"), ("start", "startOn"), ("end", "endOn"), ("amount", "amountYuan"), ("goods", "goods"), ("note", "measureNote"),
                       ("result", "measureResult")]
        let rows = try await rows(found.measures, t).map { r in columns.map { Sheet.Cell.text("\(r[$0.0] ?? "")") } }
        return try download(Sheet(name: t.t("measuresTitle"), headers: columns.map { t.t($0.1) }, rows: rows), format, name: "measures-\(clock.today())")
    }

    func missingRows(_ list: ArraySlice<MeasureStore.Missing>, _ t: Strings.Table) async throws -> [[String: Any]] {
        let names = try await regions.villageLabels(list.map(\.region))
        return list.map { m in
            ["household": m.householdID, "head": m.headName, "region": names[m.region] ?? m.region.description, "identified": m.identifiedOn.description,
             "due": m.due.description, "kinds": m.riskKinds.map { label($0, t) }.joined(separator: "、"), "case": m.caseID as Any] as [String: Any]
        }
    }

    func missing(_ w: Web) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        let all = try await measures.missing(by: w.actor, today: clock.today())
        let n = w.pageNumber
        return try w.page(template: "assistance/measures-missing", title: t.t("missingMeasuresTitle"), [
            "total": all.count, "items": try await missingRows(all.dropFirst(n * 50).prefix(50), t), "mayOpen": w.role.may(.handleCases),
            "prev": (n > 0 ? "/measures/missing?page=\(n - 1)" : nil) as Any, "next": (all.count > (n + 1) * 50 ? "/measures/missing?page=\(n + 1)" : nil) as Any,
        ])
    }

    func missingSheet(_ w: Web, _ format: DownloadFormat) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        let all = try await measures.missing(by: w.actor, today: clock.today())
        let columns = [("household", "householdId"), ("head", "head"), ("region", "region"), ("identified", "identifiedOn"), ("due", "measureDue"), ("kinds", "riskKinds")]
        let rows = try await missingRows(all[...], t).map { r in columns.map { Sheet.Cell.text("\(r[$0.0] ?? "")") } }
        return try download(Sheet(name: t.t("missingMeasuresTitle"), headers: columns.map { t.t($0.1) }, rows: rows), format, name: "no-measure-\(clock.today())")
    }

    func record(_ w: Web, _ caseID: Int64, _ form: Form) async throws -> Response {
        guard w.role.may(.handleCases) else { return try w.forbidden() }
        let parsed = MeasureInput.parse(service: form["service"] ?? "", startOn: form["startOn"] ?? "", endOn: form["endOn"], amount: form["amount"],
                                        goods: form["goods"], note: form["measureNote"] ?? "")
        do {
            let input = try parsed.get()
            let referTo = form["referTo"].flatMap(Department.init(rawValue:)).flatMap { $0 == .civilAffairs ? nil : $0 }
            let id = try await measures.record(case: caseID, input, referTo: referTo, by: w.actor, today: clock.today())
            return Response(status: .seeOther, headers: [.location: "/cases/\(caseID)#measure-\(id)"])
        } catch let p as ProblemList {
            return try await casePages.page(w, id: caseID, form: form, problems: p.problems, status: .unprocessableContent)
        } catch {
            return try await w.refused(error) { try await casePages.page(w, id: caseID, form: form, problems: $0, status: .unprocessableContent) }
        }
    }

    /// The moves the caller could make on the measure now, as the domain decides them.
    static func moves(_ m: MeasureStore.Measure, _ party: MeasureParty) -> [String] {
        let tries: [MeasureMove] = [.refer(to: .education, note: "·"), .accept(note: "·"), .decline(reason: "·"), .finish(result: "·"), .withdraw(reason: "·")]
        return tries.filter { if case .success = m.state.applying($0, by: party) { true } else { false } }.map(\.code)
    }

    func page(_ w: Web, id: Int64, form: Form = [:], problems: [FieldProblem] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard let party = try? MeasureStore.party(w.actor) else { return try w.forbidden() }
        guard let (m, events) = try await measures.measure(id, by: w.actor) else { return try w.notFound() }
        // Blank fields are left out of the page (an empty text would open its section).
        let row = try await rows([m], t)[0].filter { ($0.value as? String) != "" }
        let open = m.caseStatus == .open || party != .owner
        let moves = open && (w.role.may(.handleCases) || w.role.may(.answerReferrals)) ? Self.moves(m, party) : []
        return try w.page(status: status, template: "assistance/measure", title: "\(t.t("measure")) · \(label(m.service, t))", [
            "m": row, "isOwner": party == .owner, "caseStep": label(m.caseStep, t),
            // Where it was sent last, when that is no longer where it is (declined, or withdrawn).
            "referredTo": (m.referredTo == m.state.unit ? nil : m.referredTo.map { label($0, t) }) as Any,
            "events": events.map { e in ["day": e.onDay.description, "action": t.values["caseAction." + e.action] ?? e.action, "note": e.note, "by": e.actor] as [String: Any] },
            "acts": !moves.isEmpty,
            "moves": moves.map { ["value": $0, "label": t.t("measureMove.\($0)"), "checked": form["move"] == $0] as [String: Any] },
            "mayRefer": moves.contains("refer"),
            "departments": Department.receivers.map { ["value": $0.rawValue, "label": label($0, t), "selected": form["to"] == $0.rawValue] as [String: Any] },
            "note": form["note"] ?? "", "problems": w.lines(problems), "hasProblems": !problems.isEmpty,
        ])
    }

    func move(_ w: Web, _ id: Int64, _ form: Form) async throws -> Response {
        guard w.role.may(.handleCases) || w.role.may(.answerReferrals) else { return try w.forbidden() }
        do {
            let move = try MeasureMove.parse(form["move"] ?? "", to: form["to"], note: form["note"] ?? "").get()
            try await measures.move(id, move, by: w.actor, today: clock.today())
            return Response(status: .seeOther, headers: [.location: "/measures/\(id)"])
        } catch let p as FieldProblem {
            return try await page(w, id: id, form: form, problems: [p], status: .unprocessableContent)
        } catch {
            return try await w.refused(error) { try await page(w, id: id, form: form, problems: $0, status: .unprocessableContent) }
        }
    }
}
