import ArgumentParser
import DoudiDomain
import DoudiScreening
import DoudiServer
import DoudiStore
import ServiceLifecycle
import Foundation
import Hummingbird
import Logging

@main
struct Doudi: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doudi",
        abstract: "兜底 Doudi: the register, early warning and assistance of a county's safety net.",
        subcommands: [Serve.self, Migrate.self, Import.self, UserCommand.self, RegionsCommand.self, Screen.self, Generate.self,
                      BackupCommand.self, RestoreCommand.self, AuditCommand.self, KeysCommand.self, CalendarCommand.self, ChecksCommand.self])
}

/// `--database` on every command; `DOUDI_DATABASE` when not given; `doudi.sqlite` in the working directory by default.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: "A SQLite file path or a postgres:// URL (default: $DOUDI_DATABASE, else doudi.sqlite).")
    var database: String?

    @Option(name: .long, help: "The key file that seals resident IDs and phones (default: $DOUDI_KEY_FILE, else the SQLite file's path + .key, or doudi.key for PostgreSQL). Made on first use, mode 0600; keep a copy apart from the backups.")
    var keyFile: String?

    var location: String { database ?? ProcessInfo.processInfo.environment["DOUDI_DATABASE"] ?? "doudi.sqlite" }

    var keyPath: String {
        if let keyFile { return keyFile }
        if let env = ProcessInfo.processInfo.environment["DOUDI_KEY_FILE"], !env.isEmpty { return env }
        return location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") ? "doudi.key" : location + ".key"
    }

    /// What a command needs of the key file: made if missing (most), given (a restore: the backup holds no
    /// key), or none at all (the audit chain, which reads nothing sealed: the schema is then not migrated, as a
    /// migration may seal).
    enum KeyUse { case create, existing, none }

    /// The key file, made when there is none yet and `use` allows (never printed: only its path).
    func keys(_ use: KeyUse) throws -> FieldSecrets.Source {
        if use == .none { return .fixed(.generate()) }
        do {
            if use == .existing {
                _ = try KeyFile.load(keyPath)
            } else if try KeyFile.loadOrCreate(keyPath).created {
                FileHandle.standardError.write(Data("已创建新的密钥文件 \(keyPath)（权限 0600），请另行妥善备份。\nA new key file was created at \(keyPath) (mode 0600): keep a copy in a safe place, apart from the backups.\n".utf8))
            }
        } catch let p as KeyFile.Problem { throw CLIError(p.zh, p.en) }
        return .file(keyPath)
    }

    /// Opens and migrates: every command works on an up-to-date schema.
    func open(_ logger: Logger, keys use: KeyUse = .create) async throws -> Database {
        let source = try keys(use)
        let db: Database
        do { db = try await Database.open(location, clock: .system, keys: source, logger: logger) } catch {
            throw CLIError("无法打开数据库 \(redacted)：\(error)", "cannot open the database \(redacted): \(error)")
        }
        if use == .none { return db }
        let applied: [Migration]
        do { applied = try await db.migrate() } catch let p as KeyFile.Problem {
            await db.close()
            throw CLIError(p.zh, p.en)
        }
        for m in applied { logger.info("migrated", metadata: ["version": "\(m.version)", "name": "\(m.name)"]) }
        return db
    }

    /// Opens, migrates, runs `body`, and closes the database whatever happens.
    func with<T>(_ logger: Logger, keys use: KeyUse = .create, _ body: (Database) async throws -> T) async throws -> T {
        let db = try await open(logger, keys: use)
        do {
            let r = try await body(db)
            await db.close()
            return r
        } catch StoreError.invalid(let problems) {
            await db.close()
            throw CLIError(problems.map(\.message.zh).joined(separator: "\n"), problems.map(\.message.en).joined(separator: "\n"))
        } catch {
            await db.close()
            throw error
        }
    }

    /// The location without a password, for messages.
    var redacted: String {
        guard var c = URLComponents(string: location), c.password != nil else { return location }
        c.password = "***"
        return c.string ?? location
    }
}

/// Standard output without buffering: a server's first lines must reach a log file at once.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

struct CLIError: Error, CustomStringConvertible {
    let zh: String, en: String
    init(_ zh: String, _ en: String) { self.zh = zh; self.en = en }
    var description: String { "\(zh)\n\(en)" }
}

