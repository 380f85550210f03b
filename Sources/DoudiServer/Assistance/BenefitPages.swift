import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// 在保对象: a benefit's page — what it pays this month and the months ahead, its changes — and the change the
/// township or the county records (income or members, or a stop), shown as it would be paid before it is saved.
struct BenefitPages: Sendable {
    let web: WebShell
    let changes: BenefitChangeStore
    let regions: RegionStore
    var clock: Clock { web.clock }

    func register(on router: Router<DoudiContext>) {
        router.get("/assistance/benefits/{id}") { req, ctx in
            try await web.withUser(req) { w in try await ctx.parameters.get("id", as: Int64.self).asyncMap { try await page(w, id: $0) } ?? w.notFound() }
        }
        router.post("/assistance/benefits/{id}") { req, ctx in
            try await web.withUser(req, post: true) { w, form in try await ctx.parameters.get("id", as: Int64.self).asyncMap { try await change(w, $0, form) } ?? w.notFound() }
        }
    }

    func page(_ w: Web, id: Int64, form: Form? = nil, problems: [FieldProblem] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        let today = clock.today()
        guard let b = try await changes.benefit(id, by: w.actor, today: today) else { return try w.notFound() }
        let names = try await regions.villageLabels([b.region])
        let chosen = Set(form.map { $0.all["covered"] ?? [] } ?? b.covered.map(String.init))
        let active = b.end.map { $0 >= YearMonth(today) } ?? true
        let amounts = Dictionary(b.income.items.map { ($0.category, $0.yuan) }, uniquingKeysWith: +)
        return try w.page(status: status, template: "assistance/benefit", title: "\(t.t("benefitTitle")) · \(b.headName)", [
            "b": ["id": b.id, "application": b.applicationID, "head": b.headName, "household": b.householdID, "region": names[b.region] ?? b.region.description,
                  "kind": label(b.kind, t), "start": b.start.description, "end": b.end?.description as Any, "approved": b.approvedAmount,
                  "amount": b.amountNow, "persons": b.personsNow] as [String: Any],
            "ahead": b.ahead.map { ["month": $0.month.description, "amount": $0.amount] as [String: Any] }, "hasAhead": !b.ahead.isEmpty,
            "changes": b.changes.map { c in
                ["day": c.onDay, "from": c.from, "outcome": t.values["outcome." + c.outcome] ?? c.outcome, "persons": c.persons, "before": c.before,
                 "after": c.after, "end": c.end ?? "—", "reason": c.reason, "by": c.by] as [String: Any]
            },
            "mayChange": active && w.role.may(.manageBenefits), "nextMonth": YearMonth(today).adding(months: 1).description,
            "members": b.members.map { m in
                ["id": m.id, "name": m.name, "relation": Relation(rawValue: m.relation).map { label($0, t) } ?? "", "checked": chosen.contains(String(m.id))] as [String: Any]
            },
            "income": IncomeCategory.allCases.map { c in
                ["key": c.rawValue, "label": label(c, t), "value": form?["income." + c.rawValue] ?? amounts[c].map(String.init) ?? ""] as [String: Any]
            },
            "months": form?["incomeMonths"] ?? String(b.income.months), "reason": form?["reason"] ?? "", "stop": form?["stop"] == "1",
            "problems": w.lines(problems), "hasProblems": !problems.isEmpty,
        ])
    }

    func change(_ w: Web, _ id: Int64, _ form: Form) async throws -> Response {
        let t = w.t
        guard w.role.may(.manageBenefits) else { return try w.forbidden() }
        var problems: [FieldProblem] = []
        let income = ApplicationPages.income(form, &problems)
        if !problems.isEmpty { return try await page(w, id: id, form: form, problems: problems, status: .unprocessableContent) }
        let input = BenefitChangeInput(covered: (form.all["covered"] ?? []).compactMap { Int64($0) }, income: income, reason: form["reason"] ?? "",
                                       stop: form["stop"] == "1")
        do {
            // Money paid from next month on changes: the page says how, and asks again, before anything is saved.
            if !Web.confirmed(form) {
                let p = try await changes.preview(id, input, by: w.actor, today: clock.today())
                return try w.confirm(form, action: "/assistance/benefits/\(id)", back: "/assistance/benefits/\(id)", title: t.t("benefitTitle"),
                                     question: t.t("confirmBenefitChange"), summary: Self.summary(p, t), button: t.t("confirmRecord"))
            }
            try await changes.record(id, input, by: w.actor, today: clock.today())
            return Response(status: .seeOther, headers: [.location: "/assistance/benefits/\(id)"])
        } catch {
            return try await w.refused(error) { try await page(w, id: id, form: form, problems: $0, status: .unprocessableContent) }
        }
    }

