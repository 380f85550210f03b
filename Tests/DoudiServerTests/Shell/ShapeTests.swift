import Foundation
import Testing
@testable import DoudiServer

/// The shape fails loudly: a template or a string that code or a template names, and that is not there, is
/// caught here instead of rendering as an empty page or a bare key.
@Suite("Templates and strings that are named exist")
struct ShapeTests {
    // Tests/DoudiServerTests/Shell/ShapeTests.swift: four levels up is the package.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let server = root.appendingPathComponent("Sources/DoudiServer")
    static let templates = server.appendingPathComponent("Resources/templates")

    static func files(_ dir: URL, ending: String) throws -> [(name: String, text: String)] {
        let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)
        return try (e?.allObjects as? [URL] ?? []).filter { $0.path.hasSuffix(ending) }.map { (String($0.path.dropFirst(dir.path.count + 1)), try String(contentsOf: $0, encoding: .utf8)) }
    }

    @Test func everyTemplateNamedInCodeOrAsAPartialExists() throws {
        let have = Set(try Self.files(Self.templates, ending: ".mustache").map { String($0.name.dropLast(".mustache".count)) })
        var named = Set<String>()
        for f in try Self.files(Self.server, ending: ".swift") {
            for m in f.text.matches(of: #/template: "([a-z\/]+)"/#) { named.insert(String(m.output.1)) }
        }
        for f in try Self.files(Self.templates, ending: ".mustache") {
            for m in f.text.matches(of: #/\{\{>\s*([a-z\/]+)\s*\}\}/#) { named.insert(String(m.output.1)) }
        }
        #expect(named.count >= 20)
        #expect(named.subtracting(have).isEmpty, "missing templates: \(named.subtracting(have).sorted())")
    }

    @Test func everyStringNamedInCodeOrTemplatesHasChineseAndEnglish() throws {
        let strings = try Strings(directory: Self.server.appendingPathComponent("Resources/strings")).entries
        var named = Set<String>()
        for f in try Self.files(Self.server, ending: ".swift") {
            for m in f.text.matches(of: /\bt\("([A-Za-z0-9_]+)"\)/) { named.insert(String(m.output.1)) }
        }
        for f in try Self.files(Self.templates, ending: ".mustache") {
            for m in f.text.matches(of: /\{\{[#^\/]?t\.([A-Za-z0-9_]+)\}\}/) { named.insert(String(m.output.1)) }
        }
        #expect(named.count >= 100)
        let missing = named.filter { strings[$0] == nil }
        #expect(missing.isEmpty, "strings named but in no Resources/strings/*.json: \(missing.sorted())")
        let halfDone = named.filter { k in (strings[k]?.count ?? 0) < 2 || strings[k]!.contains { $0.isEmpty } }
        #expect(halfDone.isEmpty, "strings without both Chinese and English: \(halfDone.sorted())")
    }

    @Test func everyMessageIsWrittenOnceInTheSources() throws {
        var seen: [String: [String]] = [:]
        for f in try Self.files(Self.root.appendingPathComponent("Sources"), ending: ".swift") {
            for m in f.text.matches(of: /Message\("((?:[^"\\]|\\.)*)"/) { seen[String(m.output.1), default: []].append(f.name) }
        }
        #expect(seen.count >= 100)
        let repeated = seen.filter { $0.value.count > 1 }
        #expect(repeated.isEmpty, "messages written more than once (put them in Messages.swift): \(repeated)")
    }

    @Test func aStringInTwoFilesStopsTheStart() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-strings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(#"{"save": ["保存", "Save"]}"#.utf8).write(to: dir.appendingPathComponent("a.json"))
        try Data(#"{"save": ["存", "Keep"]}"#.utf8).write(to: dir.appendingPathComponent("b.json"))
        #expect(throws: Strings.Repeated.self) { try Strings(directory: dir) }
    }
}
