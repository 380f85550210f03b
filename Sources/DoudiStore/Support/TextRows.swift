import Foundation
import PostgresNIO
import SQLiteNIO

extension Tx {
    /// The cells of a query's rows as text, read cell by cell without a Decoder: SQLKit's row decoding costs
    /// microseconds a cell, seconds over the heads of a county's flagged households. Each `?` in `query` takes
    /// the next of `params`; a column that is not text is cast to it in the query (`CAST(… AS TEXT)`), since
    /// PostgreSQL hands numbers over in binary.
    func textRows(_ query: String, _ params: [String]) async throws -> [[String?]] {
        switch connection {
        case .sqlite(let conn):
            return try await conn.query(query, params.map { SQLiteData.text($0) }).map { row in row.columns.map(\.data.string) }
        case .postgres(let conn):
            var numbered = "", n = 0
            for c in query {
                if c == "?" { n += 1; numbered += "$\(n)" } else { numbered.append(c) }
            }
            var binds = PostgresBindings(capacity: params.count)
            for p in params { binds.append(p) }
            var out: [[String?]] = []
            for try await row in try await conn.query(PostgresQuery(unsafeSQL: numbered, binds: binds), logger: logger) {
                out.append(row.map { $0.bytes.map { String(buffer: $0) } })
            }
            return out
        }
    }
}
