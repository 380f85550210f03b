import Foundation

/// A multipart/form-data body split into its parts (RFC 7578): enough for the import page's two files.
enum Multipart {
    struct Part: Sendable {
        var name: String
        var filename: String?
        var data: [UInt8]
    }

    static func boundary(_ contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for param in contentType.split(separator: ";").dropFirst() {
            let kv = param.split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" {
                let b = kv[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return b.isEmpty || b.count > 200 ? nil : b
            }
        }
        return nil
    }

    /// nil when the body is not well-formed multipart data.
    static func parse(_ body: [UInt8], contentType: String) -> [Part]? {
        guard let b = boundary(contentType) else { return nil }
        let delimiter = Array("--\(b)".utf8)
        var parts: [Part] = []
        guard var i = find(delimiter, in: body, from: 0) else { return nil }
        i += delimiter.count
        while i + 1 < body.count {
            if body[i] == 45 && body[i + 1] == 45 { return parts }  // closing "--"
            guard body[i] == 13 && body[i + 1] == 10 else { return nil }
            i += 2
            guard let headerEnd = find([13, 10, 13, 10], in: body, from: i) else { return nil }
            let headers = String(decoding: body[i..<headerEnd], as: UTF8.self)
            let start = headerEnd + 4
            guard let next = find([13, 10] + delimiter, in: body, from: start) else { return nil }
            var name: String?, filename: String?
            for line in headers.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
                name = parameter("name", in: line)
                filename = parameter("filename", in: line)
            }
            guard let name else { return nil }
            parts.append(Part(name: name, filename: filename, data: Array(body[start..<next])))
            i = next + 2 + delimiter.count
        }
        return nil
    }

    static func parameter(_ key: String, in line: Substring) -> String? {
        for p in line.split(separator: ";").dropFirst() {
            let kv = p.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces) == key else { continue }
            return kv[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, hay.count >= needle.count else { return nil }
        var i = from
        let first = needle[0]
        let last = hay.count - needle.count
        while i <= last {
            if hay[i] == first && hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
