import ArgumentParser
import DoudiDomain
import DoudiStore
import Foundation

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage accounts.", subcommands: [Add.self, Change.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account with a role and a region subtree.")
        @OptionGroup var db: DatabaseOption
        @Option var username: String
        @Option var password: String
        @Option(help: ArgumentHelp("One of: \(Role.codeNames.joined(separator: ", "))")) var role: String
        @Option(help: "12-digit region code: the root of the account's subtree.") var region: String

        func run() async throws {
            guard let r = Role(rawValue: role) else {
                throw CLIError("未知角色 \(role)（可选：\(Role.codeNames.joined(separator: "、"))）", "unknown role \(role) (one of \(Role.codeNames.joined(separator: ", ")))")
            }
            guard let code = RegionCode(region) else { throw CLIError("区划代码应为12位数字", "a region code has 12 digits") }
            try await db.with(makeLogger("doudi")) { database in
                let a = try await UserStore(database).add(username: username, password: password, role: r, region: code, by: Actor.system("cli"))
                print("已创建用户 \(a.username)（\(r.chinese)，\(code)）/ created user \(a.username) (\(r.rawValue), \(code))")
            }
        }
    }

    struct Change: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End an account's sessions, disable or enable it, or lift its lock after wrong passwords (audited).",
            discussion: "The same as an administrator's buttons on the accounts page (/users).")
        @OptionGroup var db: DatabaseOption
        @Option var username: String
        @Argument(help: ArgumentHelp("One of: \(UserStore.AccountChange.allCases.map(\.rawValue).joined(separator: ", "))")) var change: String

        func run() async throws {
            guard let c = UserStore.AccountChange(rawValue: change) else {
                throw CLIError("未知操作 \(change)", "unknown change \(change) (one of \(UserStore.AccountChange.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            try await db.with(makeLogger("doudi")) { database in
                let users = UserStore(database)
                guard let id = try await users.accountID(username: username) else { throw CLIError("没有用户 \(username)", "no user \(username)") }
                try await users.change(id, c, by: Actor.system("cli"))
                print("已完成：\(username) \(c.rawValue) / done: \(username) \(c.rawValue)")
            }
        }
    }
}
