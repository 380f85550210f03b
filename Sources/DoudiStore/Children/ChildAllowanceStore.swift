import DoudiDomain
import Foundation
import SQLKit

/// A child's basic living allowance (R-CH-4): approved by the county's child protection officer on the carer's
/// pledge or the papers, paid to the carer's account through the county's payment roll, from the month approved.
extension ChildCaseStore {
    static func v32(_ id: String) -> [String] {
        [
            """
            CREATE TABLE child_allowances (
              id \(id), case_id BIGINT NOT NULL UNIQUE REFERENCES child_cases (id), region BIGINT NOT NULL, category TEXT NOT NULL,
              monthly_amount BIGINT NOT NULL, start_month TEXT NOT NULL, end_month TEXT, approved_on TEXT NOT NULL, approved_by TEXT NOT NULL,
              payee_name TEXT NOT NULL, bank_sealed TEXT NOT NULL, pledged INTEGER NOT NULL, papers_due TEXT, papers_on TEXT, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX child_allowances_region ON child_allowances (region, start_month)",
            """
            CREATE TABLE child_payment_lines (
              id \(id), roll_id BIGINT NOT NULL REFERENCES payment_rolls (id), allowance_id BIGINT NOT NULL REFERENCES child_allowances (id),
              region BIGINT NOT NULL, months INTEGER NOT NULL, amount BIGINT NOT NULL)
            """,
            "CREATE INDEX child_payment_lines_roll ON child_payment_lines (roll_id)",
            "CREATE INDEX child_payment_lines_allowance ON child_payment_lines (allowance_id)",
        ]
    }

    /// Approves the allowance at the region's orphan standard from this month, and puts it on this month's roll at
    /// once while the roll is still a draft (else the next roll pays the months missed). Returns whether this
    /// month's roll pays it.
    @discardableResult
    public func grantAllowance(_ id: Int64, _ grant: AllowanceGrant, by actor: Actor) async throws -> Bool {
        guard ChildAccess.mayGrantAllowance(actor) else { throw StoreError.forbidden }
        return try await db.transaction { tx in
            let c = try await Self.row(tx.sql, id, actor)
            guard c.status == .acknowledged else { throw StoreError.invalid([FieldProblem("status", Self.notOpen)]) }
            struct R: Decodable { var category: String?; var birth_date: String? }
            let r = try await tx.sql.raw("SELECT category, birth_date FROM child_cases WHERE id = \(bind: id)").first(decoding: R.self)
            guard let category = r?.category.flatMap(ChildCategory.init(rawValue:)), ChildAllowance.qualifies(category) else {
                throw StoreError.invalid([FieldProblem("category", ChildAllowance.notQualified)])
            }
            if try await tx.sql.raw("SELECT id FROM child_allowances WHERE case_id = \(bind: id)").first() != nil {
                throw StoreError.invalid([FieldProblem("allowance", Message("该儿童的基本生活费已批准", "this child's allowance is approved already"))])
            }
            let today = tx.clock.today(), month = YearMonth(today)
            let policy = try await PolicyStore.policy(tx.sql, region: c.region, year: today.year)
            guard let amount = policy.int(.childAllowance), amount > 0 else { throw StoreError.invalid([FieldProblem("allowance", ChildAllowance.noStandard)]) }
            let end = ChildAllowance.lastMonth(birth: r?.birth_date.flatMap { CivilDate($0) })
            if let end, end < month { throw StoreError.invalid([FieldProblem("allowance", Message("该儿童已年满18周岁", "the child is 18 already"))]) }
            let due = grant.pledged ? today.adding(days: policy.int(.childPledgeDays) ?? 90) : nil
            guard let allowance = try await tx.sql.raw("""
                INSERT INTO child_allowances (case_id, region, category, monthly_amount, start_month, end_month, approved_on, approved_by, payee_name,
                  bank_sealed, pledged, papers_due, papers_on, created_at)
                VALUES (\(bind: id), \(bind: Int64(c.region.value)), \(bind: category.rawValue), \(bind: amount), \(bind: month.description), \(bind: end?.description),
                  \(bind: today.description), \(bind: actor.username), \(bind: grant.payee), \(bind: try tx.fields.seal(grant.bankAccount.digits)),
                  \(bind: grant.pledged ? 1 : 0), \(bind: due?.description), \(bind: grant.pledged ? nil : today.description), \(bind: tx.clock.nowMillis()))
                RETURNING id
                """).first(decoding: EpisodeStore.ID.self)?.id else { throw StoreError.notFound }
            var onRoll = false
            // The draft is taken under a row lock (an update that changes nothing): an approval racing this one waits,
            // then approves the roll with the line, never a roll whose line came after it.
            if let county = c.region.ancestors.first(where: { $0.level == .county }), let roll = try await tx.sql.raw("""
                UPDATE payment_rolls SET status = status WHERE county = \(bind: Int64(county.value)) AND month = \(bind: month.description)
                  AND status = \(bind: RollStatus.draft.rawValue) RETURNING id
                """).first(decoding: EpisodeStore.ID.self) {
                onRoll = try await Self.rollLines(tx, roll: roll.id, county: county, month: month, only: allowance) > 0
            }
            try await AuditLog.record(tx, actor: actor, action: "child.allowance", subject: String(id), region: c.region, before: nil,
                                      after: ["childCategory": category.rawValue, "amount": String(amount), "month": month.description, "payee": grant.payee,
                                              "bankAccount": grant.bankAccount.masked, "pledged": grant.pledged ? "yes" : "no"])
            return onRoll
        }
    }

    /// The papers a pledge promised are in.
    public func completeAllowancePapers(_ id: Int64, by actor: Actor) async throws {
        guard ChildAccess.mayGrantAllowance(actor) else { throw StoreError.forbidden }
        try await db.transaction { tx in
            let c = try await Self.row(tx.sql, id, actor)
            let today = tx.clock.today()
            let changed = try await tx.sql.raw("""
                UPDATE child_allowances SET papers_on = \(bind: today.description) WHERE case_id = \(bind: id) AND papers_on IS NULL RETURNING id
                """).all()
            guard !changed.isEmpty else {
                throw StoreError.invalid([FieldProblem("allowance", Message("没有待补齐的承诺材料", "no pledged papers are waiting"))])
            }
            try await AuditLog.record(tx, actor: actor, action: "child.papers", subject: String(id), region: c.region, before: nil, after: ["papersOn": today.description])
        }
    }

    /// Adds to roll `roll` a line per allowance of the county paying in `month` (`only`: that allowance alone), each
    /// for the months it is owed (the months before that no roll paid: approved after their roll was approved).
    /// Returns the lines added.
    static func rollLines(_ tx: Tx, roll: Int64, county: RegionCode, month: YearMonth, only: Int64? = nil) async throws -> Int {
        struct A: Decodable { var id: Int64; var region: Int64; var monthly_amount: Int; var start_month: String; var end_month: String?; var paid: Int }
        let r = county.subtreeRange
        let due = try await tx.sql.raw("""
            SELECT a.id, a.region, a.monthly_amount, a.start_month, a.end_month,
              CAST(COALESCE((SELECT SUM(l.months) FROM child_payment_lines l WHERE l.allowance_id = a.id AND l.roll_id <> \(bind: roll)), 0) AS BIGINT) AS paid
            FROM child_allowances a
            WHERE a.region BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound)) AND a.start_month <= \(bind: month.description)
              \(unsafeRaw: only.map { " AND a.id = \($0)" } ?? "")
            ORDER BY a.region, a.id
            """).all(decoding: A.self)
        var added = 0
        for a in due {
            guard let start = YearMonth(a.start_month) else { continue }
            let months = ChildAllowance.monthsDue(start: start, end: a.end_month.flatMap { YearMonth($0) }, through: month, paidMonths: a.paid)
            guard months > 0 else { continue }
            try await tx.sql.raw("""
                INSERT INTO child_payment_lines (roll_id, allowance_id, region, months, amount)
                VALUES (\(bind: roll), \(bind: a.id), \(bind: a.region), \(bind: months), \(bind: months * a.monthly_amount))
                """).run()
            added += 1
        }
        return added
    }

    /// The case's allowance with what each roll paid of it; nil before one is approved.
    static func allowance(_ sql: any SQLDatabase, _ fields: FieldSecrets, _ id: Int64) async throws -> ChildAllowanceRecord? {
        struct A: Decodable {
            var id: Int64; var category: String; var monthly_amount: Int; var start_month: String; var end_month: String?; var approved_on: String
            var approved_by: String; var payee_name: String; var bank_sealed: String; var pledged: Int; var papers_due: String?; var papers_on: String?
        }
        struct P: Decodable { var month: String; var status: String; var months: Int; var amount: Int }
        guard let a = try await sql.raw("""
            SELECT id, category, monthly_amount, start_month, end_month, approved_on, approved_by, payee_name, bank_sealed, pledged, papers_due, papers_on
            FROM child_allowances WHERE case_id = \(bind: id)
            """).first(decoding: A.self), let category = ChildCategory(rawValue: a.category), let start = YearMonth(a.start_month),
            let approved = CivilDate(a.approved_on) else { return nil }
        let payments = try await sql.raw("""
            SELECT p.month, p.status, l.months, l.amount FROM child_payment_lines l JOIN payment_rolls p ON p.id = l.roll_id
            WHERE l.allowance_id = \(bind: a.id) ORDER BY p.month
            """).all(decoding: P.self).compactMap { p in
            YearMonth(p.month).flatMap { m in RollStatus(rawValue: p.status).map { ChildAllowanceRecord.Payment(month: m, months: p.months, amount: p.amount, status: $0) } }
        }
        return ChildAllowanceRecord(category: category, monthlyAmount: a.monthly_amount, start: start, end: a.end_month.flatMap { YearMonth($0) }, approvedOn: approved,
                                    approvedBy: a.approved_by, payee: a.payee_name, bankAccount: BankAccount.mask(try fields.open(a.bank_sealed)), pledged: a.pledged != 0,
                                    papersDue: a.papers_due.flatMap { CivilDate($0) }, papersOn: a.papers_on.flatMap { CivilDate($0) }, payments: payments)
    }

    /// Closing a case ends its allowance with the month it closed in.
    static func endAllowance(_ tx: Tx, _ id: Int64, month: YearMonth) async throws {
        try await tx.sql.raw("""
            UPDATE child_allowances SET end_month = \(bind: month.description)
            WHERE case_id = \(bind: id) AND (end_month IS NULL OR end_month > \(bind: month.description))
            """).run()
    }
}
