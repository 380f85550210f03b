import DoudiDomain
import SQLKit

/// 先行救助 and the townships' reserve funds (R-LS-1): the township pays at once from its fund, for a household
/// of the register or for a person living or working here whom the register does not hold; the paperwork has a
/// deadline in working days and is flagged when missed; the county puts money into each township's fund.
public struct AidFirstStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    public struct Record: Sendable, Hashable {
        public var id: Int64
        public var region: RegionCode
        public var householdID: String?
        public var name: String
        /// A person outside the register: the resident ID masked.
        public var maskedID: String?
        public var registeredAt: String
        public var kind: TemporaryAidKind
        public var amount: Int
        public var reason: String
        public var paidOn: CivilDate
        public var dueOn: CivilDate
        public var completedOn: CivilDate?
        public var completionNote: String?
        public var paidBy: String
        public var outside: Bool { householdID == nil }
        /// Still open after its deadline, or completed after it.
        public func late(today: CivilDate) -> Bool { (completedOn ?? today) > dueOn }
    }

    public struct Movement: Sendable, Hashable, Decodable {
        public var day: String
        public var amount: Int
        public var note: String
        public var by: String
        enum CodingKeys: String, CodingKey { case day = "on_day", amount, note, by = "recorded_by" }
    }

    public struct Fund: Sendable, Hashable { public var township: RegionCode; public var balance: Int }

    struct Row: Decodable {
        var id: Int64; var region: Int64; var household_id: String?; var person_name: String; var resident_sealed: String?; var registered_at: String
        var aid_kind: String; var amount: Int; var reason: String; var paid_on: String; var due_on: String; var completed_on: String?
        var completion_note: String?; var paid_by: String
    }
    struct Balance: Decodable { var balance: Int }
    struct FundRow: Decodable { var township: Int64; var balance: Int }
    struct Head: Decodable { var region: Int64; var name: String? }

    static let select = """
        SELECT id, region, household_id, person_name, resident_sealed, registered_at, aid_kind, amount, reason, paid_on, due_on, completed_on,
               completion_note, paid_by FROM aid_first
        """

    func records(_ rows: [Row]) throws -> [Record] {
        let sealer = try db.fields.dedicatedSealer()
        return try rows.compactMap { r in
            guard let region = RegionCode(value: UInt64(r.region)), let kind = TemporaryAidKind(rawValue: r.aid_kind), let paid = CivilDate(r.paid_on),
                  let due = CivilDate(r.due_on) else { return nil }
            // Stored only after it was checked: shown masked as it was typed.
            let id = try r.resident_sealed.map { try sealer.open($0) }
            return Record(id: r.id, region: region, householdID: r.household_id, name: r.person_name, maskedID: id.map(Masking.residentID), registeredAt: r.registered_at,
                          kind: kind, amount: r.amount, reason: r.reason, paidOn: paid, dueOn: due, completedOn: r.completed_on.flatMap { CivilDate($0) },
                          completionNote: r.completion_note, paidBy: r.paid_by)
        }
    }

    /// Pays aid first on `today` from the township's fund; refused (nothing written) over the township's ceiling
    /// or the fund's balance.
    @discardableResult
    public func pay(_ input: AidFirstInput, by actor: Actor, today: CivilDate) async throws -> Int64 {
        guard actor.role.may(.payAidFirst) else { throw StoreError.forbidden }
        guard actor.reaches(input.place), input.place.level >= .township else { throw StoreError.notFound }
        let township = input.place.truncated(to: .township)
        return try await db.transaction { tx in
            var name = "", household: String?, sealed: String?, index: String?, registeredAt = ""
            switch input.recipient {
            case .household(let id):
                guard let h = try await tx.sql.raw("""
                    SELECT region, (SELECT MIN(m.name) FROM members m WHERE m.household_id = households.id AND m.relation = 'head') AS name
                    FROM households WHERE id = \(bind: id) AND \(HouseholdStore.scope(actor))
                    """).first(decoding: Head.self) else { throw StoreError.notFound }
                name = h.name ?? id; household = id
            case .outside(let n, let rid, let at):
                name = n.trimmingSpaces(); registeredAt = at.trimmingSpaces()
                sealed = try tx.fields.seal(rid.text); index = try tx.fields.index(rid.text)
            }
            let policy = try await PolicyStore.policy(tx.sql, region: input.place, year: today.year)
            let problems = input.problems(ceiling: policy.aidFirstCeiling(AreaKind.of(input.place)))
            if !problems.isEmpty { throw StoreError.invalid(problems) }
            let due = policy.aidFirstLimit.due(from: today, calendar: policy.calendar)
            let now = tx.clock.nowMillis()
            guard let id = try await tx.sql.raw("""
                INSERT INTO aid_first (region, township, household_id, person_name, resident_sealed, resident_index, registered_at, aid_kind, amount, reason,
                  paid_on, due_on, paid_by, created_at)
                VALUES (\(bind: Int64(input.place.value)), \(bind: Int64(township.value)), \(bind: household), \(bind: name), \(bind: sealed), \(bind: index),
                  \(bind: registeredAt), \(bind: input.kind.rawValue), \(bind: input.amount), \(bind: input.reason), \(bind: today.description),
                  \(bind: due.description), \(bind: actor.username), \(bind: now))
                RETURNING id
                """).first(decoding: EpisodeStore.ID.self)?.id else { throw StoreError.notFound }
            // Taken only where the fund holds it, in the same statement: two payments at once cannot both pass.
            guard let left = try await tx.sql.raw("""
                UPDATE reserve_funds SET balance = balance - \(bind: input.amount) WHERE township = \(bind: Int64(township.value)) AND balance >= \(bind: input.amount)
                RETURNING balance
                """).first(decoding: Balance.self)?.balance else {
                let balance = try await Self.balance(tx.sql, township)
                throw StoreError.invalid([FieldProblem("amount", Message("备用金余额\(balance)元，不足以支付\(input.amount)元", "the reserve fund holds \(balance) yuan, less than \(input.amount)"))])
            }
            try await Self.move(tx, township, -input.amount, aid: id, note: input.reason, by: actor, today: today)
            try await AuditLog.record(tx, actor: actor, action: "aid.first", subject: String(id), region: input.place, before: ["balance": String(left + input.amount)],
                                      after: ["amount": String(input.amount), "aidKind": input.kind.rawValue, "household": household ?? "",
                                              "outside": household == nil ? "1" : "0", "due": due.description, "balance": String(left)])
            return id
        }
    }

    /// The paperwork is complete (the application handed in and decided, or the documents filed): said how.
    public func complete(_ id: Int64, note: String, by actor: Actor, today: CivilDate) async throws {
        guard actor.role.may(.payAidFirst) else { throw StoreError.forbidden }
        let text = note.trimmingSpaces()
        try await db.transaction { tx in
            guard let r = try await tx.sql.raw("\(unsafeRaw: Self.select) WHERE id = \(bind: id) AND \(HouseholdStore.scope(actor, column: "region"))")
                .first(decoding: Row.self), let region = RegionCode(value: UInt64(r.region)) else { throw StoreError.notFound }
            if text.isEmpty || text.count > 2000 {
                throw StoreError.invalid([FieldProblem("note", Message("请写明补齐了哪些手续（不超过2000字）", "say what was completed, at most 2000 characters"))])
            }
            // Only while still open: of two completions at once, the second finds it done.
            guard try await !tx.sql.raw("""
                UPDATE aid_first SET completed_on = \(bind: today.description), completion_note = \(bind: text) WHERE id = \(bind: id) AND completed_on IS NULL
                RETURNING id
                """).all().isEmpty else { throw StoreError.invalid([FieldProblem("aid", Message("手续已补齐", "the paperwork is already complete"))]) }
            try await AuditLog.record(tx, actor: actor, action: "aid.complete", subject: String(id), region: region, before: ["due": r.due_on],
                                      after: ["completed": today.description, "note": text])
        }
    }

    /// Aid first inside the caller's subtree: the open ones first, the nearest deadline first, then the newest.
    public func list(by actor: Actor, openOnly: Bool = false, limit: Int = 50, offset: Int = 0) async throws -> [Record] {
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        let rows = try await db.read { sql in
            try await sql.raw("""
                \(unsafeRaw: Self.select) WHERE \(HouseholdStore.scope(actor, column: "region"))\(unsafeRaw: openOnly ? " AND completed_on IS NULL" : "")
                ORDER BY CASE WHEN completed_on IS NULL THEN 0 ELSE 1 END, CASE WHEN completed_on IS NULL THEN due_on END, id DESC
                LIMIT \(unsafeRaw: String(max(1, min(limit, 500)))) OFFSET \(unsafeRaw: String(max(0, offset)))
                """).all(decoding: Row.self)
        }
        return try records(rows)
    }

    public func record(_ id: Int64, by actor: Actor) async throws -> Record? {
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        let rows = try await db.read { sql in
            try await sql.raw("\(unsafeRaw: Self.select) WHERE id = \(bind: id) AND \(HouseholdStore.scope(actor, column: "region"))").all(decoding: Row.self)
        }
        return try records(rows).first
    }
}

