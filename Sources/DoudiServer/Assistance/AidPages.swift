import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// 先行救助与备用金: the township pays aid at once from its reserve fund (for a household of the register or a
/// person the register does not hold), the paperwork is tracked to its deadline, the county funds the townships.
struct AidPages: Sendable {
    let web: WebShell
    let aid: AidFirstStore
    let regions: RegionStore
    var clock: Clock { web.clock }

    func register(on router: Router<DoudiContext>) {
        router.get("/assistance/aid") { req, _ in try await web.withUser(req) { w in try await page(w) } }
        router.post("/assistance/aid") { req, _ in try await web.withUser(req, post: true) { w, form in try await pay(w, form) } }
        router.post("/assistance/aid/fund") { req, _ in try await web.withUser(req, post: true) { w, form in try await deposit(w, form) } }
        router.get("/assistance/aid/{id}") { req, ctx in
            try await web.withUser(req) { w in try await ctx.parameters.get("id", as: Int64.self).asyncMap { try await detail(w, id: $0) } ?? w.notFound() }
        }
        router.post("/assistance/aid/{id}") { req, ctx in
            try await web.withUser(req, post: true) { w, form in try await ctx.parameters.get("id", as: Int64.self).asyncMap { try await complete(w, $0, form) } ?? w.notFound() }
        }
    }

