import DoudiDomain
import DoudiSheets
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// 帮扶成效季度分析: a household's review of a quarter (recorded by its helper, confirmed or returned by the
/// township), and the county's view of the reviews missing per township and village, with drill-down, the list at
/// a village and its export. The API twin (`EffectAPI`) calls the same domain checks and store functions.
struct EffectPages: Sendable {
    let web: WebShell
    let reviews: EffectReviewStore
    let helpers: HelperStore
    let regions: RegionStore
    var clock: Clock { web.clock }

    func register(on router: Router<DoudiContext>) {
        router.get("/effects") { req, _ in try await web.withUser(req) { w in try await overview(w) } }
        router.downloads("/effects") { req, format in try await web.withUser(req) { w in try await sheet(w, format) } }
        router.get("/households/{id}/effect") { req, ctx in try await web.withUser(req) { w in try await page(w, household: ctx.parameters.get("id") ?? "") } }
        router.post("/households/{id}/effect") { req, ctx in
            try await web.withUser(req, post: true) { w, form in try await record(w, household: ctx.parameters.get("id") ?? "", form) }
        }
        router.post("/effects/{id}") { req, ctx in
            try await web.withUser(req, post: true) { w, form in try await ctx.parameters.get("id", as: Int64.self).asyncMap { try await decide(w, $0, form) } ?? w.notFound() }
        }
    }

    /// The quarter asked for in the address or the form; this quarter where none (or a malformed one) is given.
    func quarter(_ w: Web, _ form: Form = [:]) -> Quarter {
        (form["quarter"] ?? w.req.uri.queryParameters["quarter"].map(String.init)).flatMap { Quarter($0) } ?? Quarter(clock.today())
    }

