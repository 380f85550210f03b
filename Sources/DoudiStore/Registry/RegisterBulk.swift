import DoudiDomain
import Foundation
import SQLKit

/// Writing many households at once (`doudi import`, the upload page, the demo county): one transaction,
/// one audit entry per household, the stored counts checked before the commit.
///
/// When a load is at least as large as what the register holds, the register's secondary indexes are
/// dropped and built again after the rows are in (a sorted build instead of random inserts), in the same
/// transaction; building the unique index checks once more that no person is in two households.
extension HouseholdStore {
    /// What the SQLite writer is handed, in this order: the households that may be stored, their members in
    /// any number of batches (sealed already, by the thread that hands them over: the writer is the slower
    /// side), then the households actually taken.
    enum Batch: Sendable {
        case households([Household])
        case members([SealedCandidate])
        case verdict([HouseholdRecord])
    }

    struct SealedCandidate: Sendable {
        var candidate: RegisterImport.Candidate
        var sealed: Sealed
    }

    static func sealed(_ candidates: [RegisterImport.Candidate], _ s: FieldSecrets.Sealer) -> [SealedCandidate] {
        candidates.map { SealedCandidate(candidate: $0, sealed: Sealed($0.member, s)) }
    }

    /// Stores checked households. On SQLite the rows go through statements prepared once on a connection of
    /// their own (RawSQLite); on PostgreSQL through COPY.
    static func store(_ db: Database, _ records: [HouseholdRecord], by actor: Actor, source: String) async throws {
        guard !records.isEmpty else { return }
        switch db.engine {
        case .postgres:
            let large = try await db.transaction { tx in try await insertMany(tx, records, by: actor, source: source) }
            // After a load as large as the register (the one that rebuilt its indexes), statistics and the
            // visibility map at once, outside the transaction: until autovacuum came round, the planner took
            // 1,000,000 new households for none and a village's count read every row it counted (8 village pages
            // a second at 64 clients, 209 with statistics alone). A small upload leaves it to autovacuum. The
            // load is committed by now: a failure here is the maintenance's, not the import's.
            if large {
                do { try await db.read { sql in try await sql.raw("VACUUM (ANALYZE) households, members, name_parts").run() } }
                catch { db.logger.warning("VACUUM (ANALYZE) after an import failed; autovacuum will do it later", metadata: ["error": "\(error)"]) }
            }
        case .sqlite:
            let batches = Handoff<Batch>()
            batches.push(.households(records.map(\.household)))
            let candidates = records.flatMap { r in r.members.map { RegisterImport.Candidate(member: $0, region: r.household.regionCode) } }
            batches.push(.members(try db.fields.withSealer { sealed(candidates, $0) }))
            batches.push(.verdict(records))
            try await writeSQLite(db, batches, by: actor, source: source)
        }
    }

