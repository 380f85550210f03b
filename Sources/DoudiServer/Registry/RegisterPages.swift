import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// The household register: the list, a household's page, its forms, the audited reveal.
struct RegisterPages: Sendable {
    let web: WebShell
    let households: HouseholdStore
    let regions: RegionStore
    let episodes: EpisodeStore
    let leads: LeadStore
    let choices: Choices
    var clock: Clock { web.clock }

    func register(on router: Router<DoudiContext>) {
        router.get("/households") { req, _ in try await web.withUser(req) { w in try await householdList(w) } }
        router.get("/households/new") { req, _ in
            try await web.withUser(req) { w in try await householdForm(w, existing: nil, form: [:], problems: []) }
        }
        router.post("/households/new") { req, _ in try await web.withUser(req, post: true) { w, form in try await createHousehold(w, form) } }
        router.get("/households/{id}") { req, ctx in
            try await web.withUser(req) { w in try await householdPage(w, id: ctx.parameters.get("id") ?? "") }
        }
        router.get("/households/{id}/edit") { req, ctx in
            try await web.withUser(req) { w in
                guard w.role.may(.writeRegister) else { return try w.forbidden() }
                guard let h = try await households.get(ctx.parameters.get("id") ?? "", by: w.actor) else { return try w.notFound() }
                return try await householdForm(w, existing: h, form: Self.form(h.household), problems: [])
            }
        }
        router.post("/households/{id}/edit") { req, ctx in
            try await web.withUser(req, post: true) { w, form in try await updateHousehold(w, id: ctx.parameters.get("id") ?? "", form) }
        }
        router.post("/households/{id}/members") { req, ctx in
            try await web.withUser(req, post: true) { w, form in try await addMember(w, id: ctx.parameters.get("id") ?? "", form) }
        }
        router.post("/members/{id}/reveal") { req, ctx in
            try await web.withUser(req, post: true) { w, _ in
                guard let id = ctx.parameters.get("id", as: Int64.self) else { return try w.notFound() }
                do {
                    let m = try await households.reveal(memberID: id, by: w.actor)
                    return try await householdPage(w, id: m.member.householdID, revealed: m.id)
                } catch StoreError.notFound { return try w.notFound() } catch StoreError.forbidden { return try w.forbidden() }
            }
        }
        // Reloading a revealed page, or switching language on it, shows the household masked again.
        router.get("/members/{id}/reveal") { req, ctx in
            try await web.withUser(req) { w in
                guard w.role.may(.browseRegister) else { return try w.forbidden() }
                guard let id = ctx.parameters.get("id", as: Int64.self),
                      let hid = try await households.householdOf(member: id, by: w.actor) else { return try w.notFound() }
                return .redirect(to: "/households/\(hid)", type: .found)
            }
        }
    }

    func householdList(_ w: Web) async throws -> Response {
        let t = w.t
        guard w.role.may(.readRegister) else { return try w.forbidden() }
        let q = w.req.uri.queryParameters
        let text = q["q"].map(String.init) ?? ""
        let ridText = (q["rid"].map(String.init) ?? "").trimmingCharacters(in: .whitespaces)
        let regionText = q["region"].map(String.init) ?? ""
        let pageNo = w.pageNumber
        var rid: ResidentID?
        var error: String?
        if !ridText.isEmpty {
            do { rid = try ResidentID(ridText) } catch let problem { error = say(problem.message, t) }
        }
        let region = RegionCode(regionText)
        let facetText = ["dibao", "poverty", "order"].map { q[Substring($0)].map(String.init) ?? "" }
        let facets = HouseholdFacets(dibao: facetText[0] == "1" ? true : facetText[0] == "0" ? false : nil,
                                     povertyStatus: PovertyStatus(rawValue: facetText[1]), order: HouseholdFacets.Order(rawValue: facetText[2]) ?? .updated)
        var total = 0
        var items: [[String: Any]] = []
        // A hotline operator finds one person by full resident ID: no list until one is typed.
        let browse = w.role.may(.browseRegister)
        if error == nil && (browse || rid != nil) {
            let page = try await households.search(by: w.actor, text: text, residentID: rid, region: region, facets: facets, limit: 50, offset: pageNo * 50)
            total = page.total
            items = page.items.map { s in
                ["id": s.id, "head": s.headName ?? "", "rid": s.headResidentID.map(Masking.residentID) ?? "",
                 "region": s.regionLabel ?? "", "count": s.memberCount]
            }
        }
        let regions = browse ? try await scopeRegions(w.account, selected: region) : []
        func link(_ p: Int) -> String {
            var c = URLComponents()
            c.queryItems = [.init(name: "q", value: text), .init(name: "rid", value: ridText), .init(name: "region", value: regionText),
                            .init(name: "dibao", value: facetText[0]), .init(name: "poverty", value: facetText[1]), .init(name: "order", value: facetText[2]),
                            .init(name: "page", value: String(p))]
            return "/households?" + (c.percentEncodedQuery ?? "")
        }
        return try w.page(template: "registry/households", title: t.t("households"), [
            "q": text, "rid": ridText, "error": error as Any, "items": items, "regions": regions,
            "total": total > HouseholdStore.countCap ? String(format: t.t("moreThan"), HouseholdStore.countCap) : String(total),
            "dibaoChoices": [("", t.t("any")), ("1", t.t("yes")), ("0", t.t("no"))].map { ["value": $0.0, "label": $0.1, "selected": $0.0 == facetText[0]] },
            "povertyChoices": [["value": "", "label": t.t("any"), "selected": facetText[1].isEmpty]] + options(PovertyStatus.self, selected: facetText[1], t: t),
            "orders": HouseholdFacets.Order.allCases.map { ["value": $0.rawValue, "label": t.t("order_" + $0.rawValue), "selected": $0 == facets.order] },
            "prev": pageNo > 0 ? link(pageNo - 1) : false, "next": (pageNo + 1) * 50 < total ? link(pageNo + 1) : false])
    }

