import Foundation
import Hummingbird

/// A url-encoded or multipart form body, first value per name.
struct Form: Sendable, ExpressibleByDictionaryLiteral {
    var values: [String: String]
    /// Every value of a name that repeats (checkboxes).
    var all: [String: [String]] = [:]
    /// The files of a multipart form by name, in order, empty file inputs left out.
    var files: [String: [[UInt8]]] = [:]
    init(values: [String: String]) { self.values = values }
    init(dictionaryLiteral elements: (String, String)...) { values = Dictionary(elements, uniquingKeysWith: { a, _ in a }) }
    subscript(_ key: String) -> String? { values[key] }

    /// A form whose text is not UTF-8 (what every page declares) is refused whole, never read as empty fields.
    /// `limit`: the largest body taken (1 MB unless the form carries files).
    static func read(_ req: Request, upTo limit: Int = 1 << 20) async throws -> Form {
        let buffer = try await req.body.collect(upTo: limit)
        if let type = req.headers[.contentType], Multipart.boundary(type) != nil {
            guard let parts = Multipart.parse(Array(buffer: buffer), contentType: type), let form = multipart(parts) else {
                throw HTTPError(.badRequest, message: "表单内容无法读取 / the form cannot be read")
            }
            return form
        }
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self), let form = parse(text) else {
            throw HTTPError(.badRequest, message: "表单内容不是UTF-8编码 / the form is not UTF-8 text")
        }
        return form
    }

    /// Text parts as values, file parts as files; nil when a text part is not UTF-8.
    static func multipart(_ parts: [Multipart.Part]) -> Form? {
        var f = Form(values: [:])
        for p in parts {
            if p.filename != nil {
                if !p.data.isEmpty { f.files[p.name, default: []].append(p.data) }
                continue
            }
            guard let v = String(validating: p.data, as: UTF8.self) else { return nil }
            if f.values[p.name] == nil { f.values[p.name] = v }
            f.all[p.name, default: []].append(v)
        }
        return f
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