    func page(_ w: Web, form: Form = [:], problems: [FieldProblem] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        let today = clock.today()
        let n = w.pageNumber
        // Only the payments whose paperwork is still open (a bookmarkable filter, kept while paging).
        let openOnly = w.req.uri.queryParameters["open"] == "1"
        let items = try await aid.list(by: w.actor, openOnly: openOnly, limit: 51, offset: n * 50)
        let filter = openOnly ? "&open=1" : ""
        let names = try await regions.villageLabels(items.map(\.region))
        let funds = try await aid.funds(by: w.actor)
        let townships = Dictionary(try await regions.children(of: w.region.truncated(to: .county)).map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let mayPay = w.role.may(.payAidFirst) && w.region.level == .township
        let places = mayPay ? [(w.region, townships[w.region] ?? w.region.description)] + (try await regions.villageLabels(in: w.region)) : []
        let movements = mayPay ? try await aid.movements(w.region, by: w.actor).movements : []
        let outside = form["recipient"] == "outside"
        return try w.page(status: status, template: "assistance/aid", title: t.t("aidTitle"), [
            "problems": w.lines(problems), "hasProblems": !problems.isEmpty,
            "funds": funds.map { ["name": townships[$0.township] ?? $0.township.description, "balance": $0.balance] as [String: Any] }, "hasFunds": !funds.isEmpty,
            "mayPay": mayPay, "mayFund": w.role.may(.fundReserves),
            "movements": movements.map { ["day": $0.day, "amount": $0.amount, "note": $0.note, "by": $0.by] as [String: Any] },
            "places": places.map { ["value": $0.0.description, "label": $0.1, "selected": form["place"] == $0.0.description] as [String: Any] },
            "kinds": options(TemporaryAidKind.self, selected: form["kind"] ?? TemporaryAidKind.emergency.rawValue, t: t),
            "outside": outside, "inRegister": !outside, "household": form["household"] ?? "", "name": form["name"] ?? "", "residentId": form["residentId"] ?? "",
            "registeredAt": form["registeredAt"] ?? "", "amount": form["amount"] ?? "", "reason": form["reason"] ?? "",
            "townships": townships.filter { w.region.contains($0.key) && $0.key.level == .township }.sorted { $0.key < $1.key }
                .map { ["value": $0.key.description, "label": $0.value, "selected": form["township"] == $0.key.description] as [String: Any] },
            "items": items.prefix(50).map { r in
                ["id": r.id, "name": r.name, "place": names[r.region] ?? r.region.description, "kind": label(r.kind, t), "amount": r.amount,
                 "paid": r.paidOn.description, "due": r.dueOn.description, "done": r.completedOn?.description as Any, "late": r.late(today: today),
                 "outside": r.outside] as [String: Any]
            },
            "openOnly": openOnly,
            "prev": (n > 0 ? "/assistance/aid?page=\(n - 1)\(filter)" : nil) as Any, "next": (items.count > 50 ? "/assistance/aid?page=\(n + 1)\(filter)" : nil) as Any,
        ])
    }

    /// The form into aid first; a resident ID or a number typed wrongly is named.
    static func input(_ form: Form) -> Result<AidFirstInput, ProblemList> {
        var problems: [FieldProblem] = []
        let amount = ApplicationPages.number(form, "amount", field: "amount", &problems) ?? 0
        guard let place = form["place"].flatMap({ RegionCode($0) }) else {
            return .failure(ProblemList(problems + [FieldProblem("place", Message("请选择受助人居住或工作的村（社区）", "choose where the person lives or works"))]))
        }
        let outside = form["recipient"] == "outside" ? (form["name"] ?? "", form["residentId"] ?? "", form["registeredAt"] ?? "") : nil
        let recipient: AidRecipient
        switch AidRecipient.read(household: form["household"], outside: outside, householdField: "household") {
        case .failure(let p): return .failure(ProblemList(problems + [p]))
        case .success(let r): recipient = r
        }
        guard let kind = TemporaryAidKind(rawValue: form["kind"] ?? "") else { return .failure(ProblemList(problems + [TemporaryAidKind.problem(field: "kind", text: form["kind"] ?? "")])) }
        if !problems.isEmpty { return .failure(ProblemList(problems)) }
        return .success(AidFirstInput(recipient: recipient, place: place, kind: kind, amount: amount, reason: form["reason"] ?? ""))
    }

    func pay(_ w: Web, _ form: Form) async throws -> Response {
        let t = w.t
        guard w.role.may(.payAidFirst) else { return try w.forbidden() }
        switch Self.input(form) {
        case .failure(let p): return try await page(w, form: form, problems: p.problems, status: .unprocessableContent)
        case .success(let input):
            // Money leaves the fund and is not taken back: a second page asks again.
            if !Web.confirmed(form) {
                let who = if case .outside(let name, let rid, _) = input.recipient { "\(name)（\(rid.masked)）" } else { form["household"] ?? "" }
                return try w.confirm(form, action: "/assistance/aid", back: "/assistance/aid", title: t.t("aidTitle"), question: t.t("confirmAidFirst"),
                                     summary: [(t.t("aidRecipient"), who), (t.t("benefitKind"), label(input.kind, t)), (t.t("amountYuan"), String(input.amount))],
                                     button: t.t("confirmRecord"))
            }
            do {
                let id = try await aid.pay(input, by: w.actor, today: clock.today())
                return Response(status: .seeOther, headers: [.location: "/assistance/aid/\(id)"])
            } catch {
                return try await w.refused(error) { try await page(w, form: form, problems: $0, status: .unprocessableContent) }
            }
        }
    }

    func deposit(_ w: Web, _ form: Form) async throws -> Response {
        let t = w.t
        guard w.role.may(.fundReserves) else { return try w.forbidden() }
        var problems: [FieldProblem] = []
        let amount = ApplicationPages.number(form, "amount", field: "amount", &problems) ?? 0
        guard let township = form["township"].flatMap({ RegionCode($0) }), problems.isEmpty else {
            return try await page(w, form: form, problems: problems.isEmpty ? [FieldProblem("township", Message("请选择乡镇（街道）", "choose a township"))] : problems,
                                  status: .unprocessableContent)
        }
        if !Web.confirmed(form) {
            return try w.confirm(form, action: "/assistance/aid/fund", back: "/assistance/aid", title: t.t("aidTitle"), question: t.t("confirmDeposit"),
                                 summary: [(t.t("township"), try await regions.path(township).last?.name ?? township.description), (t.t("amountYuan"), String(amount))],
                                 button: t.t("confirmRecord"))
        }
        do {
            try await aid.deposit(township, amount: amount, note: form["note"] ?? "", by: w.actor, today: clock.today())
            return Response(status: .seeOther, headers: [.location: "/assistance/aid"])
        } catch {
            return try await w.refused(error) { try await page(w, form: form, problems: $0, status: .unprocessableContent) }
        }
    }

    func detail(_ w: Web, id: Int64, problems: [FieldProblem] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        guard let r = try await aid.record(id, by: w.actor) else { return try w.notFound() }
        let names = try await regions.villageLabels([r.region])
        let today = clock.today()
        return try w.page(status: status, template: "assistance/aid-record", title: "\(t.t("aidFirst")) · \(r.name)", [
            "r": ["id": r.id, "name": r.name, "household": r.householdID as Any, "maskedId": r.maskedID as Any, "registeredAt": (r.registeredAt.isEmpty ? nil : r.registeredAt) as Any,
                  "place": names[r.region] ?? r.region.description, "kind": label(r.kind, t), "amount": r.amount, "reason": r.reason, "paid": r.paidOn.description,
                  "paidBy": r.paidBy, "due": r.dueOn.description, "late": r.late(today: today), "done": r.completedOn?.description as Any,
                  "note": r.completionNote as Any, "outside": r.outside] as [String: Any],
            "mayComplete": r.completedOn == nil && w.role.may(.payAidFirst), "problems": w.lines(problems), "hasProblems": !problems.isEmpty,
        ])
    }

    func complete(_ w: Web, _ id: Int64, _ form: Form) async throws -> Response {
        guard w.role.may(.payAidFirst) else { return try w.forbidden() }
        do {
            try await aid.complete(id, note: form["note"] ?? "", by: w.actor, today: clock.today())
            return Response(status: .seeOther, headers: [.location: "/assistance/aid/\(id)"])
        } catch {
            return try await w.refused(error) { try await detail(w, id: id, problems: $0, status: .unprocessableContent) }
        }
    }
}

/// The same through the API.
struct AidAPI: APIPart {
    let aid: AidFirstStore
    let clock: Clock

