import Foundation

/// The zh / en strings table (Resources/strings.json): each key has its Chinese and its English text.
struct Strings: Sendable {
    let entries: [String: [String]]
    init(_ data: Data) throws { entries = try JSONDecoder().decode([String: [String]].self, from: data) }

    struct Table: Sendable {
        let code: String
        let values: [String: String]
        func t(_ key: String) -> String { values[key] ?? key }
    }

    func table(_ code: String) -> Table {
        let i = code == "en" ? 1 : 0
        return Table(code: code, values: entries.mapValues { $0.count > i ? $0[i] : $0[0] })
    }
}
