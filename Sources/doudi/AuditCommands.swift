import ArgumentParser
import DoudiStore
import Foundation

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "The audit log.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the audit log's chain of SM3 hashes.",
            discussion: """
            Exit 0 when every entry links to the one before and its hash matches its content; otherwise exit 1 and
            print the id of the first entry that does not. The chain's head is printed: kept outside the system
            (the daily report prints it too), it shows later that no newest entries were removed.
            """)
        @OptionGroup var db: DatabaseOption

        func run() async throws {
            let verdict = try await db.with(makeLogger("doudi")) { database in try await AuditStore(database).verify() }
            if let broken = verdict.firstBroken {
                print("审计链在第\(broken)条记录处断开（之前\(verdict.entries)条完好）\nthe audit chain breaks at entry \(broken) (\(verdict.entries) entries before it hold)")
                throw ExitCode(1)
            }
            print("审计链完好：\(verdict.entries)条记录，链头 \(verdict.head)\nthe audit chain holds: \(verdict.entries) entries, head \(verdict.head)")
        }
    }
}
