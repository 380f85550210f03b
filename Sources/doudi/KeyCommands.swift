import ArgumentParser
import DoudiDomain
import DoudiStore
import Foundation

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keys", abstract: "The key file that seals resident IDs and phones.",
                                                    subcommands: [Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-seal every sealed value under a new key, while the server runs.",
            discussion: """
            Adds a new key version to the key file (servers using the file read it within two seconds), re-seals
            every resident ID, phone and mobile number under it in small transactions, makes a last pass with
            writers held off, then removes the old key from the file and the database (audited as keys.rotate).
            The blind index key stays: people are still found, and kept unique, by the same index.
            """)
        @OptionGroup var db: DatabaseOption

        func run() async throws {
            try await db.with(makeLogger("doudi"), keys: .existing) { database in
                let r = try await database.rotateFieldKeys(keyFile: db.keyPath, by: Actor.system("cli")) { line in
                    FileHandle.standardError.write(Data((line + "\n").utf8))
                }
                print("密钥已轮换：第\(r.from)版 → 第\(r.to)版，重新加密 \(r.resealed) 行 / keys rotated: version \(r.from) → \(r.to), \(r.resealed) rows re-sealed")
            }
        }
    }
}
