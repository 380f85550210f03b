import DoudiCrypto
import PostgresNIO
import SQLKit

/// PostgreSQL plans each statement it is sent (for a county's list, 0.7 ms of the 2.6 ms it spends on a page).
/// A read whose text holds every value (no parameter) is prepared once per connection, under a name drawn from
/// its text, and executed by that name afterwards. Nothing is kept here: a connection that never prepared the
/// name says so, and it is prepared then, letting its oldest go when it holds `upTo` already. Outside a
/// transaction only: the miss is an error, which would end one.
enum PreparedReads {
    /// Statements one connection holds at most: each is a plan of about 0.4 MB in its server process (a county
    /// list's), and a county's officers page through a few lists at a time.
    static let upTo = 32

    /// The first row of `query`: through a prepared statement on PostgreSQL when it has no parameters, as an
    /// ordinary statement otherwise.
    static func first(_ sql: any SQLDatabase, _ query: SQLQueryString) async throws -> (any SQLRow)? {
        var text = SQLSerializer(database: sql)
        query.serialize(to: &text)
        guard sql.dialect.name == "postgresql", text.binds.isEmpty else { return try await sql.raw(query).first() }
        // The name is the text's SM3 (128 of its bits): two texts never share a name, so none runs another's plan.
        let digest = try SM3.hash(Array(text.sql.utf8)).prefix(16)
        let name = prefix + digest.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        let execute: SQLQueryString = "EXECUTE \(unsafeRaw: name)"
        do {
            return try await sql.raw(execute).first()
        } catch let error as PSQLError where ["26000", "0A000"].contains(error.serverInfo?[.sqlState]) {
            // 26000: not prepared on this connection; 0A000: prepared before its tables changed shape.
            if error.serverInfo?[.sqlState] == "0A000" {
                try await sql.raw("DEALLOCATE \(unsafeRaw: name)").run()
            } else if let held = try await sql.raw("""
                SELECT COUNT(*) AS n, (array_agg(name ORDER BY prepare_time))[1] AS oldest FROM pg_prepared_statements WHERE starts_with(name, '\(unsafeRaw: prefix)')
                """).first(), try held.decode(column: "n", as: Int.self) >= upTo {
                try await sql.raw("DEALLOCATE \(ident: try held.decode(column: "oldest", as: String.self))").run()
            }
            try await sql.raw("PREPARE \(unsafeRaw: name) AS \(unsafeRaw: text.sql)").run()
            return try await sql.raw(execute).first()
        }
    }

    static let prefix = "doudi_"
}
