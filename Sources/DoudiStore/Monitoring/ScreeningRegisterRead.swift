import DoudiDomain
import Foundation
import PostgresNIO
import SQLKit

/// The register of a region as the screening engine reads it, in one pass: a county of a million households and
/// nearly four million people in seconds. Households and members are read at once on separate connections; the
/// reads are separate snapshots, so a member whose household was added between them counts as a member without a
/// household, as a file with that row would.
extension LeadStore {
    public func screeningRegister(by actor: Actor) async throws -> ScreeningRegister {
        guard actor.role.may(.readRegister) else { throw StoreError.forbidden }
        let r = actor.region.subtreeRange
        let within = "region BETWEEN \(Int64(r.lowerBound)) AND \(Int64(r.upperBound))"
        var register: ScreeningRegister
        switch db.engine {
        case .sqlite: register = try await sqliteRegister(within)
        case .postgres: register = try await postgresRegister(within)
        }
        // Members come with their blind index in place of the sealed resident ID: the feeds' IDs are matched
        // through the same index, and nothing is opened.
        // The first keyer is made here, so that an OpenSSL without SM3 fails the run at once; a worker's keyer
        // is then made from the same keys and cannot fail.
        let fields = db.fields
        _ = try fields.blindKeyer()
        register.blindKey = { (try? fields.blindKeyer()) ?? { _ in 0 } }
        return register
    }

    /// SQLite through RawSQLite, cell by cell (SQLKit's row decoding costs seconds per million rows).
    func sqliteRegister(_ within: String) async throws -> ScreeningRegister {
        // Households are counted through their region index; members (no such index) are not counted, which
        // would read the whole table once more: room for four per household, and arrays grow past it.
        let countHouseholds = "SELECT COUNT(*) FROM households WHERE \(within)"
        async let h = RawSQLite.read(path: db.location) { raw in
            var rows = HouseholdRows(capacity: Int(try raw.scalar(countHouseholds)))
            let s = try raw.prepare("SELECT id, region, poverty_status, dibao, income_per_capita FROM households WHERE \(within)")
            while try s.step() { rows.add(id: s.text(0) ?? "", region: s.int(1) ?? 0, status: s.text(2) ?? "", dibao: s.int(3) ?? 0, income: s.int(4) ?? 0) }
            return rows
        }
        async let m = RawSQLite.read(path: db.location) { raw in
            var rows = MemberRows(capacity: 4 * Int(try raw.scalar(countHouseholds)))
            let s = try raw.prepare("SELECT resident_index, household_id, labor_ability FROM members WHERE \(within)")
            while try s.step() {
                s.withText(1) { rows.household($0) }
                let labour = s.withText(2) { MemberRows.labour($0) }
                s.withText(0) { rows.members.append(residentID: $0, household: -1, laborAbility: labour) }
            }
            return rows
        }
        return try await m.register(with: h)
    }

    /// PostgreSQL hands rows over one by one at a cost of microseconds each in postgres-nio, seconds for millions;
    /// so the server joins each slice of the register into one text (`string_agg`: fields by commas, rows by
    /// newlines; no stored value holds either: ids, codes and numbers only) and the slices are parsed here.
    /// Members come in slices of their primary key, two at a time, beside the households.
    func postgresRegister(_ within: String) async throws -> ScreeningRegister {
        struct Bounds: Decodable { var low: Int64?; var high: Int64?; var households: Int64 }
        let b = try await db.read { sql in
            try await sql.raw("""
                SELECT (SELECT MIN(id) FROM members) AS low, (SELECT MAX(id) FROM members) AS high,
                       (SELECT COUNT(*) FROM households WHERE \(unsafeRaw: within)) AS households
                """).first(decoding: Bounds.self)
        }
        let households = Int(b?.households ?? 0)
        async let h = db.withConnection { conn in
            guard case .postgres(let pg) = conn else { throw StoreError.closed }
            var rows = HouseholdRows(capacity: households)
            try await pg.slices("""
                SELECT string_agg(id || ',' || region::text || ',' || poverty_status || ',' || dibao::text || ',' || income_per_capita::text, E'\\n')
                FROM households WHERE \(within)
                """, db.logger) { line in
                guard line.count == 5 else { return }
                rows.add(id: String(decoding: line[0], as: UTF8.self), region: Int64(line[1]), status: String(decoding: line[2], as: UTF8.self),
                         dibao: Int64(line[3]), income: Int64(line[4]))
            }
            return rows
        }
        // Slices of about 250,000 members each, read by two connections taking turns.
        let low = b?.low ?? 0, high = b?.high ?? -1, step: Int64 = 250_000
        let starts = Array(stride(from: low, through: high, by: Int(step)))
        let parts = try await withThrowingTaskGroup(of: MemberRows.self) { group in
            for lane in 0..<2 {
                group.addTask {
                    try await db.withConnection { conn in
                        guard case .postgres(let pg) = conn else { throw StoreError.closed }
                        var rows = MemberRows(capacity: 2 * households)
                        for start in starts.enumerated().filter({ $0.offset % 2 == lane }).map(\.element) {
                            try await pg.slices("""
                                SELECT string_agg(resident_index || ',' || household_id || ',' || labor_ability, E'\\n')
                                FROM members WHERE id >= \(start) AND id < \(start + step) AND \(within)
                                """, db.logger) { line in
                                guard line.count == 3 else { return }
                                rows.household(line[1])
                                rows.members.append(residentID: line[0], household: -1, laborAbility: MemberRows.labour(line[2]))
                            }
                        }
                        return rows
                    }
                }
            }
            var all: [MemberRows] = []
            for try await part in group { all.append(part) }
            return all
        }
        var members = MemberRows(capacity: 0)
        for part in parts { members.append(part) }
        return try await members.register(with: h)
    }

