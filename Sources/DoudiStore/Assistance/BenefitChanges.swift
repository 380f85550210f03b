import DoudiDomain
import SQLKit

/// 低保变更 (R-DB-3, R-DB-8): the township records a change of a household's income or members while it draws
/// dibao; the amount is computed again on the region's standard and applies from the next month, a household
/// whose income has reached the standard goes through the region's phased exit, and a benefit can be stopped.
/// Every change is kept, and the amounts it sets month by month are what the roll and the figures pay.
public struct BenefitChangeStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    /// Shipped with version 19 for the whole country: the national averages of 2020 (R-DB-4: urban ≈ 678, rural
    /// ≈ 497 yuan a month) until a province or prefecture sets its own, no allowances, six months of phased exit
    /// at the full amount (R-DB-8: commonly six months).
    static let shipped: [(year: Int, key: PolicyKey, value: String)] = [
        (2020, .dibaoUrban, "678"), (2020, .dibaoRural, "497"), (2020, .allowanceElderly, "0"), (2020, .allowanceMinor, "0"),
        (2020, .allowanceSevereDisability, "0"), (2020, .allowanceSeriousIllness, "0"), (2020, .phasedExitSchedule, "100,100,100,100,100,100"),
    ]

    /// The persons and amount of each benefit `b` in `month`: the latest amount set from that month or before,
    /// or the amount approved. Joined as `x`; read as `COALESCE(x.persons, b.persons)`, `COALESCE(x.amount, b.monthly_amount)`.
    static func amountIn(_ month: YearMonth) -> SQLQueryString {
        """
        LEFT JOIN benefit_amounts x ON x.benefit_id = b.id
          AND x.from_month = (SELECT MAX(y.from_month) FROM benefit_amounts y WHERE y.benefit_id = b.id AND y.from_month <= \(bind: month.description))
        """
    }

    public struct MonthAmount: Sendable, Hashable { public var month: YearMonth; public var amount: Int }

    /// What a change would do, shown before it is recorded and recorded as shown.
    public struct Plan: Sendable, Hashable {
        public var benefitID: Int64
        /// The first month the change applies to: the month after it is recorded.
        public var from: YearMonth
        public var before: Int
        public var persons: Int
        public var assessment: DibaoAssessment?
        public var outcome: BenefitChangeOutcome
        public var amounts: [MonthAmount]
        public var lastMonth: YearMonth?
    }

    /// One change as the benefit's page lists it.
    public struct Change: Sendable, Hashable, Decodable {
        public var onDay: String
        public var from: String
        public var outcome: String
        public var persons: Int
        public var before: Int
        public var after: Int
        public var end: String?
        public var reason: String
        public var by: String
        enum CodingKeys: String, CodingKey {
            case onDay = "on_day", from = "from_month", outcome, persons, before = "before_amount", after = "after_amount", end = "end_month", reason, by = "recorded_by"
        }
    }

    struct BenefitRow: Decodable {
        var id: Int64; var application_id: Int64; var household_id: String; var region: Int64; var kind: String; var persons: Int
        var monthly_amount: Int; var start_month: String; var end_month: String?
    }
    struct InForce: Decodable { var amount: Int; var persons: Int }

    static func row(_ sql: any SQLDatabase, _ id: Int64, _ actor: Actor) async throws -> BenefitRow? {
        try await sql.raw("""
            SELECT id, application_id, household_id, region, kind, persons, monthly_amount, start_month, end_month FROM benefits
            WHERE id = \(bind: id) AND \(HouseholdStore.scope(actor, column: "region"))
            """).first(decoding: BenefitRow.self)
    }

    /// The amount and persons of `b` in `month`.
    static func inForce(_ sql: any SQLDatabase, _ b: BenefitRow, in month: YearMonth) async throws -> InForce {
        try await sql.raw("""
            SELECT amount, persons FROM benefit_amounts WHERE benefit_id = \(bind: b.id) AND from_month <= \(bind: month.description)
            ORDER BY from_month DESC LIMIT 1
            """).first(decoding: InForce.self) ?? InForce(amount: b.monthly_amount, persons: b.persons)
    }

    /// What `input`, recorded on `today`, would do to benefit `id`; refused with the reason when it cannot be done.
    static func plan(_ sql: any SQLDatabase, _ id: Int64, _ input: BenefitChangeInput, by actor: Actor, today: CivilDate) async throws -> (BenefitRow, Plan) {
        guard actor.role.may(.manageBenefits) else { throw StoreError.forbidden }
        guard let b = try await row(sql, id, actor), let kind = BenefitKind(rawValue: b.kind), let region = RegionCode(value: UInt64(b.region)) else {
            throw StoreError.notFound
        }
        let problems = input.problems(kind: kind)
        if !problems.isEmpty { throw StoreError.invalid(problems) }
        let month = YearMonth(today), from = month.adding(months: 1)
        if let end = b.end_month.flatMap({ YearMonth($0) }), end < month {
            throw StoreError.invalid([FieldProblem("benefit", Message("该待遇已于\(end)停发，请重新申请", "this benefit ended in \(end); apply again"))])
        }
        let now = try await inForce(sql, b, in: month), before = now.amount
        if input.stop {
            let outcome = BenefitChangeOutcome.stop(reasons: [Message(input.reason, input.reason)])
            return (b, Plan(benefitID: id, from: from, before: before, persons: now.persons, assessment: nil, outcome: outcome, amounts: [],
                            lastMonth: outcome.lastMonth(from: from)))
        }
        guard kind == .dibao || kind == .singlePersonDibao else {
            throw StoreError.invalid([FieldProblem("benefit", Message("\(kind.chinese)不按收入差额计算，只能停发或在年度复核中调整",
                                                                      "\(kind.english.lowercased()) is not paid as a difference of income: it can only be stopped or reviewed"))])
        }
        let (a, policy) = try await DibaoOnRecord.assess(sql, region: region, household: b.household_id, covered: input.covered, income: input.income, month: from)
        let outcome = BenefitChangeOutcome.decide(a, before: before, schedule: policy.phasedExitSchedule, from: from)
        return (b, Plan(benefitID: id, from: from, before: before, persons: input.covered.count, assessment: a, outcome: outcome,
                        amounts: outcome.amounts(from: from, before: before).map { MonthAmount(month: $0.month, amount: $0.amount) },
                        lastMonth: outcome.lastMonth(from: from)))
    }

    /// What the change would do, nothing written.
    public func preview(_ id: Int64, _ input: BenefitChangeInput, by actor: Actor, today: CivilDate) async throws -> Plan {
        try await db.read { sql in try await Self.plan(sql, id, input, by: actor, today: today).1 }
    }

    /// Records the change: the amounts it sets from the next month replace any set before for those months (a
    /// second change in one month wins), the benefit's last month follows it, and the audit log keeps both sides.
    @discardableResult
    public func record(_ id: Int64, _ input: BenefitChangeInput, by actor: Actor, today: CivilDate) async throws -> Plan {
        try await db.transaction { tx in
            // Two changes of one benefit at once queue here (PostgreSQL locks the row; SQLite has one writer), so the
            // second plans on what the first wrote.
            try await tx.sql.raw("UPDATE benefits SET end_month = end_month WHERE id = \(bind: id)").run()
            let (b, p) = try await Self.plan(tx.sql, id, input, by: actor, today: today)
            let from = p.from.description, end = p.lastMonth?.description
            let after = p.amounts.first?.amount ?? 0
            guard let change = try await tx.sql.raw("""
                INSERT INTO benefit_changes (benefit_id, region, on_day, from_month, outcome, persons, covered, income, income_months, before_amount,
                  after_amount, end_month, reason, recorded_by, created_at)
                VALUES (\(bind: id), \(bind: b.region), \(bind: today.description), \(bind: from), \(bind: p.outcome.code), \(bind: p.persons),
                  \(bind: input.covered.map(String.init).joined(separator: ",")), \(bind: StoredIncome.json(input.income)), \(bind: input.income.months),
                  \(bind: p.before), \(bind: after), \(bind: end), \(bind: input.reason), \(bind: actor.username), \(bind: tx.clock.nowMillis()))
                RETURNING id
                """).first(decoding: EpisodeStore.ID.self)?.id else { throw StoreError.notFound }
            try await tx.sql.raw("DELETE FROM benefit_amounts WHERE benefit_id = \(bind: id) AND from_month >= \(bind: from)").run()
            for m in p.amounts {
                try await tx.sql.raw("""
                    INSERT INTO benefit_amounts (benefit_id, from_month, persons, amount, change_id)
                    VALUES (\(bind: id), \(bind: m.month.description), \(bind: p.persons), \(bind: m.amount), \(bind: change))
                    """).run()
            }
            try await tx.sql.raw("UPDATE benefits SET end_month = \(bind: end) WHERE id = \(bind: id)").run()
            try await AuditLog.record(tx, actor: actor, action: "benefit.change", subject: String(id), region: RegionCode(value: UInt64(b.region)) ?? actor.region,
                                      before: ["amount": String(p.before), "end": b.end_month ?? ""],
                                      after: ["outcome": p.outcome.code, "from": from, "amount": String(after), "persons": String(p.persons), "end": end ?? "",
                                              "reason": input.reason])
            return p
        }
    }
}