func makeLogger(_ label: String) -> Logger {
    var l = Logger(label: label)
    l.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    return l
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the web pages and the JSON API.")
    @OptionGroup var db: DatabaseOption
    @Flag(help: "Fill an empty database with the demo county (耒阳市) and one user per role.") var demo = false
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Flag(help: "Mark cookies Secure (when a TLS proxy sits in front).") var secureCookies = false
    @Option(help: "Address of a reverse proxy whose X-Forwarded-For names the client (repeatable).") var trustedProxy: [String] = []
    @Option(help: "Demo households to generate.") var demoHouseholds = 5_000
    @Option(help: "Demo households with a benefit in force (an eighth of them where not given).") var demoBeneficiaries: Int?

    func run() async throws {
        let logger = makeLogger("doudi")
        try await db.with(logger) { database in
        if demo {
            let users = try await DemoLoader.loadIfEmpty(database, households: demoHouseholds, beneficiaries: demoBeneficiaries)
            if users.isEmpty {
                say("演示数据未加载：数据库中已有数据。/ Demo not loaded: the database already holds data.")
            } else {
                say("演示县 耒阳市 已加载 \(demoHouseholds) 户。演示账号（密码均为 \(DemoLoader.password)）：")
                say("Demo county 耒阳市 loaded with \(demoHouseholds) households. Demo accounts (password \(DemoLoader.password) for all):")
                for u in users { say("  \(u.username.padding(toLength: 12, withPad: " ", startingAt: 0)) \(u.role.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0)) \(u.region)  \(u.role.chinese)") }
            }
        }
        let app = try await buildApplication(services: Services(database), config: ServerConfig(host: host, port: port, secureCookies: secureCookies,
                                                                                                      trustedProxies: Set(trustedProxy)), logger: logger)
        say("Doudi: http://\(host):\(port)/")
        // SIGTERM waits for requests in flight, but not for ever: after 20 s they are cancelled, and the process ends.
        var config = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        config.maximumGracefulShutdownDuration = .seconds(20)
        config.maximumCancellationDuration = .seconds(5)
        try await ServiceGroup(configuration: config).run()
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Bring the database schema up to date (every command does this first).")
    @OptionGroup var db: DatabaseOption
    func run() async throws {
        try await db.with(makeLogger("doudi")) { database in
            print("schema version \(try await database.schemaVersion())")
        }
    }
}

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import households.csv and members.csv into the register.",
        discussion: """
        Every row is checked; a household with a rejected row is left out whole, the others are stored.
        The rejected rows go to --report as CSV (file, line, field, reason). Exit 0 when the import ran,
        whatever was rejected; non-zero when it could not run. Running the same files again changes nothing.
        """)
    @OptionGroup var db: DatabaseOption
    @Option(help: "households.csv") var households: String
    @Option(help: "members.csv") var members: String
    @Option(help: "Where to write the rejected rows (CSV).") var report: String?
    @Option(help: "Name recorded in the audit log.") var actor = "cli"
    @Option(help: "The files' encoding, utf-8 or gb18030 (GBK included); detected when not given.") var encoding: String?

    func run() async throws {
        let logger = makeLogger("doudi")
        var given: TextEncoding?
        if let encoding {
            guard let e = TextEncoding(name: encoding) else { throw CLIError("未知编码 \(encoding)：应为 utf-8 或 gb18030", "unknown encoding \(encoding): utf-8 or gb18030") }
            given = e
        }
        let hBytes = try readFile(households), mBytes = try readFile(members)
        try await db.with(logger) { database in
            let terminal = isatty(STDERR_FILENO) == 1
            let started = Date()
            let result = try await RegisterImporter(database, alone: true).run(
                households: (households as NSString).lastPathComponent, hBytes, members: (members as NSString).lastPathComponent, mBytes,
                by: Actor.system(actor), encoding: given) { phase, done, total in
                    guard terminal else { return }
                    let pct = total > 0 ? done * 100 / total : 0
                    FileHandle.standardError.write(Data("\r\(phase.rawValue) \(done)/\(total) (\(pct)%)   \(phase == .done ? "\n" : "")".utf8))
                }
            if let report { try Data(result.csv.utf8).write(to: URL(fileURLWithPath: report)) }
            let seconds = Date().timeIntervalSince(started)
            print(result.summary.zh)
            print(result.summary.en)
            print(String(format: "%.2f s, %.0f rows/s", seconds, Double(result.householdRows + result.memberRows) / max(seconds, 0.001)))
            for r in result.rejections.prefix(20) { print("  \(r.file):\(r.line) \(r.field) \(r.message.zh) / \(r.message.en)") }
            if result.rejections.count > 20 { print("  … \(result.rejections.count - 20) more in the report") }
        }
    }
}