extension AidFirstStore {
    static func balance(_ sql: any SQLDatabase, _ township: RegionCode) async throws -> Int {
        try await sql.raw("SELECT balance FROM reserve_funds WHERE township = \(bind: Int64(township.value))").first(decoding: Balance.self)?.balance ?? 0
    }

    static func move(_ tx: Tx, _ township: RegionCode, _ amount: Int, aid: Int64?, note: String, by actor: Actor, today: CivilDate) async throws {
        try await tx.sql.raw("""
            INSERT INTO reserve_movements (township, on_day, amount, aid_id, note, recorded_by, created_at)
            VALUES (\(bind: Int64(township.value)), \(bind: today.description), \(bind: amount), \(bind: aid), \(bind: note), \(bind: actor.username), \(bind: tx.clock.nowMillis()))
            """).run()
    }

    /// The reserve funds the caller may see: a township's own, or every township of a county that has one.
    public func funds(by actor: Actor) async throws -> [Fund] {
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        // A village's cadre sees the fund of its township.
        let r = (actor.region.level == .village ? actor.region.truncated(to: .township) : actor.region).subtreeRange
        return try await db.read { sql in
            try await sql.raw("""
                SELECT township, balance FROM reserve_funds WHERE township BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound)) ORDER BY township
                """).all(decoding: FundRow.self).compactMap { f in RegionCode(value: UInt64(f.township)).map { Fund(township: $0, balance: f.balance) } }
        }
    }