    /// The townships and villages a user can filter by: those of the user's region down to two levels below it.
    func scopeRegions(_ a: UserStore.Account, selected: RegionCode?) async throws -> [[String: Any]] {
        try await regions.scopeChoices(a, selected: selected)
    }

    func householdPage(_ w: Web, id: String, revealed: Int64? = nil,
                       message: String? = nil, error: String? = nil, form: Form = [:], visitMessage: String? = nil) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        guard let h = try await households.get(id, by: w.actor) else { return try w.notFound() }
        func label<E: CodeNamed>(_ e: E) -> String { DoudiServer.label(e, t) }
        let path = try await regions.path(h.household.regionCode).filter { $0.level >= .township }.map(\.name).joined(separator: " ")
        let members: [[String: Any]] = h.members.map { s in
            let m = s.member
            let show = s.id == revealed
            return ["id": s.id, "name": m.name, "relation": label(m.relation), "rid": show ? m.residentID.text : m.residentID.masked,
                    "sex": label(m.sex), "birth": show ? m.birthDate.description : Masking.birthDate(m.birthDate), "labor": label(m.laborAbility), "health": label(m.health),
                    "grade": m.disabilityGrade.map { String($0) } as Any, "schooling": label(m.schooling), "employment": label(m.employment),
                    "phone": (show ? m.phone : m.maskedPhone) ?? "", "child": m.childCategory.map(label) as Any,
                    "revealed": show, "canReveal": w.role.may(.revealPersonalData), "csrf": w.csrf]
        }
        let hh = h.household
        let visits = try await leads.visits(household: hh.id, by: w.actor)
        return try w.page(template: "registry/household", title: "\(t.t("householdId")) \(hh.id)", [
            "h": ["id": hh.id, "region": path, "regionCode": hh.regionCode.description, "poverty": label(hh.povertyStatus),
                  "dibao": t.t(hh.dibao ? "yes" : "no"), "nearDibao": t.t(hh.nearDibao ? "yes" : "no"),
                  "extremeHardship": t.t(hh.extremeHardship ? "yes" : "no"), "income": hh.incomePerCapita, "address": hh.address],
            "members": members, "canWrite": w.role.may(.writeRegister), "canApply": w.role.may(.handleApplications), "canOpenCase": w.role.may(.handleCases), "message": message as Any, "error": error as Any,
            "form": form.values, "options": allOptions(form, t: t), "visitMessage": visitMessage as Any,
            "today": clock.today().description, "kinds": try await choices.kinds(t, region: hh.regionCode),
            "hasVisits": !visits.isEmpty, "visits": visits.map { v in
                ["date": v.date.description, "by": v.actor, "met": v.met, "findings": v.findings, "needs": v.needs, "hardship": v.hardship, "photos": v.photos] as [String: Any]
            },
            "episodes": try await episodes.episodes(by: w.actor, statuses: [], householdID: hh.id).map { e in
                ["id": e.id, "status": label(e.status), "type": label(e.monitoringType),
                 "foundOn": e.foundOn.description] as [String: Any]
            }])
    }

    static func form(_ h: Household) -> Form {
        Form(values: ["regionCode": h.regionCode.description, "povertyStatus": h.povertyStatus.rawValue, "incomePerCapita": String(h.incomePerCapita),
                      "address": h.address, "dibao": h.dibao ? "1" : "", "nearDibao": h.nearDibao ? "1" : "", "extremeHardship": h.extremeHardship ? "1" : ""])
    }

    func householdForm(_ w: Web, existing: StoredHousehold?, form: Form, problems: [FieldProblem],
                       status: HTTPResponse.Status = .ok, fromLead: Int64? = nil) async throws -> Response {
        let t = w.t
        guard w.role.may(.writeRegister) else { return try w.forbidden() }
        var f = form.values
        for k in ["dibao", "nearDibao", "extremeHardship"] { f[k] = form[k] == "1" ? "1" : nil }
        let title = existing.map { "\(t.t("edit")) \($0.household.id)" } ?? t.t("newHousehold")
        return try w.page(status: status, template: "registry/householdform", title: title, [
            "title": title, "isNew": existing == nil, "action": existing.map { "/households/\($0.household.id)/edit" } ?? "/households/new",
            "villages": try await choices.villages(w.account, selected: RegionCode(form["regionCode"] ?? "")), "form": f as [String: Any],
            "options": allOptions(form, t: t), "problems": w.lines(problems), "hasProblems": !problems.isEmpty, "fromLead": fromLead as Any,
            "nextID": existing == nil && w.region.level == .village ? try await households.nextID(in: w.region, by: w.actor) : ""])
    }

    static func householdInput(id: String, _ form: Form) -> HouseholdInput {
        HouseholdInput(id: id, regionCode: form["regionCode"] ?? "", povertyStatus: form["povertyStatus"], dibao: form["dibao"] == "1",
                       nearDibao: form["nearDibao"] == "1", extremeHardship: form["extremeHardship"] == "1",
                       incomeText: form["incomePerCapita"] ?? "", address: form["address"] ?? "")
    }

    static func memberInput(_ form: Form) -> MemberInput {
        MemberInput(residentID: form["residentId"] ?? "", name: form["name"], relation: form["relation"] ?? "", laborAbility: form["laborAbility"] ?? "",
                    health: form["health"], disabilityGrade: form["disabilityGrade"].flatMap { Int($0) }, schooling: form["schooling"],
                    employment: form["employment"], phone: form["phone"], childCategory: form["childCategory"])
    }

    /// A 户编号 left empty is the village's next number; one taken meanwhile by another cadre is asked for again.
    func createHousehold(_ w: Web, _ form: Form) async throws -> Response {
        var problems: [FieldProblem] = []
        let typed = (form["householdId"] ?? "").trimmingCharacters(in: .whitespaces)
        for attempt in 0..<3 where problems.isEmpty {
            var id = typed
            if typed.isEmpty, let village = RegionCode(form["regionCode"] ?? ""), village.level == .village, w.actor.reaches(village), w.role.may(.writeRegister) {
                id = try await households.nextID(in: village, by: w.actor)
            }
            let household = Self.householdInput(id: id, form).check().problems(into: &problems)
            let head = Self.memberInput(form).check(householdID: id, today: clock.today()).problems(into: &problems)
            guard let household, let head, problems.isEmpty else { break }
            do {
                let stored = try await households.create(HouseholdRecord(household: household, members: [head]), by: w.actor)
                return .redirect(to: "/households/\(stored.household.id)", type: .normal)
            } catch let e as StoreError {
                if typed.isEmpty, attempt < 2, case .conflict(let p) = e, p.field == "householdId" { continue }
                problems = Self.problems(e)
            }
        }
        return try await householdForm(w, existing: nil, form: form, problems: problems, status: .unprocessableContent)
    }

    static func problems(_ e: StoreError) -> [FieldProblem] {
        switch e {
        case .invalid(let p): p
        case .conflict(let p): [p]
        case .forbidden: [FieldProblem("regionCode", Message("该村不在您的辖区内或您无权修改", "that village is outside your region, or your role may not change it"))]
        case .notFound: [FieldProblem("householdId", .notInYourRegion)]
        default: [FieldProblem("", Message("保存失败", "could not save"))]
        }
    }

    func updateHousehold(_ w: Web, id: String, _ form: Form) async throws -> Response {
        guard w.role.may(.writeRegister) else { return try w.forbidden() }
        guard let existing = try await households.get(id, by: w.actor) else { return try w.notFound() }
        var problems: [FieldProblem] = []
        if let h = Self.householdInput(id: id, form).check().problems(into: &problems) {
            do {
                _ = try await households.update(h, by: w.actor)
                return .redirect(to: "/households/\(id)", type: .normal)
            } catch let e as StoreError { problems = Self.problems(e) }
        }
        return try await householdForm(w, existing: existing, form: form, problems: problems, status: .unprocessableContent)
    }

    func addMember(_ w: Web, id: String, _ form: Form) async throws -> Response {
        guard w.role.may(.writeRegister) else { return try w.forbidden() }
        var problems: [FieldProblem] = []
        if let m = Self.memberInput(form).check(householdID: id, today: clock.today()).problems(into: &problems) {
            do {
                _ = try await households.addMember(m, by: w.actor)
                return .redirect(to: "/households/\(id)", type: .normal)
            } catch StoreError.notFound { return try w.notFound() } catch let e as StoreError { problems = Self.problems(e) }
        }
        let text = w.lines(problems).joined(separator: "；")
        var r = try await householdPage(w, id: id, error: text, form: form)
        r.status = .unprocessableContent
        return r
    }
}

extension RegionStore {
    /// The townships and villages a list can be narrowed to, inside the reader's region (two levels down).
    func scopeChoices(_ a: UserStore.Account, selected: RegionCode?) async throws -> [[String: Any]] {
        let deepest = RegionCode.Level(rawValue: min(RegionCode.Level.village.rawValue, a.region.level.rawValue + 2))!
        guard !a.region.isCountry, deepest >= .township else { return [] }
        return try await regions(in: a.region, levels: RegionCode.Level.township...deepest).map { r in
            ["code": r.code.description, "name": (r.level == .village && r.code != a.region ? "— " : "") + r.name, "selected": r.code == selected]
        }
    }
}