func readFile(_ path: String) throws -> [UInt8] {
    guard let d = FileManager.default.contents(atPath: path) else {
        throw CLIError("无法读取文件 \(path)", "cannot read the file \(path)")
    }
    return [UInt8](d)
}

struct RegionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "regions", abstract: "The division table.", subcommands: [Load.self])

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add or rename villages from a CSV (code,name,level,parent_code).")
        @OptionGroup var db: DatabaseOption
        @Option var file: String
        func run() async throws {
            let bytes = try readFile(file)
            try await db.with(makeLogger("doudi")) { database in
                let r = try await RegionStore(database).loadVillages(csv: bytes, file: file, by: Actor.system("cli"))
                print("新增 \(r.added) 个，更名 \(r.renamed) 个 / \(r.added) added, \(r.renamed) renamed")
            }
        }
    }
}

struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a made-up register of 耒阳市 as households.csv and members.csv (for benchmarks and trials).")
    @Option(help: "Households to generate.") var households = 200_000
    @Option(help: "Folder to write into.") var out: String
    @Option(help: "Seed; the same seed gives the same files.") var seed: UInt64 = 2020
    @Flag(help: "Write a screening input folder instead (specs/screening.md: the register and the five feeds).") var feeds = false
    @Option(name: .customLong("as-of"), help: "With --feeds: the last day the feeds cover.") var asOf = "2025-12-31"

    func run() async throws {
        if feeds {
            guard let day = CivilDate(asOf) else { throw CLIError("--as-of 应为 YYYY-MM-DD", "--as-of must be YYYY-MM-DD") }
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            var handles: [Screening.File: FileHandle] = [:]
            for f in Screening.File.allCases {
                let path = out + "/" + f.rawValue + ".csv"
                guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
                    throw CLIError("无法写入 \(path)", "cannot write \(path)")
                }
                handles[f] = h
            }
            try ScreeningSampleGenerator(households: households, asOf: day, seed: seed).generate { f, bytes in
                try handles[f]!.write(contentsOf: bytes)
            }
            for h in handles.values { try h.close() }
            say("\(households) households with their members and feeds in \(out)")
            return
        }
        let villages = try RegionTable.shipped().map(\.code).filter { DemoLoader.county.contains($0) && $0.level == .village }
        let demo = DemoRegister(villages: villages, today: Clock.system.today())
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var h = "household_id,region_code,poverty_status,dibao,income_per_capita\n"
        var m = "resident_id,household_id,relation,labor_ability,name,sex,phone\n"
        var used = Set<UInt64>()
        var people = 0
        for i in 0..<households {
            let r = demo.household(i, seed: seed, used: &used)
            let x = r.household
            h += "\(x.id),\(x.regionCode),\(x.povertyStatus.rawValue),\(x.dibao ? 1 : 0),\(x.incomePerCapita)\n"
            for p in r.members {
                m += "\(p.residentID.text),\(p.householdID),\(p.relation.rawValue),\(p.laborAbility.rawValue),\(p.name),\(p.sex.rawValue),\(p.phone ?? "")\n"
            }
            people += r.members.count
        }
        try Data(h.utf8).write(to: URL(fileURLWithPath: out).appendingPathComponent("households.csv"))
        try Data(m.utf8).write(to: URL(fileURLWithPath: out).appendingPathComponent("members.csv"))
        print("\(households) households, \(people) members, \(households + people) rows in \(out)")
    }
}

