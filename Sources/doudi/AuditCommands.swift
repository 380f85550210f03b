import ArgumentParser
import DoudiStore
import Foundation

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "The audit log.", subcommands: [Verify.self, Head.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the audit log's chain of SM3 hashes.",
            discussion: """
            Exit 0 when every entry links to the one before and its hash matches its content; otherwise exit 1 and
            print the id of the first entry that does not. Each --anchor (an entry and its hash, as `doudi audit
            head` and the daily roll-up print them, kept outside the system) must still be there with that hash:
            a log rewritten and re-hashed after the fact holds together as a chain, and fails its anchors.
            """)
        @OptionGroup var db: DatabaseOption
        @Option(name: .customLong("anchor"), help: "ENTRY:HASH kept from an earlier head (repeatable).")
        var anchors: [String] = []

        func run() async throws {
            var kept: [AuditStore.Anchor] = []
            for text in anchors {
                guard let a = AuditStore.Anchor(text) else {
                    throw ValidationError("--anchor \(text): 应为“记录号:64位十六进制SM3值” / expected ENTRY:HASH with a 64-digit hexadecimal SM3 hash")
                }
                kept.append(a)
            }
            let verdict = try await db.with(makeLogger("doudi"), keys: .none) { database in try await AuditStore(database).verify(anchors: kept) }
            if let broken = verdict.firstBroken {
                print("审计链在第\(broken)条记录处断开（之前\(verdict.entries)条完好）\nthe audit chain breaks at entry \(broken) (\(verdict.entries) entries before it hold)")
                throw ExitCode(1)
            }
            print("审计链完好：\(verdict.entries)条记录，链头 \(verdict.head)\(kept.isEmpty ? "" : "，\(kept.count)个锚点相符")\nthe audit chain holds: \(verdict.entries) entries, head \(verdict.head)\(kept.isEmpty ? "" : ", \(kept.count) anchor(s) match")")
        }
    }

    struct Head: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the audit chain's newest entry and its hash (ENTRY:HASH), to keep outside the system.",
            discussion: "Kept daily (a cron job, a printed roll-up), it is an anchor for `doudi audit verify --anchor`.")
        @OptionGroup var db: DatabaseOption

        func run() async throws {
            guard let head = try await db.with(makeLogger("doudi"), keys: .none, { database in try await AuditStore(database).head() }) else {
                print("审计日志为空 / the audit log is empty")
                return
            }
            print(head)
        }
    }
}