extension BenefitChangeStore {
    /// A benefit as its page shows it: what it pays this month and next, its changes, and what the change form
    /// starts from (the members covered and the income of the last change, or of the application).
    public struct Detail: Sendable, Hashable {
        public var id: Int64
        public var applicationID: Int64
        public var householdID: String
        public var headName: String
        public var region: RegionCode
        public var kind: BenefitKind
        public var start: YearMonth
        public var end: YearMonth?
        public var approvedAmount: Int
        public var amountNow: Int
        public var personsNow: Int
        /// The amounts set from this month on, month by month.
        public var ahead: [MonthAmount]
        public var changes: [Change]
        public var covered: [Int64]
        public var income: IncomeStatement
        public var members: [Member]
        public struct Member: Sendable, Hashable, Decodable { public var id: Int64; public var name: String; public var relation: String }
    }

    struct Latest: Decodable { var covered: String; var income: String; var income_months: Int }
    struct Ahead: Decodable { var from_month: String; var amount: Int }

    public func benefit(_ id: Int64, by actor: Actor, today: CivilDate) async throws -> Detail? {
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        return try await db.read { sql in
            guard let b = try await Self.row(sql, id, actor), let kind = BenefitKind(rawValue: b.kind), let region = RegionCode(value: UInt64(b.region)),
                  let start = YearMonth(b.start_month) else { return nil }
            let month = YearMonth(today)
            let now = try await Self.inForce(sql, b, in: month)
            let changes = try await sql.raw("""
                SELECT on_day, from_month, outcome, persons, before_amount, after_amount, end_month, reason, recorded_by FROM benefit_changes
                WHERE benefit_id = \(bind: id) ORDER BY id DESC
                """).all(decoding: Change.self)
            var latest = try await sql.raw("""
                SELECT covered, income, income_months FROM benefit_changes WHERE benefit_id = \(bind: id) AND outcome <> 'stop' ORDER BY id DESC LIMIT 1
                """).first(decoding: Latest.self)
            if latest == nil {
                latest = try await sql.raw("""
                    SELECT covered, income, income_months FROM assistance_applications WHERE id = \(bind: b.application_id)
                    """).first(decoding: Latest.self)
            }
            let ahead = try await sql.raw("""
                SELECT from_month, amount FROM benefit_amounts WHERE benefit_id = \(bind: id) AND from_month > \(bind: month.description) ORDER BY from_month
                """).all(decoding: Ahead.self).compactMap { a in YearMonth(a.from_month).map { MonthAmount(month: $0, amount: a.amount) } }
            let members = try await sql.raw("""
                SELECT id, name, relation FROM members WHERE household_id = \(bind: b.household_id) ORDER BY id
                """).all(decoding: Detail.Member.self)
            let head = members.first { $0.relation == Relation.head.rawValue }?.name ?? ""
            return Detail(id: id, applicationID: b.application_id, householdID: b.household_id, headName: head, region: region, kind: kind, start: start,
                          end: b.end_month.flatMap { YearMonth($0) }, approvedAmount: b.monthly_amount, amountNow: now.amount, personsNow: now.persons,
                          ahead: ahead, changes: changes,
                          covered: latest?.covered.split(separator: ",").compactMap { Int64($0) } ?? [],
                          income: latest.map { StoredIncome.statement($0.income, months: $0.income_months) } ?? IncomeStatement([]),
                          members: members)
        }
    }
}