    /// The SQLite writer. It can start before the check has ended: it writes each household and member as
    /// `batches` hands them over, and when the verdict comes it adds the audit entries, rebuilds the indexes,
    /// deletes again the rows of households left out (rows it wrote itself, in the same transaction, so no one
    /// ever sees them) and checks the counts.
    static func writeSQLite(_ db: Database, _ batches: Handoff<Batch>, by actor: Actor, source: String, alone: Bool = false) async throws {
        // Foreign keys are checked once, at commit. The cache stays the ordinary one (64 MB): one as large as the
        // load (1 GB; once 23.7 s to 15.1 s) took the process past 1.2 GB, where this machine writes files ten
        // times slower (README, Benchmarks, Import).
        let pragmas = Database.sqlitePragmas + ["PRAGMA defer_foreign_keys = ON"]
        let logger = db.logger
        try await RawSQLite.transaction(db, alone: alone, pragmas: pragmas) { raw in
            let clock = ContinuousClock()
            var t0 = clock.now
            func lap(_ what: String) {
                logger.debug("bulk write", metadata: ["step": "\(what)", "seconds": "\(clock.now - t0)"])
                t0 = clock.now
            }
            let load = BulkLoad(actor: actor, source: source, before: (try raw.count("households"), try raw.count("members")), now: db.clock.nowMillis())
            let lastMember = try raw.scalar("SELECT COALESCE(MAX(id), 0) FROM members")
            guard case .households(let households) = batches.next() else { throw BulkLoad.OutOfOrder() }
            let rebuild = load.rebuildsIndexes(adding: households.count)
                ? try raw.rows(secondaryIndexQuery[.sqlite]!).map { IndexRow(name: $0[0] ?? "", ddl: $0[1] ?? "") } : []
            for index in rebuild { try raw.exec("DROP INDEX \"\(index.name)\"") }
            if !rebuild.isEmpty { for s in SearchParts.suspend(.sqlite) + HouseholdTallies.suspend(.sqlite) { try raw.exec(s) } }
            let h = try raw.prepare(RawSQLite.insertSQL("households", householdColumns))
            let m = try raw.prepare(RawSQLite.insertSQL("members", memberColumns))
            // In id order: the primary key then grows at its end instead of everywhere at once.
            for x in households.sorted(by: { $0.id < $1.id }) { try h.run { write(x, now: load.now, to: &$0) } }
            lap("households")
            while true {
                switch batches.next() {
                case .households: throw BulkLoad.OutOfOrder()
                case .members(let candidates):
                    for c in candidates { try m.run { write(c.candidate.member, region: c.candidate.region, sealed: c.sealed, to: &$0) } }
                case .verdict(let taken):
                    lap("members")
                    let a = try raw.prepare(RawSQLite.insertSQL("audit_log", AuditLog.columns + AuditChain.columns))
                    var chain = try AuditChain.start(raw)
                    // In region order: the audit log's index on (region, at) then grows in a few places, not at random.
                    for i in taken.indices.sorted(by: { taken[$0].household.regionCode.value < taken[$1].household.regionCode.value }) {
                        let row = chain.link(load.auditRow(taken[i]))
                        try a.run { $0.values(row) }
                    }
                    lap("audit entries")
                    // Rows written so far never name one person twice (the check hands over a person's first
                    // row only), so the unique index can be built before the left-out rows go.
                    for index in rebuild { try raw.exec(index.ddl) }
                    if !rebuild.isEmpty { for s in SearchParts.rebuild(.sqlite) + HouseholdTallies.rebuild(.sqlite) { try raw.exec(s) } }
                    lap("indexes")
                    // Every household taken was handed over first: equal counts mean none is left out. The
                    // deletes come after the indexes: a household's members, and the foreign key's check
                    // that none is left, are then found through the index, not by reading every member.
                    if taken.count < households.count {
                        let takenIDs = Set(taken.lazy.map(\.household.id))
                        if let list = AuditLog.json(households.map(\.id).filter { !takenIDs.contains($0) }) {
                            try raw.prepare("DELETE FROM members WHERE id > ? AND household_id IN (SELECT value FROM json_each(?))").run { $0.int(lastMember); $0.text(list) }
                            try raw.prepare("DELETE FROM households WHERE id IN (SELECT value FROM json_each(?))").run { $0.text(list) }
                        }
                        lap("left out deleted")
                    }
                    try load.check(after: (try raw.count("households"), try raw.count("members")), taken)
                    return
                }
            }
        }
    }