    /// A township's fund: its balance and its latest movements, newest first.
    public func movements(_ township: RegionCode, by actor: Actor, limit: Int = 20) async throws -> (balance: Int, movements: [Movement]) {
        guard actor.role.may(.browseRegister), township.level == .township, actor.reaches(township) || township.contains(actor.region) else { throw StoreError.notFound }
        return try await db.read { sql in
            (try await Self.balance(sql, township), try await sql.raw("""
                SELECT on_day, amount, note, recorded_by FROM reserve_movements WHERE township = \(bind: Int64(township.value))
                ORDER BY id DESC LIMIT \(unsafeRaw: String(max(1, min(limit, 200))))
                """).all(decoding: Movement.self))
        }
    }

    /// The county puts money into a township's fund; the new balance.
    @discardableResult
    public func deposit(_ township: RegionCode, amount: Int, note: String, by actor: Actor, today: CivilDate) async throws -> Int {
        guard actor.role.may(.fundReserves) else { throw StoreError.forbidden }
        guard township.level == .township, actor.reaches(township) else { throw StoreError.notFound }
        guard (1...10_000_000).contains(amount) else {
            throw StoreError.invalid([FieldProblem("amount", Message("拨付金额应为1到1000万元的整数", "the amount is a whole number of yuan from 1 to 10 million"))])
        }
        let text = note.trimmingSpaces()
        guard text.count <= 200 else { throw StoreError.invalid([FieldProblem("note", Message("说明不超过200字", "the note is at most 200 characters"))]) }
        return try await db.transaction { tx in
            guard let balance = try await tx.sql.raw("""
                INSERT INTO reserve_funds (township, balance) VALUES (\(bind: Int64(township.value)), \(bind: amount))
                ON CONFLICT (township) DO UPDATE SET balance = reserve_funds.balance + excluded.balance
                RETURNING balance
                """).first(decoding: Balance.self)?.balance else { throw StoreError.notFound }
            try await Self.move(tx, township, amount, aid: nil, note: text.isEmpty ? "县级拨付备用金" : text, by: actor, today: today)
            try await AuditLog.record(tx, actor: actor, action: "reserve.deposit", subject: township.description, region: township,
                                      before: ["balance": String(balance - amount)], after: ["amount": String(amount), "balance": String(balance)])
            return balance
        }
    }
}
