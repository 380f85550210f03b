import DoudiDomain
@testable import DoudiStore
import DoudiTestSupport
import Foundation
import SQLKit
import Testing

@Suite("The audit chain: an edit, a deletion, a reordering is caught at the first entry touched, on each backend")
struct AuditChainTests {
    /// (`rewrite`: an entry edited and the whole chain re-hashed; `truncate`: the newest entries removed. Both
    /// leave a chain that holds, and both are caught by the head kept before.)
    enum Tamper: String, CaseIterable, Sendable { case none, edit, editAndRehash, delete, reorder, rewrite, truncate }

    struct ID: Decodable { var id: Int64 }

    @Test(arguments: Backend.available, Tamper.allCases)
    func tampering(_ backend: Backend, _ tamper: Tamper) async throws {
        try await withFreshDatabase(backend) { db in
            // Entries from the three ways the log is written: one at a time, a batch, and the register's bulk path.
            let cadre = try await Fixture.actor(db, "vil", .villageCadre, Fixture.village)
            for i in 0..<4 {
                _ = try await HouseholdStore(db).create(Fixture.household("H\(i)", people: [("4304811980010110\(i)", .head, "王\(i)")]), by: cadre)
            }
            _ = try await LeadStore(db).recordScreening([ScreeningFinding(householdID: "H1", regionCode: "", category: .marginalAtRisk, signals: [.illness], adjusted: "0.00"),
                                                         ScreeningFinding(householdID: "H2", regionCode: "", category: .marginalAtRisk, signals: [.death], adjusted: "0.00")],
                                                        asOf: CivilDate("2026-11-20")!, by: Actor.system("screening"))
            let ids = try await db.read { sql in try await sql.raw("SELECT id FROM audit_log ORDER BY id").all(decoding: ID.self).map(\.id) }
            #expect(ids.count >= 6)
            let holds = try await AuditStore(db).verify()
            #expect(holds.firstBroken == nil && holds.entries == ids.count && holds.head.count == 64)

            let anchor = try #require(try await AuditStore(db).head())
            #expect(anchor.entry == ids.last && anchor.hash == holds.head)
            let third = ids[2], fourth = ids[3]
            try await db.transaction { tx in
                switch tamper {
                case .none: break
                case .edit:
                    try await tx.sql.raw("UPDATE audit_log SET actor = 'someone.else' WHERE id = \(bind: third)").run()
                case .editAndRehash:
                    // Whoever edits an entry and writes its new hash still breaks the link of the next one.
                    try await tx.sql.raw("UPDATE audit_log SET actor = 'someone.else', hash = \(bind: String(repeating: "0", count: 64)) WHERE id = \(bind: third)").run()
                case .delete:
                    try await tx.sql.raw("DELETE FROM audit_log WHERE id = \(bind: third)").run()
                case .reorder:
                    // The third and fourth entries' contents swapped, each keeping its id.
                    try await tx.sql.raw("UPDATE audit_log SET id = -1 WHERE id = \(bind: third)").run()
                    try await tx.sql.raw("UPDATE audit_log SET id = \(bind: third) WHERE id = \(bind: fourth)").run()
                    try await tx.sql.raw("UPDATE audit_log SET id = \(bind: fourth) WHERE id = -1").run()
                case .rewrite:
                    try await tx.sql.raw("UPDATE audit_log SET actor = 'someone.else' WHERE id = \(bind: third)").run()
                    try await AuditChain.relink(tx.sql)
                case .truncate:
                    try await tx.sql.raw("DELETE FROM audit_log WHERE id >= \(bind: third)").run()
                }
            }
            let verdict = try await AuditStore(db).verify()
            let anchored = try await AuditStore(db).verify(anchors: [anchor])
            switch tamper {
            case .rewrite, .truncate:
                #expect(verdict.firstBroken == nil, "without an anchor, a chain re-hashed or cut short holds")
                #expect(anchored.firstBroken == anchor.entry, "the head kept outside no longer matches")
                return
            default: #expect(anchored.firstBroken == verdict.firstBroken)
            }
            switch tamper {
            case .none, .rewrite, .truncate: #expect(verdict.firstBroken == nil)
            case .edit, .reorder: #expect(verdict.firstBroken == third)
            case .editAndRehash, .delete: #expect(verdict.firstBroken == (tamper == .delete ? fourth : third))
            }
            if tamper != .none { #expect(verdict.entries == 2, "the two entries before it hold") }
        }
    }
}