    /// The PostgreSQL path of `store`: COPY in batches inside the caller's transaction. True when the load was
    /// large enough to rebuild the register's indexes.
    @discardableResult
    static func insertMany(_ tx: Tx, _ records: [HouseholdRecord], by actor: Actor, source: String) async throws -> Bool {
        let load = BulkLoad(actor: actor, source: source, before: try await counts(tx.sql), now: tx.clock.nowMillis())
        let large = load.rebuildsIndexes(adding: records.count)
        let rebuild = large ? try await secondaryIndexes(tx) : []
        for index in rebuild { try await tx.sql.raw("DROP INDEX \(ident: index.name)").run() }
        if large { try await tx.run(SearchParts.suspend(.postgres) + HouseholdTallies.suspend(.postgres)) }
        let batch = 20_000
        var chain = try await AuditChain.start(tx)
        for start in stride(from: 0, to: records.count, by: batch) {
            let slice = records[start..<min(start + batch, records.count)]
            try await tx.bulkInsert(table: "households", columns: householdColumns, rows: slice.map { bulkRow($0.household, now: load.now) })
            let members = try tx.fields.withSealer { s in slice.flatMap { r in r.members.map { bulkRow($0, region: r.household.regionCode, sealing: s) } } }
            try await tx.bulkInsert(table: "members", columns: memberColumns, rows: members)
            try await tx.bulkInsert(table: "audit_log", columns: AuditLog.columns + AuditChain.columns, rows: slice.map { chain.link(load.auditRow($0)) })
        }
        for index in rebuild { try await tx.sql.raw(SQLQueryString(index.ddl)).run() }
        if large { try await tx.run(SearchParts.rebuild(.postgres) + HouseholdTallies.rebuild(.postgres)) }
        try load.check(after: try await counts(tx.sql), records)
        return large
    }

    struct IndexRow: Decodable { var name: String; var ddl: String }

    /// The register's secondary indexes as the database itself describes them (so later migrations need no
    /// change here): name and the statement that creates it.
    static func secondaryIndexes(_ tx: Tx) async throws -> [IndexRow] {
        try await tx.sql.raw(SQLQueryString(secondaryIndexQuery[tx.engine]!)).all(decoding: IndexRow.self)
    }

    static let secondaryIndexQuery: [Engine: String] = [
        .sqlite: "SELECT name, sql AS ddl FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('households', 'members') AND sql IS NOT NULL",
        .postgres: """
            SELECT i.indexname AS name, i.indexdef AS ddl FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename IN ('households', 'members')
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
            """,
    ]

    /// What both backends' bulk paths share: the decision to rebuild indexes, the audit rows, the count check.
    struct BulkLoad {
        struct OutOfOrder: Error {}
        /// The stored rows are not the rows written: the whole load is rolled back.
        struct CountMismatch: Error, Equatable { var table: String; var expected: Int; var stored: Int }

        let actor: Actor
        let sourceJSON: String
        let before: (households: Int, members: Int)
        let now: Int64
        init(actor: Actor, source: String, before: (Int, Int), now: Int64) {
            self.actor = actor; self.before = before; self.now = now
            sourceJSON = AuditLog.json(source) ?? "null"
        }

        func rebuildsIndexes(adding households: Int) -> Bool { households >= before.households }

        /// An audit entry's columns, in `AuditLog.columns` order.
        func writeAudit<W: RowWriter>(_ r: HouseholdRecord, to w: inout W) {
            w.int(now); w.int(actor.userID); w.text(actor.username); w.text("household.import"); w.text(r.household.id)
            w.int(Int64(r.household.regionCode.value)); w.null(); w.text("{\"members\":\(r.members.count),\"source\":\(sourceJSON)}")
        }
        func auditRow(_ r: HouseholdRecord) -> [BulkValue] { BulkValues.row { writeAudit(r, to: &$0) } }

        /// A row that vanished, or one too many, fails the whole transaction.
        func check(after: (households: Int, members: Int), _ taken: [HouseholdRecord]) throws {
            let members = taken.reduce(0) { $0 + $1.members.count }
            if after.households - before.households != taken.count {
                throw CountMismatch(table: "households", expected: taken.count, stored: after.households - before.households)
            }
            if after.members - before.members != members {
                throw CountMismatch(table: "members", expected: members, stored: after.members - before.members)
            }
        }
    }
}
