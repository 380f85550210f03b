import DoudiDomain
import Foundation
import SQLKit

/// A lead (线索) as the queue shows it, its columns decoded once here.
public struct LeadSummary: Sendable, Hashable, Decodable {
    public var id: Int64
    public var channel: LeadChannel
    public var status: LeadStatus
    public var region: RegionCode
    public var householdID: String?
    public var residentID: String
    public var name: String
    public var mobile: String
    public var riskKinds: [RiskKind]
    public var description: String
    public var details: String
    public var createdAt: Int64
    public var monitoringType: MonitoringType?
    /// The reason of a refusal, or the note beside a confirmation or a merge.
    public var note: String?
    /// From the policy of the lead's region and year (PolicyKey.verificationDays).
    public var verification = VerificationDeadline()

    /// The day the lead was filed, in China's time zone: deadlines count from it.
    public var createdOn: CivilDate { Clock.day(ofMillis: createdAt) }

    /// False when the person is not in the register yet: the lead waits in the "not registered" queue.
    public var registered: Bool { householdID != nil }
    public var isOpen: Bool { status == .open }

    enum CodingKeys: String, CodingKey {
        case id, channel, status, region, name, mobile, description, details
        case householdID = "household_id", residentID = "resident_id", riskKinds = "risk_kinds", createdAt = "created_at"
        case monitoringType = "monitoring_type", note = "decision_reason"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Int64.self, forKey: .id)
        channel = try c.known(LeadChannel.self, forKey: .channel)
        status = try c.known(LeadStatus.self, forKey: .status)
        region = try c.region(forKey: .region)
        householdID = try c.decodeIfPresent(String.self, forKey: .householdID)
        residentID = try c.decode(String.self, forKey: .residentID)
        name = try c.decode(String.self, forKey: .name)
        mobile = try c.decode(String.self, forKey: .mobile)
        riskKinds = try c.riskKinds(forKey: .riskKinds)
        description = try c.decode(String.self, forKey: .description)
        details = try c.decode(String.self, forKey: .details)
        createdAt = try c.decode(Int64.self, forKey: .createdAt)
        monitoringType = try c.knownIfPresent(MonitoringType.self, forKey: .monitoringType)
        note = try c.decodeIfPresent(String.self, forKey: .note)
    }
}

/// The lead queue. Every channel adds to it; cadres see the leads of their region.
public struct LeadStore: Sendable {
    let db: Database
    public init(_ db: Database) { self.db = db }

    /// Who the public side writes as in the audit log.
    public static let publicActor = Actor(userID: 0, username: "public", role: .villageCadre, region: .country)

    /// What a new lead says, whatever its channel.
    struct NewLead {
        var channel: LeadChannel
        var person: ResidentID
        var name: String
        var mobile: String
        var village: RegionCode
        var riskKinds: [RiskKind]
        var description: String
        var details: String
    }

    /// Where a lead may be filed (`r` a region): a village, or a township whose villages are not in the table.
    static let filedHere = "(r.level = 5 OR (r.level = 4 AND NOT EXISTS (SELECT 1 FROM regions v WHERE v.parent = r.code)))"

    /// Inserts an open lead in the transaction, matched by resident ID to the person's household (the lead
    /// then belongs to that household's village) or else to the given village; returns its tracking code.
    /// `scope`: the actor may only file leads that land inside it.
    static func insert(_ tx: Tx, _ lead: NewLead, by actor: Actor, scope: RegionCode = .country) async throws -> (code: String, region: RegionCode) {
        guard try await tx.sql.raw("SELECT code FROM regions r WHERE code = \(bind: Int64(lead.village.value)) AND \(unsafeRaw: Self.filedHere)").first() != nil else {
            throw StoreError.invalid([FieldProblem("regionCode", .chooseYourVillage)])
        }
        let index = try tx.fields.index(lead.person.text)
        let match = try await tx.sql.raw("""
            SELECT m.household_id, h.region FROM members m JOIN households h ON h.id = m.household_id
            WHERE m.resident_index = \(bind: index)
            """).first(decoding: Match.self)
        let region = match.flatMap { RegionCode(value: UInt64($0.region)) } ?? lead.village
        guard scope.contains(region) else { throw StoreError.forbidden }
        return (try await write(tx, [Placed(lead: lead, householdID: match?.household_id, region: region, index: index)], by: actor)[0], region)
    }