struct Screen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Screen department feeds against a register (specs/screening.md): flagged.csv and a summary.",
        discussion: """
        --input is a folder with households.csv, members.csv, medical.csv, unemployment.csv, disaster.csv,
        death.csv and disability.csv. FILE gets the flagged households; the summary (JSON) goes to standard
        output. Rejected rows are reported with their line numbers and the run goes on; a repeated
        household_id or resident_id stops it (exit 1) naming both lines.
        """)
    @Option(help: "Folder of the seven CSV files.") var input: String?
    @Option(help: "Screen the register in the database instead: a folder of the five feed files; flagged households become leads.") var feeds: String?
    @OptionGroup var db: DatabaseOption
    @Option(name: .customLong("as-of"), help: "Last day of the 365-day window, YYYY-MM-DD.") var asOf: String
    @Option(help: "Where to write flagged.csv.") var out: String
    @Option(help: "Monitoring income line, yuan per person per year (default: 7100 with --input; the region's policy for the as-of year with --feeds).") var monitoringLine: Int64?
    @Option(help: "Out-of-pocket medical cost that flags a household, yuan (default: 10000, or the policy).") var medicalThreshold: Int64?
    @Option(help: "Disaster loss that flags a household, yuan (default: 10000, or the policy).") var disasterThreshold: Int64?
    @Option(help: "With --feeds: screen the register of this region (12-digit code) only, with its policy parameters.") var region: String?

    func run() async throws {
        guard let day = CivilDate(asOf) else { throw CLIError("--as-of 应为 YYYY-MM-DD 格式的日期", "--as-of must be a date written YYYY-MM-DD") }
        guard [monitoringLine, medicalThreshold, disasterThreshold].allSatisfy({ ($0 ?? 0) >= 0 }) else { throw CLIError("参数不能为负数", "parameters cannot be negative") }
        var scope = RegionCode.country
        if let region {
            guard let r = RegionCode(region) else { throw CLIError("--region 应为12位区划代码", "--region must be a 12-digit region code") }
            scope = r
        }
        guard (input == nil) != (feeds == nil) else {
            throw CLIError("请给出 --input（文件夹中的登记册和部门数据）或 --feeds（数据库中的登记册）之一",
                           "give one of --input (a folder with the register and the feeds) or --feeds (the register in the database)")
        }
        let terminal = isatty(STDERR_FILENO) == 1
        let started = Date()
        let logger = makeLogger("doudi")
        // The spec's defaults for a folder of files; the policy in force for a register in the database.
        func parameters(_ policy: Policy?) -> Screening.Parameters {
            func pick(_ flag: Int64?, _ key: PolicyKey, _ fallback: Int64) -> Int64 { flag ?? policy?.int(key).map(Int64.init) ?? fallback }
            return Screening.Parameters(asOf: day, monitoringLine: pick(monitoringLine, .monitoringLine, 7_100),
                                        medicalThreshold: pick(medicalThreshold, .medicalThreshold, 10_000), disasterThreshold: pick(disasterThreshold, .disasterThreshold, 10_000))
        }
        let progress: @Sendable (String) -> Void = { phase in
            if terminal { FileHandle.standardError.write(Data("\r\(phase)…          ".utf8)) }
            logger.debug("screening phase", metadata: ["phase": "\(phase)", "elapsed": "\(Date().timeIntervalSince(started))"])
        }
        let result: Screening.Result
        var leads: (created: Int, updated: Int)?
        do {
            if let input {
                result = try Screening.run(folder: input, parameters: parameters(nil), progress: progress)
            } else {
                (result, leads) = try await db.with(logger) { database in
                    let store = LeadStore(database)
                    let actor = Actor(userID: 0, username: "screening", role: .admin, region: scope)
                    let policy = try await PolicyStore(database).policy(region: scope, year: day.year)
                    progress("register")
                    let register = try await store.screeningRegister(by: actor)
                    let r = try Screening.run(register: register, feedsFolder: feeds!, parameters: parameters(policy), progress: progress)
                    progress("leads")
                    let l = try await store.recordScreening(r.flagged, asOf: day, by: actor)
                    return (r, l)
                }
            }
        } catch let error as Screening.InputError {
            throw CLIError(error.message.zh, error.message.en)
        }
        progress("writing \(out)")
        if terminal { FileHandle.standardError.write(Data(String(format: "\rdone in %.2f s          \n", Date().timeIntervalSince(started)).utf8)) }
        guard FileManager.default.createFile(atPath: out, contents: Data(result.flaggedCSV)) else {
            throw CLIError("无法写入 \(out)", "cannot write \(out)")
        }
        print(result.summaryJSON, terminator: "")
        if let leads {
            FileHandle.standardError.write(Data("线索：新建\(leads.created)条，更新\(leads.updated)条 / leads: \(leads.created) created, \(leads.updated) updated\n".utf8))
        }
    }
}
