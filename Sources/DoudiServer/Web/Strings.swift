import DoudiDomain
import Foundation

/// The zh / en strings: one file per capability in `Resources/strings/` (`shell.json` for what all share),
/// each key with its Chinese and its English text. A key in two files is an error at start, not a silent pick.
struct Strings: Sendable {
    let entries: [String: [String]]
    private let zh: Table, en: Table

    struct Table: Sendable {
        let code: String
        let values: [String: String]
        func t(_ key: String) -> String { values[key] ?? key }
        /// A message's words in this table's language.
        func say(_ m: Message) -> String { code == "en" ? m.en : m.zh }
    }

    struct Repeated: Error, CustomStringConvertible {
        let key: String, files: [String]
        var description: String { "string \(key) is in both \(files.joined(separator: " and "))" }
    }

    init(directory: URL) throws {
        var entries: [String: [String]] = [:], from: [String: String] = [:]
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        for f in files {
            for (k, v) in try JSONDecoder().decode([String: [String]].self, from: Data(contentsOf: f)) {
                if let other = from[k] { throw Repeated(key: k, files: [other, f.lastPathComponent]) }
                entries[k] = v
                from[k] = f.lastPathComponent
            }
        }
        self.entries = entries
        zh = Table(code: "zh", values: entries.mapValues { $0[0] })
        en = Table(code: "en", values: entries.mapValues { $0.count > 1 ? $0[1] : $0[0] })
    }

    func table(_ code: String) -> Table { code == "en" ? en : zh }
}