    static let columns = ["tracking_code", "channel", "status", "region", "household_id", "resident_sealed", "resident_index", "name",
                          "mobile_sealed", "risk_kinds", "description", "details", "created_at", "updated_at"]

    /// A new lead whose place is known: the person's household (nil: not registered) and the village it belongs to.
    struct Placed {
        var lead: NewLead
        var householdID: String?
        var region: RegionCode
        /// The person's blind index, when the match already computed it.
        var index: String? = nil
    }

    /// Writes open leads and their audit entries in a few statements; returns their tracking codes, in order.
    static func write(_ tx: Tx, _ placed: [Placed], by actor: Actor) async throws -> [String] {
        let new = try tx.fields.withSealer { s in NewRows(placed, by: actor, now: tx.clock.nowMillis(), s) }
        try await tx.bulkInsert(table: "leads", columns: columns, rows: new.leads)
        try await AuditLog.record(tx, new.audits, now: new.now)
        return new.codes
    }

    /// New leads as rows, their audit entries and tracking codes: what both ways of writing them store.
    struct NewRows {
        var now: Int64
        var codes: [String] = [], leads: [[BulkValue]] = [], audits: [AuditLog.Pending] = []

        init(_ placed: [Placed], by actor: Actor, now: Int64, _ s: FieldSecrets.Sealer) {
            self.now = now
            var g = SystemRandomNumberGenerator()
            for p in placed {
                let code = TrackingCode.make(using: &g), lead = p.lead
                let kinds = lead.riskKinds.map(\.rawValue).joined(separator: ",")
                codes.append(code)
                leads.append([.text(code), .text(lead.channel.rawValue), .text(LeadStatus.open.rawValue), .int(Int64(p.region.value)),
                              p.householdID.map(BulkValue.text) ?? .null, .text(s.seal(lead.person.text)), .text(p.index ?? s.index(lead.person.text)),
                              .text(lead.name), .text(s.seal(lead.mobile)), .text(kinds), .text(lead.description), .text(lead.details), .int(now), .int(now)])
                audits.append(AuditLog.Pending(actor: actor, action: "lead.\(lead.channel.rawValue)", subject: code, region: p.region, before: nil,
                                               after: ["residentId": lead.person.masked, "riskKinds": kinds, "registered": p.householdID == nil ? "no" : "yes"]))
            }
        }
    }

    /// Stores a self-report as an open lead. Returns the tracking code; the answer is the same whether or
    /// not the person is registered.
    public func submit(_ report: SelfReport.Checked) async throws -> String {
        // The public page is where load comes from: reports that arrive together share one commit.
        let group = db.groupCommits.named("selfReports") {
            GroupCommit<NewLead, String>(db, write: Self.insertMany, sqlite: { [clock = db.clock, fields = db.fields] in try Self.insertMany($0, $1, clock: clock, fields: fields) })
        }
        return try await group.submit(NewLead(channel: .selfReport, person: report.residentID, name: report.name, mobile: report.mobile,
                                              village: report.village, riskKinds: report.riskKinds, description: report.description, details: ""))
    }

