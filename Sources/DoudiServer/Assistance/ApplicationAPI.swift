import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation

/// Benefit applications (issue 13): handed in, read, and acted on step by step.
struct ApplicationAPI: APIPart {
    let applications: ApplicationStore
    let clock: Clock

    func listApplications(_ input: Operations.ListApplications.Input) async throws -> Operations.ListApplications.Output {
        let a = try caller
        do {
            let list = try await applications.applications(by: a.actor, status: input.query.status.flatMap { ApplicationStatus(rawValue: $0.rawValue) },
                                                           limit: input.query.limit ?? 50, offset: input.query.offset ?? 0)
            return .ok(.init(body: .json(list.map(Self.schema))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func createApplication(_ input: Operations.CreateApplication.Input) async throws -> Operations.CreateApplication.Output {
        let a = try caller
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        guard let kind = BenefitKind(rawValue: b.kind) else {
            return .unprocessableContent(.init(body: .json(Self.invalid([BenefitKind.problem(field: "kind", text: b.kind)]))))
        }
        let income: IncomeStatement
        switch Self.income(b.income, months: b.incomeMonths) {
        case .failure(let p): return .unprocessableContent(.init(body: .json(Self.invalid([p]))))
        case .success(let i): income = i
        }
        var bank: BankAccount?
        if let text = b.bankAccount, !text.isEmpty {
            guard let account = BankAccount(text) else { return .unprocessableContent(.init(body: .json(Self.invalid([BankAccount.problem])))) }
            bank = account
        }
        let app = ApplicationInput(householdID: b.householdId, kind: kind, covered: b.covered, income: income,
                                   assets: b.assets?.additionalProperties ?? [:], authorised: b.authorised, episodeID: b.episodeId, bankAccount: bank)
        do {
            let today = clock.today()
            let id = try await applications.apply(app, by: a.actor, today: today, draw: Int.random(in: 0..<100))
            guard let d = try await applications.application(id, by: a.actor) else { return .notFound(.init(body: .json(Self.notFound))) }
            return .created(.init(body: .json(Self.detail(d))))
        } catch { return try Self.refusal(error) }
    }

    func getApplication(_ input: Operations.GetApplication.Input) async throws -> Operations.GetApplication.Output {
        let a = try caller
        do {
            guard let d = try await applications.application(input.path.applicationId, by: a.actor) else { return .notFound(.init(body: .json(Self.notFound))) }
            return .ok(.init(body: .json(Self.detail(d))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func actOnApplication(_ input: Operations.ActOnApplication.Input) async throws -> Operations.ActOnApplication.Output {
        let a = try caller
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        switch ApplicationAction.parse(action: b.action, note: b.note, approve: b.approve, amount: b.amount, from: b.from, to: b.to, upheld: b.upheld) {
        case .failure(let p): return .unprocessableContent(.init(body: .json(Self.invalid(p.problems))))
        case .success(let action):
            do {
                try await applications.act(input.path.applicationId, action, by: a.actor, today: clock.today())
                guard let d = try await applications.application(input.path.applicationId, by: a.actor) else { return .notFound(.init(body: .json(Self.notFound))) }
                return .ok(.init(body: .json(Self.detail(d))))
            } catch { return try Self.refusal(error) }
        }
    }

    func getAssistanceFigures(_ input: Operations.GetAssistanceFigures.Input) async throws -> Operations.GetAssistanceFigures.Output {
        let a = try caller
        guard let region = RegionCode.parse(input.query.regionCode), let month = YearMonth(input.query.month) else {
            return .badRequest(.init(body: .json(Self.error("badRequest", Message("regionCode应为12位区划代码，month应为YYYY-MM", "regionCode has 12 digits, month is YYYY-MM")))))
        }
        do {
            let f = try await AssistanceFigures.of(applications.db, region: region, month: month, by: a.actor)
            return .ok(.init(body: .json(.init(regionCode: region.description, month: month.description, approved: f.sameMonth.approved,
                                               approvedAndPaidSameMonth: f.sameMonth.approvedAndPaidSameMonth, sameMonthShare: try .init(unvalidatedValue: f.sameMonth.share),
                                               households: f.households, persons: f.persons, started: f.started, ended: f.ended, reviewsOverdue: f.reviewsOverdue,
                                               aidFirst: .init(paid: f.aidFirst.paid, amount: f.aidFirst.amount, outside: f.aidFirst.outside, overdue: f.aidFirst.overdue),
                                               amounts: .init(additionalProperties: Dictionary(uniqueKeysWithValues: f.amounts.map { ($0.key.rawValue, $0.value) }))))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    static func schema(_ s: ApplicationSummary) -> Schemas.Application {
        Schemas.Application(applicationId: s.id, householdId: s.householdID, regionCode: s.region.description, kind: s.kind.rawValue,
                            status: .init(rawValue: s.status.rawValue)!, step: s.step.rawValue, headName: s.headName, persons: s.covered.count,
                            netIncome: s.income.net, incomeMonths: s.income.months,
                            perCapitaMonthly: s.income.perCapitaMonthly(persons: s.covered.count).description, submittedOn: s.state.submittedOn.description,
                            stepDue: s.stepDue.description, spotCheck: s.state.spotCheck, relativeOfStaff: s.relativeOfStaff,
                            proposedAmount: s.state.proposedAmount, approvedAmount: s.approvedAmount, decidedOn: s.decidedOn?.description, reasons: s.reasons)
    }

    /// The income items an application or a change sends, by category; an unknown category is named.
    static func income(_ items: [Schemas.IncomeItem], months: Int?) -> Result<IncomeStatement, FieldProblem> {
        var out: [IncomeItem] = []
        for i in items {
            guard let c = IncomeCategory(rawValue: i.category) else { return .failure(IncomeCategory.problem(field: "income", text: i.category)) }
            out.append(IncomeItem(c, i.yuan, note: i.note ?? ""))
        }
        return .success(IncomeStatement(out, months: months ?? 12))
    }

    static func detail(_ d: ApplicationDetail) -> Schemas.ApplicationDetail {
        Schemas.ApplicationDetail(application: schema(d.summary), benefitId: d.benefitID, assessment: d.assessment.map { a in
            .init(standard: a.standard, perCapitaMonthly: a.perCapitaMonthly.description, eligible: a.eligible, amount: a.monthly,
                  reasons: a.reasons.map { .init(messageZh: $0.zh, messageEn: $0.en) })
        }, checks: d.checks.map {
            .init(memberId: $0.memberID, source: .init(rawValue: $0.source.rawValue)!, item: $0.item, value: Int64($0.value), asOf: $0.asOf.description)
        }, findings: d.findings.map {
            .init(source: .init(rawValue: $0.source.rawValue)!, found: Int64($0.found), limit: Int64($0.limit), over: $0.over,
                  messageZh: $0.message.zh, messageEn: $0.message.en)
        }, events: d.events.map {
            .init(day: $0.day.description, step: $0.step.rawValue, action: $0.action, note: $0.note, actor: $0.actor)
        })
    }
}

extension Operations.CreateApplication.Output: StoreRefusals {}
extension Operations.ActOnApplication.Output: StoreRefusals {}

/// The operations of this capability, as the generated protocol names them.
extension APIHandlers {
    func listApplications(_ input: Operations.ListApplications.Input) async throws -> Operations.ListApplications.Output { try await applications.listApplications(input) }
    func createApplication(_ input: Operations.CreateApplication.Input) async throws -> Operations.CreateApplication.Output { try await applications.createApplication(input) }
    func getApplication(_ input: Operations.GetApplication.Input) async throws -> Operations.GetApplication.Output { try await applications.getApplication(input) }
    func actOnApplication(_ input: Operations.ActOnApplication.Input) async throws -> Operations.ActOnApplication.Output { try await applications.actOnApplication(input) }
    func getAssistanceFigures(_ input: Operations.GetAssistanceFigures.Input) async throws -> Operations.GetAssistanceFigures.Output { try await applications.getAssistanceFigures(input) }
}
