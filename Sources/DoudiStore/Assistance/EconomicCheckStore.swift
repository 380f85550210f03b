import DoudiDomain
import SQLKit

/// 家庭经济状况核对 (issue 13, item 2): the county loads what other departments answer about applicants; the
/// answers attach to the applications being checked, and the reviewer sees each source against its limit.
public struct EconomicCheckStore: Sendable {
    public let db: Database
    public init(_ db: Database) { self.db = db }

    public struct Report: Sendable, Hashable {
        public var file: String
        public var rows: Int
        /// Answers kept: about a covered member of an application being checked.
        public var kept: Int
        public var applications: Int
        /// Nothing is stored from a file with a bad row: these say which lines to correct.
        public var rejections: [CheckFile.Rejection]
        public var rejected: Int
        public var stored: Bool { rejected == 0 }

        public var summary: Message {
            stored ? Message("\(file)：读取\(rows)行，其中\(kept)条属于\(applications)件正在核对的申请，已保存。",
                             "\(file): \(rows) rows read, \(kept) about \(applications) applications being checked, saved.")
                   : Message("\(file)：读取\(rows)行，\(rejected)行有误，整个文件未保存，请更正后重新上传。",
                             "\(file): \(rows) rows read, \(rejected) with errors; nothing was saved — correct them and upload again.")
        }
    }

    struct Count: Decodable { var n: Int }

    /// A covered member of an application being checked.
    struct Target: Sendable { var application: Int64; var member: Int64; var region: Int64 }

    /// Reads the whole file first; stores its answers only when every row is right (one transaction, audited).
    public func load(_ name: String, _ bytes: [UInt8], by actor: Actor, today: CivilDate? = nil) async throws -> Report {
        guard actor.role.may(.loadChecks) else { throw StoreError.forbidden }
        let today = today ?? db.clock.today()
        let table: CSVTable
        do {
            let (text, encoding) = try RegisterImporter.text(bytes, file: name, encoding: nil)
            table = try RegisterImport.table(text, file: name, required: CheckFile.required, encoding: encoding, columns: CheckFile.columns)
        } catch { throw StoreError.invalid([FieldProblem("file", error)]) }
        let targets = Dictionary(grouping: try await self.targets(actor), by: \.0.key).mapValues { $0.map(\.1) }
        let reading = CheckFile.read(table, today: today) { targets[$0] != nil }
        let kept = reading.matched.flatMap { row in (targets[row.person] ?? []).map { (row, $0) } }
        var report = Report(file: name, rows: reading.rows, kept: kept.count, applications: Set(kept.map(\.1.application)).count,
                            rejections: reading.rejections, rejected: reading.rejected)
        guard report.stored else { report.kept = 0; report.applications = 0; return report }
        try await db.transaction { tx in
            guard let batch = try await tx.sql.raw("""
                INSERT INTO check_batches (county, file, rows_read, kept, applications, loaded_by, loaded_at)
                VALUES (\(bind: Int64(actor.region.value)), \(bind: name), \(bind: report.rows), \(bind: report.kept), \(bind: report.applications),
                        \(bind: actor.username), \(bind: tx.clock.nowMillis()))
                RETURNING id
                """).first(decoding: EpisodeStore.ID.self)?.id else { throw StoreError.notFound }
            // A newer answer of a source replaces the older ones about the same application (a deposit file sent again).
            var replaced = 0
            for (source, apps) in Dictionary(grouping: kept, by: \.0.source).mapValues({ Set($0.map(\.1.application)) }) {
                let q: SQLQueryString = "application_id IN (\(binds: Array(apps))) AND source = \(bind: source.rawValue)"
                replaced += try await tx.sql.raw("SELECT COUNT(*) AS n FROM check_answers WHERE \(q)").first(decoding: Count.self)?.n ?? 0
                try await tx.sql.raw("DELETE FROM check_answers WHERE \(q)").run()
            }
            try await tx.bulkInsert(table: "check_answers", columns: ["batch_id", "application_id", "member_id", "region", "source", "item", "value", "as_of"],
                                    rows: kept.map { r, t in
                                        [.int(batch), .int(t.application), .int(t.member), .int(t.region), .text(r.source.rawValue), .text(r.item),
                                         .int(Int64(r.value)), .text(r.asOf.description)]
                                    })
            try await AuditLog.record(tx, actor: actor, action: "check.load", subject: String(batch), region: actor.region, before: nil,
                                      after: ["file": name, "rows": String(report.rows), "kept": String(report.kept), "applications": String(report.applications),
                                              "replaced": String(replaced)])
        }
        return report
    }

    /// Whom a department is asked about: the covered members of the applications being checked in the caller's
    /// subtree (the list the county sends; also what `doudi checks sample` writes its made-up answers for).
    public func applicants(by actor: Actor) async throws -> [ResidentID] {
        guard actor.role.may(.loadChecks) else { throw StoreError.forbidden }
        return try await targets(actor).map(\.0)
    }

    /// The covered members of the applications still running in the caller's subtree.
    func targets(_ actor: Actor) async throws -> [(ResidentID, Target)] {
        struct Row: Decodable { var application: Int64; var covered: String; var member: Int64; var region: Int64; var resident_sealed: String }
        let rows = try await db.read { sql in
            try await sql.raw("""
                SELECT a.id AS application, a.covered, m.id AS member, a.region, m.resident_sealed
                FROM assistance_applications a JOIN members m ON m.household_id = a.household_id
                WHERE a.status = 'running' AND \(HouseholdStore.scope(actor, column: "a.region"))
                """).all(decoding: Row.self)
        }
        let sealer = try db.fields.dedicatedSealer()
        return rows.filter { $0.covered.split(separator: ",").contains(Substring(String($0.member))) }.compactMap { r in
            (try? ResidentID(try sealer.open(r.resident_sealed))).map { ($0, Target(application: r.application, member: r.member, region: r.region)) }
        }
    }

    /// A file loaded, as the checks page lists it.
    public struct Batch: Sendable, Hashable, Decodable {
        public var file: String
        public var rows_read: Int
        public var kept: Int
        public var applications: Int
        public var loaded_by: String
        public var loaded_at: Int64
    }

    /// The files loaded inside the caller's subtree, newest first.
    public func batches(by actor: Actor, limit: Int = 20) async throws -> [Batch] {
        guard actor.role.may(.loadChecks) else { throw StoreError.forbidden }
        return try await db.read { sql in
            try await sql.raw("""
                SELECT file, rows_read, kept, applications, loaded_by, loaded_at FROM check_batches
                WHERE \(HouseholdStore.scope(actor, column: "county")) ORDER BY id DESC LIMIT \(unsafeRaw: String(max(1, min(limit, 200))))
                """).all(decoding: Batch.self)
        }
    }

    /// The answers about one application's covered members, newest first.
    static func answers(_ sql: any SQLDatabase, application id: Int64) async throws -> [CheckAnswer] {
        struct Row: Decodable { var member_id: Int64; var source: String; var item: String; var value: Int; var as_of: String }
        return try await sql.raw("""
            SELECT member_id, source, item, value, as_of FROM check_answers WHERE application_id = \(bind: id) ORDER BY as_of DESC, id
            """).all(decoding: Row.self).compactMap { r in
            guard let s = CheckSource(rawValue: r.source), let d = CivilDate(r.as_of) else { return nil }
            return CheckAnswer(memberID: r.member_id, source: s, item: r.item, value: r.value, asOf: d)
        }
    }
}