    /// `insert` for many public leads at once, in four statements: villages, households matched, leads, audit.
    static func insertMany(_ tx: Tx, _ leads: [NewLead]) async throws -> [Result<String, any Error>] {
        struct Code: Decodable { var code: Int64 }
        struct Person: Decodable { var resident_index: String; var household_id: String; var region: Int64 }
        let villages = Set(leads.map { Int64($0.village.value) })
        let known = Set(try await tx.sql.raw("SELECT code FROM regions r WHERE code IN (\(binds: Array(villages))) AND \(unsafeRaw: Self.filedHere)").all(decoding: Code.self).map(\.code))
        let indexes = try tx.fields.withSealer { s in leads.map { s.index($0.person.text) } }
        let matched = Dictionary(try await tx.sql.raw("""
            SELECT m.resident_index, m.household_id, h.region FROM members m JOIN households h ON h.id = m.household_id
            WHERE m.resident_index IN (\(binds: Array(Set(indexes))))
            """).all(decoding: Person.self).map { ($0.resident_index, Match(household_id: $0.household_id, region: $0.region)) }, uniquingKeysWith: { a, _ in a })
        let (placed, slots) = place(leads, indexes, known: known, matched: matched)
        return outcomes(slots, try await write(tx, placed, by: publicActor))
    }

    /// The same on SQLite, through the writer's own connection and statements prepared once (SQLiteWriter).
    static func insertMany(_ w: SQLiteWriter.Session, _ leads: [NewLead], clock: Clock, fields: FieldSecrets) throws -> [Result<String, any Error>] {
        let village = try w.statement("SELECT r.code FROM regions r WHERE r.code = ? AND \(Self.filedHere)")
        let person = try w.statement("SELECT m.household_id, h.region FROM members m JOIN households h ON h.id = m.household_id WHERE m.resident_index = ?")
        var known = Set<Int64>(), matched: [String: Match] = [:]
        for v in Set(leads.map { Int64($0.village.value) }) {
            try village.query({ $0.int(v) }) { _ in known.insert(v) }
        }
        let indexes = try fields.withSealer { s in leads.map { s.index($0.person.text) } }
        for index in Set(indexes) {
            try person.query({ $0.text(index) }) { row in
                if matched[index] == nil, let h = row.text(0), let r = row.int(1) { matched[index] = Match(household_id: h, region: r) }
            }
        }
        let (placed, slots) = place(leads, indexes, known: known, matched: matched)
        let new = try fields.withSealer { s in NewRows(placed, by: publicActor, now: clock.nowMillis(), s) }
        let insert = try w.statement(RawSQLite.insertSQL("leads", columns))
        for row in new.leads { try insert.run { $0.values(row) } }
        try AuditLog.record(w, new.audits, now: new.now)
        return outcomes(slots, new.codes)
    }

    /// Each public lead placed in its household's village, or in the village chosen; nil where that village
    /// takes no leads.
    private static func place(_ leads: [NewLead], _ indexes: [String], known: Set<Int64>, matched: [String: Match]) -> (placed: [Placed], slots: [Int?]) {
        var placed: [Placed] = [], slots: [Int?] = []
        for (lead, index) in zip(leads, indexes) {
            guard known.contains(Int64(lead.village.value)) else { slots.append(nil); continue }
            let m = matched[index]
            slots.append(placed.count)
            placed.append(Placed(lead: lead, householdID: m?.household_id, region: m.flatMap { RegionCode(value: UInt64($0.region)) } ?? lead.village, index: index))
        }
        return (placed, slots)
    }

    private static func outcomes(_ slots: [Int?], _ codes: [String]) -> [Result<String, any Error>] {
        slots.map { $0.map { .success(codes[$0]) } ?? .failure(StoreError.invalid([FieldProblem("regionCode", .chooseYourVillage)])) }
    }

    /// A hotline operator records a call as a lead inside the operator's region.
    public func recordCall(_ call: HotlineCall.Checked, by actor: Actor) async throws -> String {
        guard actor.role.may(.recordCalls) else { throw StoreError.forbidden }
        return try await db.transaction { tx in
            try await Self.insert(tx, NewLead(channel: .hotline, person: call.residentID, name: call.name, mobile: call.callbackNumber,
                                              village: call.village, riskKinds: call.riskKinds, description: call.notes,
                                              details: "来电人 caller: \(call.caller); 回拨 callback: \(Masking.phone(call.callbackNumber))"),
                                  by: actor, scope: actor.region).code
        }
    }

    static let verifiedAlready = StoreError.invalid([FieldProblem("decision", Message("该线索已核实过", "this lead has been verified already"))])