    /// Households as stored (the schema's checks keep them valid), and where each stands in the list.
    struct HouseholdRows: Sendable {
        var list: [ScreeningRegister.Household] = []
        var index: [String: Int32] = [:]

        /// Room made up front: a dictionary of a million ids grown step by step is rehashed again and again.
        init(capacity: Int) {
            index.reserveCapacity(capacity)
            list.reserveCapacity(capacity)
        }

        mutating func add(id: String, region: Int64, status: String, dibao: Int64, income: Int64) {
            guard let code = RegionCode(value: UInt64(region)), let s = PovertyStatus(rawValue: status) else { return }
            index[id] = Int32(list.count)
            list.append(.init(id: id, region: code, povertyStatus: s, dibao: dibao != 0, incomePerCapita: income))
        }
    }

    /// Members as read, in columns; their households as runs of one id (a household's members are stored
    /// together, so a million households are a million runs, not one id string per member).
    struct MemberRows: Sendable {
        var members: ScreeningRegister.Members
        var runs: [String] = [], runEnds: [Int] = []
        var previous: [UInt8] = []

        init(capacity: Int) { members = .init(capacity: capacity) }

        /// The household of the member about to be appended.
        mutating func household(_ id: UnsafeBufferPointer<UInt8>) {
            if runs.isEmpty || !id.elementsEqual(previous) {
                if !runs.isEmpty { runEnds.append(members.count) }
                runs.append(String(decoding: id, as: UTF8.self))
                previous.removeAll(keepingCapacity: true); previous.append(contentsOf: id)
            }
        }

        /// Another part's members after these.
        mutating func append(_ other: MemberRows) {
            if !runs.isEmpty { runEnds.append(members.count) }
            let offset = members.count
            runs += other.runs
            runEnds += other.runEnds.map { $0 + offset }
            members.append(contentsOf: other.members)
            previous = []
        }

        static let labourNames = LaborAbility.allCases.map { (Array($0.rawValue.utf8), $0) }
        static func labour(_ text: UnsafeBufferPointer<UInt8>) -> LaborAbility {
            labourNames.first { $0.0.elementsEqual(text) }?.1 ?? .none
        }

        /// Each run's household looked up once, its members pointed at it.
        func register(with households: HouseholdRows) -> ScreeningRegister {
            var members = self.members
            var start = 0
            for (run, id) in runs.enumerated() {
                let end = run < runEnds.count ? runEnds[run] : members.count
                let h = households.index[id] ?? -1
                for i in start..<end { members.households[i] = h }
                start = end
            }
            return ScreeningRegister(households: households.list, members: members)
        }
    }
}

extension PostgresConnection {
    /// Runs a query whose rows are each one text of lines of comma-separated fields, and hands each line's
    /// fields to `line` (valid only during the call).
    func slices(_ sql: String, _ logger: Logger, line: ([UnsafeBufferPointer<UInt8>]) -> Void) async throws {
        var fields: [UnsafeBufferPointer<UInt8>] = []
        for try await row in try await query(PostgresQuery(unsafeSQL: sql), logger: logger) {
            var cells = row.makeIterator()
            guard let bytes = cells.next()?.bytes else { continue }
            bytes.withUnsafeReadableBytes { raw in
                let all = raw.bindMemory(to: UInt8.self)
                var start = 0, i = 0
                fields.removeAll(keepingCapacity: true)
                while i <= all.count {
                    let end = i == all.count
                    let byte = end ? UInt8(ascii: "\n") : all[i]
                    if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\n") {
                        fields.append(UnsafeBufferPointer(rebasing: all[start..<i]))
                        start = i + 1
                        if byte == UInt8(ascii: "\n") { line(fields); fields.removeAll(keepingCapacity: true) }
                    }
                    i += 1
                }
            }
        }
    }
}

extension Int64 {
    /// A decimal integer's bytes (as PostgreSQL writes them), 0 when they are not one.
    init(_ digits: UnsafeBufferPointer<UInt8>) {
        var v: Int64 = 0, negative = false
        for (i, d) in digits.enumerated() {
            if i == 0 && d == UInt8(ascii: "-") { negative = true; continue }
            guard d >= 48 && d <= 57 else { self = 0; return }
            v = v &* 10 &+ Int64(d - 48)
        }
        self = negative ? -v : v
    }
}
