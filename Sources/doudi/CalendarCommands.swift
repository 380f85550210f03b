import ArgumentParser
import DoudiDomain
import DoudiStore
import Foundation

struct CalendarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "calendar", abstract: "The working-day calendar.", subcommands: [Load.self])

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the days of a CSV (date,kind,name; kind holiday or workday) for a region: a year's State Council notice for the whole country, or a county's own days.",
            discussion: "All lines or none: a wrong line is named and nothing is written. Audited, as on the calendar page.")
        @OptionGroup var db: DatabaseOption
        @Option var file: String
        @Option(help: "12-digit region code; 000000000000 (the default) for the national calendar.") var region = "000000000000"

        func run() async throws {
            let code = region == RegionCode.country.description ? RegionCode.country : RegionCode(region)
            guard let code else { throw CLIError("区划代码应为12位数字", "a region code has 12 digits") }
            let bytes = try readFile(file)
            try await db.with(makeLogger("doudi")) { database in
                let n = try await CalendarStore(database).load(csv: bytes, file: file, region: code, by: Actor.system("cli"))
                print("已设置 \(n) 天 / \(n) days set")
            }
        }
    }
}