    /// The fields a verification reads, decoded once.
    struct LeadRow: Decodable {
        var id: Int64; var status: LeadStatus; var region: RegionCode; var householdID: String?; var riskKinds: [RiskKind]; var createdAt: Int64
        enum CodingKeys: String, CodingKey { case id, status, region, householdID = "household_id", riskKinds = "risk_kinds", createdAt = "created_at" }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(Int64.self, forKey: .id); status = try c.known(LeadStatus.self, forKey: .status)
            region = try c.region(forKey: .region); householdID = try c.decodeIfPresent(String.self, forKey: .householdID)
            riskKinds = try c.riskKinds(forKey: .riskKinds); createdAt = try c.decode(Int64.self, forKey: .createdAt)
        }
    }

    /// Records the on-the-spot verification of an open lead (R-MON-6), by a cadre whose region holds it.
    /// `note`: what the cadre wrote beside a confirmation or a merge, kept with the decision (a refusal's reason is its own).
    public func verify(leadID: Int64, decision: LeadDecision, note: String? = nil, by actor: Actor, today: CivilDate? = nil) async throws {
        let today = today ?? db.clock.today()
        guard actor.role.may(.writeRegister) else { throw StoreError.forbidden }
        try await db.transaction { tx in
            let scope = HouseholdStore.scope(actor)
            guard let lead = try await tx.sql.raw("SELECT id, status, region, household_id, risk_kinds, created_at FROM leads WHERE id = \(bind: leadID) AND \(scope)").first(decoding: LeadRow.self) else {
                throw StoreError.notFound
            }
            guard lead.status == .open else { throw Self.verifiedAlready }
            let created = Clock.day(ofMillis: lead.createdAt), region = lead.region
            let deadline = try await PolicyStore.policy(tx.sql, region: region, year: created.year).verification
            guard deadline.mayVerify(actor.role, createdOn: created, today: today, level: region.level) else {
                throw StoreError.invalid([FieldProblem("decision", Message("核实期限（\(deadline.due(createdOn: created))）内由村干部入户核实；逾期后由乡镇督办，再逾期由县级督办",
                                                                           "the village cadre verifies by \(deadline.due(createdOn: created)); once overdue the township takes it up, then the county"))])
            }
            var type: String?, reason: String?, mergedInto: Int64?, kinds = lead.riskKinds
            switch decision {
            case .confirmed(let t, let k):
                guard let hid = lead.householdID, let h = try await HouseholdStore.load(tx.sql, tx.fields, id: hid, actor: actor) else {
                    throw StoreError.invalid([FieldProblem("decision", Message("此人尚未登记，请先登记其家庭再确认", "the person is not registered: register the household before confirming"))])
                }
                if let p = t.problem(for: h.household.povertyStatus) { throw StoreError.invalid([p]) }
                type = t.rawValue
                kinds = k
            case .notConfirmed(let r):
                reason = r
            case .merged(let target):
                guard target != leadID,
                      try await tx.sql.raw("SELECT id FROM leads WHERE id = \(bind: target) AND \(scope) AND status IN ('open', 'confirmed')").first() != nil else {
                    throw StoreError.invalid([FieldProblem("mergeInto", Message("合并目标线索不存在或已关闭", "no open lead \(target) to merge into"))])
                }
                mergedInto = target
            }
            if reason == nil, let note = note?.trimmingCharacters(in: .whitespacesAndNewlines), !note.isEmpty { reason = String(note.prefix(500)) }
            // The status guard is in the statement: of two verifications at once, the second finds no open lead
            // once the first has committed (PostgreSQL re-reads the row it waited for).
            guard try await tx.sql.raw("""
                UPDATE leads SET status = \(bind: decision.status.rawValue), monitoring_type = \(bind: type), decision_reason = \(bind: reason),
                  merged_into = \(bind: mergedInto), risk_kinds = \(bind: kinds.map(\.rawValue).joined(separator: ",")), verified_by = \(bind: actor.username),
                  verified_at = \(bind: tx.clock.nowMillis()), updated_at = \(bind: tx.clock.nowMillis())
                WHERE id = \(bind: leadID) AND status = \(bind: LeadStatus.open.rawValue)
                RETURNING id
                """).first() != nil else { throw Self.verifiedAlready }
            try await AuditLog.record(tx, actor: actor, action: "lead.verify", subject: String(leadID),
                                      region: region,
                                      before: ["status": lead.status.rawValue, "riskKinds": lead.riskKinds.map(\.rawValue).joined(separator: ",")],
                                      after: ["status": decision.status.rawValue, "monitoringType": type ?? "", "riskKinds": kinds.map(\.rawValue).joined(separator: ","),
                                              "reason": reason ?? "", "mergedInto": mergedInto.map(String.init) ?? ""])
            if case .confirmed(let t, let k) = decision, let hid = lead.householdID {
                try await EpisodeStore.open(tx, leadID: leadID, householdID: hid, region: region,
                                            type: t, kinds: k, foundOn: created, by: actor)
            }
        }
    }

    struct Match: Decodable { var household_id: String; var region: Int64 }

    /// One lead of the actor's region.
    public func lead(_ id: Int64, by actor: Actor) async throws -> LeadSummary? {
        try await leads(by: actor, status: nil, id: id).first
    }

    /// The leads of the actor's region, newest first.
    public func leads(by actor: Actor, status: LeadStatus?, id: Int64? = nil, limit: Int = 100) async throws -> [LeadSummary] {
        guard actor.role.may(.readRegister) else { throw StoreError.forbidden }
        let r = actor.region.subtreeRange
        var filter = SQLQueryString(" WHERE region BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound))")
        if let status { filter.appendInterpolation(unsafeRaw: " AND status = "); filter.appendInterpolation(bind: status.rawValue) }
        if let id { filter.appendInterpolation(unsafeRaw: " AND id = "); filter.appendInterpolation(bind: id) }
        return try await load(filter, order: " ORDER BY id DESC", limit: max(1, min(limit, 500)))
    }

    /// Where a report stands, for the one who holds its code and mobile: nothing else of the lead.
    public struct PublicStatus: Sendable, Hashable {
        public var status: LeadStatus
        public var receivedOn: CivilDate
        /// Who checks the report: the village (or township) it was filed with, by name.
        public var place: String
        /// The number to call about it: the place's contact telephone, else the county's supervision telephone.
        public var contact: String?
    }

    /// The status of a self-report for whoever holds both its tracking code and the mobile number it gave;
    /// nil otherwise, without saying which of the two was wrong.
    public func status(trackingCode: String, mobile: String) async throws -> PublicStatus? {
        guard TrackingCode.isWellFormed(trackingCode) else { return nil }
        struct Row: Decodable { var status: String; var mobile: String; var created_at: Int64; var region: Int64 }
        let row = try await db.read { sql in
            try await sql.raw("SELECT status, mobile_sealed AS mobile, created_at, region FROM leads WHERE tracking_code = \(bind: trackingCode)").first(decoding: Row.self)
        }
        guard let row, try db.fields.open(row.mobile) == mobile.typedNumber, let status = LeadStatus(rawValue: row.status),
              let region = RegionCode(value: UInt64(row.region)) else { return nil }
        let (place, contact) = try await Self.publicPlace(db, region)
        return PublicStatus(status: status, receivedOn: Clock.day(ofMillis: row.created_at), place: place, contact: contact)
    }

    /// Who handles a public report, by name (its township and village), and the number to call: the region's
    /// contact telephone, else its supervision telephone.
    static func publicPlace(_ db: Database, _ region: RegionCode) async throws -> (place: String, contact: String?) {
        let place = try await RegionStore(db).path(region).filter { $0.code.level >= .township }.map(\.name).joined(separator: " ")
        let policy = try await PolicyStore(db).policy(region: region, year: db.clock.today().year)
        return (place, policy.values[.contactPhone] ?? policy.values[.supervisionPhone])
    }
}
