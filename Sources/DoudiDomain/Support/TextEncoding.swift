import Foundation

/// The encodings a county's files come in: UTF-8 (with or without the BOM that spreadsheets write), and
/// GB18030, of which GBK (what Excel on Chinese Windows saves as "CSV") is a part.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case gb18030

    /// GB18030-2000 as Foundation names it (CFStringConvertEncodingToNSStringEncoding(kCFStringEncodingGB_18030_2000)).
    static let foundationGB18030 = String.Encoding(rawValue: 0x8000_0632)

    public init?(name: String) {
        switch name.lowercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "") {
        case "utf8": self = .utf8
        case "gb18030", "gbk", "gb2312", "cp936": self = .gb18030
        default: return nil
        }
    }

    /// Text read from a file as UTF-8 bytes: the encoding, detected unless given, and the lines it could not
    /// decode (kept as they were, so every field read from them is refused, never stored half-decoded).
    public struct Decoded: Sendable {
        public var bytes: [UInt8]
        public var encoding: TextEncoding
        public var badLines: [Int]
    }

    /// UTF-8 when the file has the UTF-8 BOM or is valid UTF-8 throughout; GB18030 otherwise.
    public static func decode(_ input: [UInt8], as given: TextEncoding? = nil) -> Decoded {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let hasBOM = input.starts(with: bom)
        let body = hasBOM ? Array(input.dropFirst(3)) : input
        let encoding = given ?? (hasBOM || String(validating: body, as: UTF8.self) != nil ? .utf8 : .gb18030)
        switch encoding {
        case .utf8:
            return Decoded(bytes: body, encoding: .utf8, badLines: badLines(body) { String(validating: $0, as: UTF8.self) != nil })
        case .gb18030:
            // Plain ASCII is the same in both: only a file with other bytes needs the converter.
            if body.allSatisfy({ $0 < 0x80 }) { return Decoded(bytes: body, encoding: .gb18030, badLines: []) }
            if let s = String(data: Data(body), encoding: foundationGB18030) {
                return Decoded(bytes: Array(s.utf8), encoding: .gb18030, badLines: [])
            }
            // Line by line, to keep every line that decodes and to say which do not.
            var out: [UInt8] = []
            out.reserveCapacity(body.count * 3 / 2)
            var bad: [Int] = []
            forEachLine(body) { number, line in
                if let s = String(data: Data(line), encoding: foundationGB18030) { out += s.utf8 } else { out += line; bad.append(number) }
                out.append(10)
            }
            if body.last != 10, !out.isEmpty { out.removeLast() }
            return Decoded(bytes: out, encoding: .gb18030, badLines: bad)
        }
    }

    static func forEachLine(_ bytes: [UInt8], _ body: (Int, ArraySlice<UInt8>) -> Void) {
        var start = 0, number = 0
        while start < bytes.count {
            number += 1
            let end = bytes[start...].firstIndex(of: 10) ?? bytes.count
            body(number, bytes[start..<end])
            start = end + 1
        }
    }

    static func badLines(_ bytes: [UInt8], _ decodes: (ArraySlice<UInt8>) -> Bool) -> [Int] {
        if decodes(bytes[...]) { return [] }
        var bad: [Int] = []
        forEachLine(bytes) { number, line in if !decodes(line) { bad.append(number) } }
        return bad
    }

    /// In words, for reports.
    public var name: String { self == .utf8 ? "UTF-8" : "GB18030/GBK" }
}