    func overview(_ w: Web) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        let q = quarter(w)
        let asked = w.req.uri.queryParameters["region"].flatMap { RegionCode(String($0)) } ?? w.region
        guard w.region.contains(asked) || asked.contains(w.region) else { return try await w.outsideRegion(asked, regions) }
        let region = w.region.contains(asked) ? asked : w.region
        let missing = try await reviews.missing(by: w.actor, quarter: q).filter { region.contains($0.region) }
        // Per child region down to the villages; at a village, its households.
        var rows: [[String: Any]] = []
        if region.level < .village {
            let children = try await regions.children(of: region)
            var counts: [RegionCode: Int] = [:]
            let level = children.first?.level ?? .village
            for m in missing { counts[m.region.truncated(to: level), default: 0] += 1 }
            rows = children.map { c in ["code": c.code.description, "name": c.name, "count": counts[c.code] ?? 0, "q": q.description] as [String: Any] }
        }
        let names = try await regions.villageLabels(missing.map(\.region))
        let awaiting = w.role.may(.confirmEffectReviews) ? try await reviews.reviews(by: w.actor, quarter: q, status: .recorded) : []
        return try w.page(template: "assistance/effects", title: t.t("effectsTitle"), [
            "quarter": q.description, "quarterName": t.code == "en" ? q.description : q.chinese, "prev": q.previous.description,
            "next": (q < Quarter(clock.today()) ? Quarter(year: q.number == 4 ? q.year + 1 : q.year, number: q.number % 4 + 1)?.description : nil) as Any,
            "regionCode": region.description, "regionName": try await regions.region(region)?.name ?? region.description, "total": missing.count,
            "children": rows, "hasChildren": !rows.isEmpty, "up": (region != w.region ? region.parent?.description : nil) as Any,
            "households": region.level >= .village || missing.count <= 50 ? missingRows(missing, names, t) : [], "csv": "/effects.csv?quarter=\(q)&region=\(region)",
            "xlsx": "/effects.xlsx?quarter=\(q)&region=\(region)",
            "awaiting": awaiting.map { r in ["household": r.householdID, "head": r.headName, "by": r.recordedBy, "region": names[r.region] ?? r.region.description] as [String: Any] },
            "hasAwaiting": !awaiting.isEmpty,
        ])
    }

    func missingRows(_ list: [EffectReviewStore.Missing], _ names: [RegionCode: String], _ t: Strings.Table) -> [[String: Any]] {
        list.map { m in
            ["household": m.householdID, "head": m.headName, "region": names[m.region] ?? m.region.description, "helper": m.helper ?? t.t("noHelper"),
             "status": m.status.map { label($0, t) } ?? t.t("reviewNotRecorded")] as [String: Any]
        }
    }

    func sheet(_ w: Web, _ format: DownloadFormat) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        let q = quarter(w)
        let region = w.req.uri.queryParameters["region"].flatMap { RegionCode(String($0)) }.flatMap { w.region.contains($0) ? $0 : nil } ?? w.region
        let missing = try await reviews.missing(by: w.actor, quarter: q).filter { region.contains($0.region) }
        let names = try await regions.villageLabels(missing.map(\.region))
        let columns = [("household", "householdId"), ("head", "head"), ("region", "region"), ("helper", "helper"), ("status", "status")]
        let rows = missingRows(missing, names, t).map { r in columns.map { Sheet.Cell.text("\(r[$0.0] ?? "")") } }
        return try download(Sheet(name: t.t("effectsTitle"), headers: columns.map { t.t($0.1) }, rows: rows), format, name: "effect-reviews-missing-\(q)")
    }

    func page(_ w: Web, household: String, form: Form = [:], problems: [FieldProblem] = [], message: String? = nil,
              status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        let q = quarter(w, form)
        guard let region = try await helpers.region(of: household, by: w.actor) else { return try w.notFound() }
        let existing = try await reviews.reviews(by: w.actor, quarter: q, household: household).first
        let held = existing?.input.guarantees ?? []
        let fill = { (k: String, v: String?) in form[k] ?? v ?? "" }
        return try w.page(status: status, template: "assistance/effect", title: "\(t.t("effectTitle")) · \(household)", [
            "household": household, "region": try await regions.villageLabels([region])[region] ?? region.description,
            "quarter": q.description, "quarterName": t.code == "en" ? q.description : q.chinese, "prev": q.previous.description,
            "review": existing.map { r in
                ["id": r.id, "status": label(r.status, t), "by": r.recordedBy, "decidedBy": r.decidedBy as Any, "reason": r.returnReason as Any,
                 "change": r.input.incomeChange, "awaiting": r.status == .recorded, "confirmed": r.status == .confirmed] as [String: Any]
            } as Any,
            "mayRecord": w.role.may(.writeRegister) && existing?.status != .confirmed,
            "mayDecide": w.role.may(.confirmEffectReviews) && existing?.status == .recorded,
            "incomeNow": fill("incomeNow", existing.map { String($0.input.incomeNow) }), "incomeBefore": fill("incomeBefore", existing.map { String($0.input.incomeBefore) }),
            "measuresTaken": fill("measuresTaken", existing?.input.measuresTaken), "nextSteps": fill("nextSteps", existing?.input.nextSteps),
            "guarantees": Guarantee.allCases.map { g in
                ["value": g.rawValue, "label": label(g, t), "checked": form.all["guarantees"].map { $0.contains(g.rawValue) } ?? held.contains(g)] as [String: Any]
            },
            "message": message as Any, "problems": w.lines(problems), "hasProblems": !problems.isEmpty,
        ])
    }

    func record(_ w: Web, household: String, _ form: Form) async throws -> Response {
        let t = w.t
        guard w.role.may(.writeRegister), w.role.may(.browseRegister) else { return try w.forbidden() }
        do {
            let input = try EffectReviewInput.parse(quarter: form["quarter"] ?? "", incomeNow: form["incomeNow"] ?? "", incomeBefore: form["incomeBefore"] ?? "",
                                                    guarantees: form.all["guarantees"] ?? [], measuresTaken: form["measuresTaken"] ?? "", nextSteps: form["nextSteps"] ?? "",
                                                    today: clock.today()).get()
            try await reviews.record(household: household, input, by: w.actor)
            return try await page(w, household: household, form: ["quarter": input.quarter.description], message: t.t("reviewRecorded"))
        } catch let p as ProblemList {
            return try await page(w, household: household, form: form, problems: p.problems, status: .unprocessableContent)
        } catch {
            return try await w.refused(error) { try await page(w, household: household, form: form, problems: $0, status: .unprocessableContent) }
        }
    }

    func decide(_ w: Web, _ id: Int64, _ form: Form) async throws -> Response {
        guard w.role.may(.confirmEffectReviews) else { return try w.forbidden() }
        let decision: EffectReviewDecision = form["decision"] == "return" ? .returnToHelper(reason: form["reason"] ?? "") : .confirm
        let household = (form["household"] ?? "").trimmingSpaces()
        do {
            try await reviews.decide(id, decision, by: w.actor)
            let path = household.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["-"])) ?? ""
            return Response(status: .seeOther, headers: [.location: "/households/\(path)/effect?quarter=\(Quarter(form["quarter"] ?? "")?.description ?? "")"])
        } catch {
            return try await w.refused(error) { try await page(w, household: household, form: form, problems: $0, status: .unprocessableContent) }
        }
    }
}
