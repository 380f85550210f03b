import Foundation
import Hummingbird

/// A url-encoded form body, first value per name.
struct Form: Sendable, ExpressibleByDictionaryLiteral {
    var values: [String: String]
    /// Every value of a name that repeats (checkboxes).
    var all: [String: [String]] = [:]
    init(values: [String: String]) { self.values = values }
    init(dictionaryLiteral elements: (String, String)...) { values = Dictionary(elements, uniquingKeysWith: { a, _ in a }) }
    subscript(_ key: String) -> String? { values[key] }

    /// A form whose text is not UTF-8 (what every page declares) is refused whole, never read as empty fields.
    static func read(_ req: Request) async throws -> Form {
        let buffer = try await req.body.collect(upTo: 1 << 20)
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self), let form = parse(text) else {
            throw HTTPError(.badRequest, message: "表单内容不是UTF-8编码 / the form is not UTF-8 text")
        }
        return form
    }

    /// Nil when a name or value does not decode to UTF-8 text.
    static func parse(_ s: String) -> Form? {
        var out: [String: String] = [:]
        var all: [String: [String]] = [:]
        for pair in s.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ x: Substring) -> String? { x.isEmpty ? "" : x.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let k = decode(kv[0]), let v = kv.count > 1 ? decode(kv[1]) : "" else { return nil }
            if out[k] == nil { out[k] = v }
            all[k, default: []].append(v)
        }
        var f = Form(values: out)
        f.all = all
        return f
    }
}
