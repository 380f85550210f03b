import Foundation
import SQLKit

/// The tables whose columns are sealed, and the passes over them: the first sealing of plain values (schema
/// version 11) and the re-sealing under a new key (`doudi keys rotate`). Both go by slices of the primary key
/// and write a slice in one statement.
struct SealedTable: Sendable {
    var table: String
    /// Sealed columns; the first is the one with a blind index.
    var columns: [String]
    var index: String

    static let members = SealedTable(table: "members", columns: ["resident_sealed", "phone_sealed"], index: "resident_index")
    static let leads = SealedTable(table: "leads", columns: ["resident_sealed", "mobile_sealed"], index: "resident_index")
    static let staffRelatives = SealedTable(table: "staff_relatives", columns: ["resident_sealed"], index: "resident_index")
    /// Bank accounts: sealed, never searched (no blind index).
    static let applications = SealedTable(table: "assistance_applications", columns: ["bank_sealed"], index: "")
    static let benefits = SealedTable(table: "benefits", columns: ["bank_sealed"], index: "")
    /// A person helped by aid first whom the register does not hold.
    static let aidFirst = SealedTable(table: "aid_first", columns: ["resident_sealed"], index: "resident_index")
    /// A child left without a guardian (issue 15), in the register or not, and the guardian who reported or was named.
    static let childCases = SealedTable(table: "child_cases", columns: ["resident_sealed", "guardian_sealed", "reporter_mobile_sealed"], index: "resident_index")
    /// The carer's account a child's allowance is paid into.
    static let childAllowances = SealedTable(table: "child_allowances", columns: ["bank_sealed"], index: "")
    static let volunteers = SealedTable(table: "volunteers", columns: ["mobile_sealed"], index: "")
    static let all = [members, leads, staffRelatives, applications, benefits, aidFirst, childCases, childAllowances, volunteers]

    static let slice = 2_000

    struct Row { var id: Int64; var values: [String?] }

    /// Up to `slice` rows after `after`, in id order; with `notUnder`, only rows with a value sealed otherwise.
    func rows(_ sql: any SQLDatabase, after: Int64, notUnder version: Int? = nil) async throws -> [Row] {
        var filter = ""
        if let version { filter = " AND (" + columns.map { "\($0) NOT LIKE 'k\(version):%'" }.joined(separator: " OR ") + ")" }
        return try await sql.raw("""
            SELECT id, \(unsafeRaw: columns.joined(separator: ", ")) FROM \(unsafeRaw: table)
            WHERE id > \(bind: after)\(unsafeRaw: filter) ORDER BY id LIMIT \(unsafeRaw: String(Self.slice))
            """).all().map { row in
            Row(id: try row.decode(column: "id", as: Int64.self), values: try columns.map { try row.decode(column: $0, as: String?.self) })
        }
    }

    /// Writes each row's new values (and index), in one statement; with `unchangedSince`, only where the row
    /// still holds those values, so that a change made meanwhile is not overwritten.
    func write(_ tx: Tx, _ rows: [(id: Int64, values: [String?], index: String?)], unchangedSince old: [Row]? = nil) async throws {
        guard !rows.isEmpty else { return }
        var values = SQLQueryString("")
        for (i, r) in rows.enumerated() {
            values.appendInterpolation(unsafeRaw: i == 0 ? "(" : ", (")
            values.appendInterpolation(unsafeRaw: "CAST(")
            values.appendInterpolation(bind: r.id)
            values.appendInterpolation(unsafeRaw: " AS BIGINT)")
            for v in r.values + [r.index] + (old?[i].values ?? []) {
                values.appendInterpolation(unsafeRaw: ", CAST(")
                values.appendInterpolation(bind: v)
                values.appendInterpolation(unsafeRaw: " AS TEXT)")
            }
            values.appendInterpolation(unsafeRaw: ")")
        }
        var set = columns.enumerated().map { "\($0.element) = v.column\($0.offset + 2)" }
        if rows.first?.index != nil { set.append("\(index) = v.column\(columns.count + 2)") }
        var match = "\(table).id = v.column1"
        if old != nil {
            let same = tx.engine == .sqlite ? "IS" : "IS NOT DISTINCT FROM"
            for (k, c) in columns.enumerated() { match += " AND \(table).\(c) \(same) v.column\(columns.count + 3 + k)" }
        }
        try await tx.sql.raw("UPDATE \(unsafeRaw: table) SET \(unsafeRaw: set.joined(separator: ", ")) FROM (VALUES \(values)) AS v WHERE \(unsafeRaw: match)").run()
    }

    /// Schema version 11: every plain value sealed, its index written.
    func sealPlain(_ tx: Tx) async throws {
        var after: Int64 = 0
        while true {
            let rows = try await self.rows(tx.sql, after: after)
            guard let last = rows.last else { return }
            let sealed = try tx.fields.withSealer { s in
                rows.map { r in (id: r.id, values: r.values.map { s.seal($0) }, index: r.values[0].map { s.index($0) }) }
            }
            try await write(tx, sealed)
            after = last.id
        }
    }

    /// Re-seals, slice by slice, each in a transaction of its own, every value not under the current key.
    /// Returns how many rows changed.
    func reseal(_ db: Database) async throws -> Int {
        var after: Int64 = 0, changed = 0
        while true {
            let version = try db.fields.withSealer { $0.version }
            let rows = try await db.read { sql in try await self.rows(sql, after: after, notUnder: version) }
            guard let last = rows.last else { return changed }
            try await db.transaction { tx in try await reseal(tx, rows) }
            changed += rows.count
            after = last.id
        }
    }

    /// The same inside one transaction (the rotation's last pass, with writers held off).
    func reseal(_ tx: Tx) async throws -> Int {
        var after: Int64 = 0, changed = 0
        while true {
            let version = try tx.fields.withSealer { $0.version }
            let rows = try await self.rows(tx.sql, after: after, notUnder: version)
            guard let last = rows.last else { return changed }
            try await reseal(tx, rows)
            changed += rows.count
            after = last.id
        }
    }

    private func reseal(_ tx: Tx, _ rows: [Row]) async throws {
        let fresh = try tx.fields.withSealer { s in
            try rows.map { r in (id: r.id, values: try r.values.map { v in try s.seal(s.open(v)) }, index: String?.none) }
        }
        try await write(tx, fresh, unchangedSince: rows)
    }
}