    /// What the confirmation shows: the outcome, the income against the standard, the amounts month by month.
    static func summary(_ p: BenefitChangeStore.Plan, _ t: Strings.Table) -> [(String, String)] {
        var out = [(t.t("changeOutcome"), t.values["outcome." + p.outcome.code] ?? p.outcome.chinese), (t.t("changeFrom"), p.from.description),
                   (t.t("amountBefore"), "\(p.before) \(t.t("yuan"))")]
        if let a = p.assessment {
            out.append((t.t("perCapitaAgainstStandard"), "\(a.perCapitaMonthly) / \(a.standard) \(t.t("yuan"))"))
        }
        out += p.amounts.map { ($0.month.description, "\($0.amount) \(t.t("yuan"))") }
        if let last = p.lastMonth { out.append((t.t("lastMonthPaid"), last.description)) }
        return out
    }
}

/// The same through the API.
struct BenefitAPI: APIPart {
    let changes: BenefitChangeStore
    let clock: Clock

    func getBenefit(_ input: Operations.GetBenefit.Input) async throws -> Operations.GetBenefit.Output {
        let a = try caller
        do {
            guard let b = try await changes.benefit(input.path.id, by: a.actor, today: clock.today()) else { return .notFound(.init(body: .json(Self.notFound))) }
            return .ok(.init(body: .json(Schemas.Benefit(
                id: b.id, applicationId: b.applicationID, householdId: b.householdID, headName: b.headName, regionCode: b.region.description, kind: b.kind.rawValue,
                start: b.start.description, end: b.end?.description, approvedAmount: b.approvedAmount, amountThisMonth: b.amountNow, personsThisMonth: b.personsNow,
                ahead: b.ahead.map(Self.month),
                changes: b.changes.map {
                    .init(onDay: $0.onDay, from: $0.from, outcome: .init(rawValue: $0.outcome) ?? .amount, persons: $0.persons, before: $0.before, after: $0.after,
                          end: $0.end, reason: $0.reason, recordedBy: $0.by)
                }))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func changeBenefit(_ input: Operations.ChangeBenefit.Input) async throws -> Operations.ChangeBenefit.Output {
        let a = try caller
        guard case .json(let body) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        let income: IncomeStatement
        switch ApplicationAPI.income(body.income ?? [], months: body.incomeMonths) {
        case .failure(let p): return .unprocessableContent(.init(body: .json(Self.invalid([p]))))
        case .success(let i): income = i
        }
        let change = BenefitChangeInput(covered: body.covered ?? [], income: income, reason: body.reason,
                                        stop: body.stop ?? false)
        do {
            let today = clock.today(), preview = body.preview ?? false
            let p = preview ? try await changes.preview(input.path.id, change, by: a.actor, today: today)
                : try await changes.record(input.path.id, change, by: a.actor, today: today)
            let reasons: [Message] = if case .stop(let r) = p.outcome { r } else { [] }
            return .ok(.init(body: .json(Schemas.BenefitChangePlan(
                benefitId: p.benefitID, recorded: !preview, outcome: .init(rawValue: p.outcome.code) ?? .stop, from: p.from.description, before: p.before,
                persons: p.persons, standard: p.assessment?.standard, perCapitaMonthly: p.assessment?.perCapitaMonthly.description,
                amounts: p.amounts.map(Self.month), lastMonth: p.lastMonth?.description, reasons: reasons.map { .init(messageZh: $0.zh, messageEn: $0.en) }))))
        } catch { return try Self.refusal(error) }
    }

    static func month(_ m: BenefitChangeStore.MonthAmount) -> Schemas.MonthAmount { .init(month: m.month.description, amount: m.amount) }
}

extension Operations.ChangeBenefit.Output: StoreRefusals {}

extension APIHandlers {
    func getBenefit(_ input: Operations.GetBenefit.Input) async throws -> Operations.GetBenefit.Output { try await benefits.getBenefit(input) }
    func changeBenefit(_ input: Operations.ChangeBenefit.Input) async throws -> Operations.ChangeBenefit.Output { try await benefits.changeBenefit(input) }
}