    func listAidFirst(_ input: Operations.ListAidFirst.Input) async throws -> Operations.ListAidFirst.Output {
        let a = try caller
        do {
            let list = try await aid.list(by: a.actor, openOnly: input.query.open ?? false, limit: input.query.limit ?? 50, offset: input.query.offset ?? 0)
            let today = clock.today()
            return .ok(.init(body: .json(list.map { Self.schema($0, today) })))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func payAidFirst(_ input: Operations.PayAidFirst.Input) async throws -> Operations.PayAidFirst.Output {
        let a = try caller
        guard case .json(let b) = input.body, let place = RegionCode.parse(b.place) else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        let recipient: AidRecipient
        switch AidRecipient.read(household: b.householdId, outside: b.outside.map { ($0.name, $0.residentId, $0.registeredAt ?? "") }, householdField: "householdId") {
        case .failure(let p): return .unprocessableContent(.init(body: .json(Self.invalid([p]))))
        case .success(let r): recipient = r
        }
        let kind: TemporaryAidKind = b.kind == .expense ? .expense : .emergency
        do {
            let today = clock.today()
            let id = try await aid.pay(AidFirstInput(recipient: recipient, place: place, kind: kind, amount: b.amount, reason: b.reason), by: a.actor, today: today)
            guard let r = try await aid.record(id, by: a.actor) else { return .notFound(.init(body: .json(Self.notFound))) }
            return .created(.init(body: .json(Self.schema(r, today))))
        } catch { return try Self.refusal(error) }
    }

    func getAidFirst(_ input: Operations.GetAidFirst.Input) async throws -> Operations.GetAidFirst.Output {
        let a = try caller
        do {
            guard let r = try await aid.record(input.path.id, by: a.actor) else { return .notFound(.init(body: .json(Self.notFound))) }
            return .ok(.init(body: .json(Self.schema(r, clock.today()))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func completeAidFirst(_ input: Operations.CompleteAidFirst.Input) async throws -> Operations.CompleteAidFirst.Output {
        let a = try caller
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        do {
            let today = clock.today()
            try await aid.complete(input.path.id, note: b.note, by: a.actor, today: today)
            guard let r = try await aid.record(input.path.id, by: a.actor) else { return .notFound(.init(body: .json(Self.notFound))) }
            return .ok(.init(body: .json(Self.schema(r, today))))
        } catch { return try Self.refusal(error) }
    }

    func listReserveFunds(_ input: Operations.ListReserveFunds.Input) async throws -> Operations.ListReserveFunds.Output {
        let a = try caller
        do {
            return .ok(.init(body: .json(try await aid.funds(by: a.actor).map { .init(township: $0.township.description, balance: $0.balance) })))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func fundReserve(_ input: Operations.FundReserve.Input) async throws -> Operations.FundReserve.Output {
        let a = try caller
        guard case .json(let b) = input.body, let township = RegionCode.parse(b.township) else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        do {
            let balance = try await aid.deposit(township, amount: b.amount, note: b.note ?? "", by: a.actor, today: clock.today())
            return .ok(.init(body: .json(.init(township: township.description, balance: balance))))
        } catch { return try Self.refusal(error) }
    }

    static func schema(_ r: AidFirstStore.Record, _ today: CivilDate) -> Schemas.AidFirst {
        Schemas.AidFirst(id: r.id, regionCode: r.region.description, householdId: r.householdID, name: r.name, residentIdMasked: r.maskedID,
                         registeredAt: r.registeredAt, kind: r.kind == .expense ? .expense : .emergency, amount: r.amount, reason: r.reason,
                         paidOn: r.paidOn.description, dueOn: r.dueOn.description, completedOn: r.completedOn?.description, completionNote: r.completionNote,
                         late: r.late(today: today), outside: r.outside)
    }
}

extension Operations.PayAidFirst.Output: StoreRefusals {}
extension Operations.CompleteAidFirst.Output: StoreRefusals {}
extension Operations.FundReserve.Output: StoreRefusals {}

extension APIHandlers {
    func listAidFirst(_ input: Operations.ListAidFirst.Input) async throws -> Operations.ListAidFirst.Output { try await aid.listAidFirst(input) }
    func payAidFirst(_ input: Operations.PayAidFirst.Input) async throws -> Operations.PayAidFirst.Output { try await aid.payAidFirst(input) }
    func getAidFirst(_ input: Operations.GetAidFirst.Input) async throws -> Operations.GetAidFirst.Output { try await aid.getAidFirst(input) }
    func completeAidFirst(_ input: Operations.CompleteAidFirst.Input) async throws -> Operations.CompleteAidFirst.Output { try await aid.completeAidFirst(input) }
    func listReserveFunds(_ input: Operations.ListReserveFunds.Input) async throws -> Operations.ListReserveFunds.Output { try await aid.listReserveFunds(input) }
    func fundReserve(_ input: Operations.FundReserve.Input) async throws -> Operations.FundReserve.Output { try await aid.fundReserve(input) }
}
