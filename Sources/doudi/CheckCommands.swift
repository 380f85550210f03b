import ArgumentParser
import DoudiDomain
import DoudiStore
import Foundation

struct ChecksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "checks", abstract: "Economic-status checks (家庭经济状况核对).",
                                                    subcommands: [Load.self, Sample.self])

    /// The county officer a command acts as: the audit log names it `cli`.
    static func county(_ code: String) throws -> Actor {
        guard let c = RegionCode(code), c.level == .county else { throw CLIError("--county 应为12位县级区划代码", "--county must be a 12-digit county code") }
        return Actor(userID: 0, username: "cli", role: .countyOfficer, region: c)
    }

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a department's answers (CSV or XLSX: resident_id/身份证号码, source/核对类别, value/数值, as_of/核对日期, item/项目说明) for a county's applications being checked.",
            discussion: "As the page does: every row checked, a bad row named by its line and nothing saved; only the rows about applicants are kept. Audited.")
        @OptionGroup var db: DatabaseOption
        @Option var file: String
        @Option(help: "The county's 12-digit code.") var county = "430481000000"

        func run() async throws {
            let actor = try ChecksCommand.county(county)
            let bytes = try readFile(file)
            try await db.with(makeLogger("doudi")) { database in
                let r = try await EconomicCheckStore(database).load((file as NSString).lastPathComponent, bytes, by: actor)
                say(r.summary.zh + "\n" + r.summary.en)
                for x in r.rejections.prefix(20) { say("  第\(x.line)行 \(x.field)：\(x.message.zh) / line \(x.line) \(x.field): \(x.message.en)") }
                if !r.stored { throw ExitCode(2) }
            }
        }
    }

    struct Sample: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a made-up department file of ROWS answers (for benchmarks and trials): a few about each applicant being checked in the county, the rest about people elsewhere.")
        @OptionGroup var db: DatabaseOption
        @Option var out: String
        @Option var rows = 1_000_000
        @Option(help: "The county's 12-digit code.") var county = "430481000000"
        @Option(help: "Seed; the same seed and database give the same file.") var seed: UInt64 = 2020

        func run() async throws {
            let actor = try ChecksCommand.county(county)
            let applicants = try await db.with(makeLogger("doudi")) { try await EconomicCheckStore($0).applicants(by: actor) }
            var g = DemoRegister.Generator(seed: seed)
            let sources = CheckSource.allCases.map(\.chinese)
            var text = "身份证号码,核对类别,数值,核对日期,项目说明\n"
            text.reserveCapacity(rows * 52)
            for i in 0..<rows {
                let person: String
                if i < applicants.count * 3 { person = applicants[i % applicants.count].text } else {
                    let body = "43\(String(format: "%04d", 100 + Int(g.next() % 9000)))19\(String(format: "%02d%02d%02d%03d", 40 + Int(g.next() % 60), 1 + Int(g.next() % 12), 1 + Int(g.next() % 28), Int(g.next() % 1000)))"
                    person = body + String(UnicodeScalar(ResidentID.checkCharacter(for: Array(body.utf8))))
                }
                let day = CivilDate(daysSinceEpoch: CivilDate("2020-01-01")!.daysSinceEpoch + Int(g.next() % 700)).description
                text += "\(person),\(sources[Int(g.next() % 6)]),\(g.next() % 200_000),\(day),\(i % 4 == 0 ? "活期" : "")\n"
            }
            try Data(text.utf8).write(to: URL(fileURLWithPath: out))
            say("\(rows) rows, \(min(rows, applicants.count * 3)) about \(applicants.count) applicants, in \(out)")
        }
    }
}
