import DoudiDomain
@testable import DoudiStore
import DoudiTestSupport
import SQLKit
import Testing

@Suite("A read sent often is prepared once per PostgreSQL connection, by a name its text gives, and answers as sent")
struct PreparedReadsTests {
    struct Held: Decodable { var name: String }

    /// The statements this connection holds under Doudi's prefix.
    static func held(_ sql: any SQLDatabase) async throws -> [String] {
        try await sql.raw("SELECT name FROM pg_prepared_statements WHERE name LIKE 'doudi\\_%' ORDER BY prepare_time").all(decoding: Held.self).map(\.name)
    }

    static func value(_ sql: any SQLDatabase, _ query: SQLQueryString) async throws -> Int? {
        try await PreparedReads.first(sql, query)?.decode(column: "v", as: Int.self)
    }

    @Test(arguments: Backend.available)
    func aReadAnswersTheSameOnceItsPlanIsKept(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            try await db.withConnection { conn in
                let sql = conn.sql(db.logger)
                try await sql.raw("CREATE TABLE prepared_probe (v INTEGER NOT NULL)").run()
                try await sql.raw("INSERT INTO prepared_probe (v) VALUES (7)").run()
                #expect(try await Self.value(sql, "SELECT v FROM prepared_probe") == 7)
                try await sql.raw("UPDATE prepared_probe SET v = 8").run()
                // The kept plan reads the table as it now is.
                #expect(try await Self.value(sql, "SELECT v FROM prepared_probe") == 8)
                // One with a parameter runs as sent, and nothing is kept for it.
                #expect(try await Self.value(sql, "SELECT v + \(bind: 1) AS v FROM prepared_probe") == 9)
                guard db.engine == .postgres else { return }
                #expect(try await Self.held(sql).count == 1, "one text, one statement kept")

                // A column added after the plan was made: the statement is made again, and the row has it.
                try await sql.raw("ALTER TABLE prepared_probe ADD COLUMN w INTEGER NOT NULL DEFAULT 5").run()
                let row = try await PreparedReads.first(sql, "SELECT * FROM prepared_probe")
                #expect(try row?.decode(column: "w", as: Int.self) == 5)
                try await sql.raw("ALTER TABLE prepared_probe ADD COLUMN x INTEGER NOT NULL DEFAULT 6").run()
                let again = try await PreparedReads.first(sql, "SELECT * FROM prepared_probe")
                #expect(try again?.decode(column: "x", as: Int.self) == 6, "a kept SELECT * answers with the column added since")
            }
        }
    }

    @Test func aConnectionKeepsItsNewestStatementsOnly() async throws {
        guard Backend.available.contains(.postgres) else { return }
        try await withFreshDatabase(.postgres) { db in
            try await db.withConnection { conn in
                let sql = conn.sql(db.logger)
                var names: [String] = []
                for i in 0..<(PreparedReads.upTo + 5) {
                    #expect(try await Self.value(sql, "SELECT \(unsafeRaw: String(i)) AS v") == i)
                    names = try await Self.held(sql)
                }
                #expect(names.count == PreparedReads.upTo)
                // The first five went, oldest first; the newest is kept and answers again without being made anew.
                #expect(try await Self.value(sql, "SELECT \(unsafeRaw: String(PreparedReads.upTo + 4)) AS v") == PreparedReads.upTo + 4)
                #expect(try await Self.held(sql) == names)
                #expect(try await Self.value(sql, "SELECT 0 AS v") == 0)
                let after = try await Self.held(sql)
                #expect(after.count == PreparedReads.upTo && after.last != names.last && !after.contains(names[0]))
            }
        }
    }
}
