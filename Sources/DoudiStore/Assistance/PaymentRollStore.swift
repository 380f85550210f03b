import DoudiDomain
import SQLKit

/// 发放花名册 (issue 13, item 7): a county's month, built from the benefits in force, approved by the county,
/// exported for the bank (the only place a whole account number appears, and audited), recorded as paid.
public struct PaymentRollStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    public struct Line: Sendable, Hashable {
        public var householdID: String
        public var region: RegionCode
        public var headName: String
        public var kind: RollBenefit
        public var persons: Int
        /// The months paid: more than one when a child's allowance pays months its rolls missed.
        public var months: Int = 1
        public var amount: Int
        /// Masked, except in the bank's file.
        public var bankAccount: String
    }

    public struct Roll: Sendable, Hashable {
        public var county: RegionCode
        public var month: YearMonth
        public var status: RollStatus
        /// The lines asked (all of them, or one page).
        public var lines: [Line]
        /// All the lines the caller may see, and their amounts added up.
        public var lineCount: Int
        public var total: Int
    }

    struct RollRow: Decodable { var id: Int64; var status: String }
    struct Totals: Decodable { var n: Int; var total: Int }
    struct LineRow: Decodable, Sendable {
        var household_id: String; var region: Int64; var head_name: String?; var kind: String; var persons: Int; var amount: Int; var bank_sealed: String?
    }

    /// The roll of `county` for `month`, its lines in village and household order (`page`: only those); nil
    /// before it is built. With `wholeAccounts` (the bank's file, the county officer's alone, after approval) the
    /// account numbers are whole, and the export is an audited act.
    public func roll(county: RegionCode, month: YearMonth, by actor: Actor, wholeAccounts: Bool = false, page: Range<Int>? = nil) async throws -> Roll? {
        guard actor.role.may(.browseRegister), actor.reaches(county) || county.contains(actor.region) else { throw StoreError.forbidden }
        if wholeAccounts {
            guard actor.role == .countyOfficer, actor.reaches(county) else { throw StoreError.forbidden }
        }
        let children = Self.seesChildLines(actor)
        let found = try await db.read { sql -> (RollRow, Totals, [Line])? in
            guard let r = try await Self.head(sql, county, month) else { return nil }
            let totals = try await sql.raw("""
                SELECT COUNT(*) AS n, CAST(COALESCE(SUM(l.amount), 0) AS BIGINT) AS total FROM payment_lines l WHERE l.roll_id = \(bind: r.id)
                AND \(HouseholdStore.scope(actor, column: "l.region"))
                """).first(decoding: Totals.self) ?? Totals(n: 0, total: 0)
            return (r, totals, children ? try await Self.childLines(sql, r.id, actor) : [])
        }
        let unapproved = StoreError.invalid([FieldProblem("roll", Message("花名册审核后才能导出银行文件", "the roll is approved before the bank's file is exported"))])
        guard let (head, totals, childRows) = found, let status = RollStatus(rawValue: head.status) else {
            if wholeAccounts { throw unapproved }
            return nil
        }
        if wholeAccounts && status == .draft { throw unapproved }
        // The children's lines (a few) come first; a page of households starts after them.
        let window = page.map { p in (max(0, p.lowerBound - childRows.count), max(0, p.count - max(0, min(childRows.count, p.upperBound) - p.lowerBound))) }
        // A whole roll on SQLite is read row by row from one snapshot: tens of thousands of lines cost more in the
        // ordinary path's row decoding than in the query.
        let rows = db.engine == .sqlite && page == nil ? try await rawLines(head.id, actor) : try await db.read { sql in
            let window = window.map { " LIMIT \($0.1) OFFSET \($0.0)" } ?? ""
            return try await sql.raw("""
                \(unsafeRaw: Self.lineSelect) WHERE l.roll_id = \(bind: head.id) AND \(HouseholdStore.scope(actor, column: "l.region"))
                ORDER BY l.region, l.household_id, l.id\(unsafeRaw: window)
                """).all(decoding: LineRow.self)
        }
        let sealer = try db.fields.dedicatedSealer()
        let households = try rows.compactMap { l -> Line? in
            guard let region = RegionCode(value: UInt64(l.region)), let kind = BenefitKind(rawValue: l.kind) else { return nil }
            let digits = try l.bank_sealed.map { try sealer.open($0) } ?? ""
            return Line(householdID: l.household_id, region: region, headName: l.head_name ?? "", kind: .household(kind), persons: l.persons, amount: l.amount,
                        bankAccount: wholeAccounts ? digits : BankAccount.mask(digits))
        }
        let childPage = page.map { p in Array(childRows[min(childRows.count, p.lowerBound)..<min(childRows.count, max(p.lowerBound, p.upperBound))]) } ?? childRows
        let lines = try childPage.map { l in
            var l = l
            let digits = try sealer.open(l.bankAccount)
            l.bankAccount = wholeAccounts ? digits : BankAccount.mask(digits)
            return l
        } + households
        let roll = Roll(county: county, month: month, status: status, lines: lines, lineCount: totals.n + childRows.count,
                        total: totals.total + childRows.reduce(0) { $0 + $1.amount })
        if wholeAccounts {
            // The whole numbers leave the system: recorded before they are handed out.
            try await db.transaction { tx in
                try await AuditLog.record(tx, actor: actor, action: "roll.export", subject: "\(county)/\(month)", region: county, before: nil,
                                          after: ["lines": String(roll.lineCount), "total": String(roll.total)])
            }
        }
        return roll
    }

    static let lineSelect = """
        SELECT l.household_id, l.region, l.kind, l.persons, l.amount, b.bank_sealed,
               (SELECT MIN(m.name) FROM members m WHERE m.household_id = l.household_id AND m.relation = 'head') AS head_name
        FROM payment_lines l JOIN benefits b ON b.id = l.benefit_id
        """

    static func head(_ sql: any SQLDatabase, _ county: RegionCode, _ month: YearMonth) async throws -> RollRow? {
        try await sql.raw("""
            SELECT id, status FROM payment_rolls WHERE county = \(bind: Int64(county.value)) AND month = \(bind: month.description)
            """).first(decoding: RollRow.self)
    }

    /// Children's allowances are paid through the roll, but only those who pay it (the county) and the auditors see
    /// their lines: a village or township reading its roll learns nothing of its children (issue 15 item 6).
    static func seesChildLines(_ actor: Actor) -> Bool { [.countyOfficer, .auditor].contains(actor.role) }

    /// The roll's children's lines in the caller's subtree, their accounts still sealed (in `bankAccount`).
    static func childLines(_ sql: any SQLDatabase, _ roll: Int64, _ actor: Actor) async throws -> [Line] {
        struct R: Decodable { var region: Int64; var category: String; var payee_name: String; var bank_sealed: String; var months: Int; var amount: Int }
        return try await sql.raw("""
            SELECT l.region, a.category, a.payee_name, a.bank_sealed, l.months, l.amount FROM child_payment_lines l JOIN child_allowances a ON a.id = l.allowance_id
            WHERE l.roll_id = \(bind: roll) AND \(HouseholdStore.scope(actor, column: "l.region")) ORDER BY l.region, l.id
            """).all(decoding: R.self).compactMap { r in
            guard let region = RegionCode(value: UInt64(r.region)), let category = ChildCategory(rawValue: r.category) else { return nil }
            return Line(householdID: "", region: region, headName: r.payee_name, kind: .child(category), persons: 1, months: r.months, amount: r.amount, bankAccount: r.bank_sealed)
        }
    }

    /// Every line of a roll inside the caller's subtree, through SQLite's own statements.
    func rawLines(_ roll: Int64, _ actor: Actor) async throws -> [LineRow] {
        let r = actor.region.subtreeRange
        return try await RawSQLite.read(path: db.location) { raw in
            let s = try raw.prepare(Self.lineSelect + " WHERE l.roll_id = ?1 AND l.region BETWEEN ?2 AND ?3 ORDER BY l.region, l.household_id, l.id")
            var out: [LineRow] = []
            try s.query({ $0.int(roll); $0.int(Int64(r.lowerBound)); $0.int(Int64(r.upperBound)) }) { row in
                out.append(LineRow(household_id: row.text(0) ?? "", region: row.int(1) ?? 0, head_name: row.text(6), kind: row.text(2) ?? "",
                                   persons: Int(row.int(3) ?? 0), amount: Int(row.int(4) ?? 0), bank_sealed: row.text(5)))
            }
            return out
        }
    }

    /// Builds (or builds again, while a draft) the county's roll for `month` from the benefits in force then, each
    /// at the amount set for that month (a change, a month of a phased exit); a month paying nothing has no line.
    public func build(county: RegionCode, month: YearMonth, by actor: Actor) async throws {
        try authorize(county, actor)
        let r = county.subtreeRange
        try await db.transaction { tx in
            let existing = try await Self.head(tx.sql, county, month)
            if let existing, existing.status != RollStatus.draft.rawValue {
                throw StoreError.invalid([FieldProblem("roll", Message("\(month)花名册已审核，不能重新生成", "the roll of \(month) is approved and cannot be built again"))])
            }
            let id: Int64
            if let existing {
                id = existing.id
                try await tx.sql.raw("DELETE FROM payment_lines WHERE roll_id = \(bind: id)").run()
                try await tx.sql.raw("UPDATE payment_rolls SET built_by = \(bind: actor.username), built_at = \(bind: tx.clock.nowMillis()) WHERE id = \(bind: id)").run()
            } else {
                guard let new = try await tx.sql.raw("""
                    INSERT INTO payment_rolls (county, month, status, built_by, built_at)
                    VALUES (\(bind: Int64(county.value)), \(bind: month.description), \(bind: RollStatus.draft.rawValue), \(bind: actor.username), \(bind: tx.clock.nowMillis()))
                    RETURNING id
                    """).first(decoding: EpisodeStore.ID.self)?.id else { throw StoreError.notFound }
                id = new
            }
            try await tx.sql.raw("""
                INSERT INTO payment_lines (roll_id, benefit_id, household_id, region, kind, persons, amount)
                SELECT \(bind: id), b.id, b.household_id, b.region, b.kind, COALESCE(x.persons, b.persons), COALESCE(x.amount, b.monthly_amount)
                FROM benefits b \(BenefitChangeStore.amountIn(month))
                WHERE b.region BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound))
                  AND b.start_month <= \(bind: month.description) AND (b.end_month IS NULL OR b.end_month >= \(bind: month.description))
                  AND COALESCE(x.amount, b.monthly_amount) > 0
                """).run()
            try await tx.sql.raw("DELETE FROM child_payment_lines WHERE roll_id = \(bind: id)").run()
            _ = try await ChildCaseStore.rollLines(tx, roll: id, county: county, month: month)
            try await AuditLog.record(tx, actor: actor, action: "roll.build", subject: "\(county)/\(month)", region: county, before: nil, after: ["month": month.description])
        }
    }

    /// Approves the draft, or records the approved roll as paid on `day`.
    public func advance(county: RegionCode, month: YearMonth, to status: RollStatus, on day: CivilDate, by actor: Actor) async throws {
        try authorize(county, actor)
        let from: RollStatus = status == .paid ? .approved : .draft
        guard status != .draft else { throw StoreError.invalid([FieldProblem("status", Message("不能退回待审核", "a roll does not go back to draft"))]) }
        try await db.transaction { tx in
            let changed = try await tx.sql.raw("""
                UPDATE payment_rolls SET status = \(bind: status.rawValue),
                  approved_by = CASE WHEN \(bind: status.rawValue) = 'approved' THEN \(bind: actor.username) ELSE approved_by END,
                  paid_on = CASE WHEN \(bind: status.rawValue) = 'paid' THEN \(bind: day.description) ELSE paid_on END
                WHERE county = \(bind: Int64(county.value)) AND month = \(bind: month.description) AND status = \(bind: from.rawValue)
                RETURNING id
                """).all()
            guard !changed.isEmpty else {
                throw StoreError.invalid([FieldProblem("status", Message("花名册当前不是“\(from.chinese)”", "the roll is not \(from.english.lowercased())"))])
            }
            try await AuditLog.record(tx, actor: actor, action: "roll.\(status.rawValue)", subject: "\(county)/\(month)", region: county,
                                      before: ["rollStatus": from.rawValue], after: ["rollStatus": status.rawValue])
        }
    }

    private func authorize(_ county: RegionCode, _ actor: Actor) throws {
        guard actor.role == .countyOfficer, actor.reaches(county), county.level == .county else { throw StoreError.forbidden }
    }
}
