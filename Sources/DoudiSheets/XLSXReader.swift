import DoudiDomain
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation

/// The first sheet of an XLSX workbook as rows of text, as Excel, WPS, LibreOffice or openpyxl saved it (shared
/// or inline strings, numbers, booleans, sparse rows). Foundation's XMLParser reads each part from a stream: on
/// Linux a part over about 10 MB fails when parsed from Data (../shared/notes/xlsx-and-gm-crypto.md).
public enum XLSXReader {
    public static func rows(_ data: Data) throws -> [[String]] {
        guard let archive = try? Archive(data: data, accessMode: .read, pathEncoding: nil) else { throw Message.notAWorkbook }
        func part(_ path: String) throws -> Data? {
            guard let entry = archive[path] else { return nil }
            var out = Data()
            _ = try archive.extract(entry, skipCRC32: true) { out.append($0) }
            return out
        }
        guard let workbook = try part("xl/workbook.xml") else { throw Message.notAWorkbook }
        let firstSheet = Collect(element: "sheet", attribute: "r:id").run(workbook).first ?? "rId1"
        var target = "worksheets/sheet1.xml"
        if let rels = try part("xl/_rels/workbook.xml.rels") {
            let pairs = Relationships().run(rels)
            target = pairs[firstSheet] ?? target
        }
        let path = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        guard let sheet = try part(path) else { throw Message.notAWorkbook }
        let strings = try part("xl/sharedStrings.xml").map { SharedStrings().run($0) } ?? []
        return try Cells(strings: strings).run(sheet)
    }

    /// The rows as CSV text, for the same checks a CSV file gets.
    public static func csv(_ data: Data) throws -> String {
        try rows(data).map { $0.map(CSVCell.field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}

extension Message {
    public static let notAWorkbook = Message("不是可读取的Excel工作簿（.xlsx）", "not a readable Excel workbook (.xlsx)")
}

/// One pass of XMLParser over a part, fed from a stream. Each reader conforms to the delegate protocol itself:
/// on Linux the protocol's methods have default implementations, which a subclass's methods would not replace.
protocol Pass: XMLParserDelegate {}

extension Pass {
    func parse(_ data: Data) -> Bool {
        let parser = XMLParser(stream: InputStream(data: data))
        parser.shouldProcessNamespaces = false
        parser.delegate = self
        return parser.parse()
    }
}

final class Collect: NSObject, Pass {
    let element: String, attribute: String
    var found: [String] = []
    init(element: String, attribute: String) { self.element = element; self.attribute = attribute }
    func run(_ data: Data) -> [String] { _ = parse(data); return found }
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if Self.local(name) == element, let v = attributes[attribute] ?? attributes.first(where: { $0.key.hasSuffix(":id") })?.value { found.append(v) }
    }
    static func local(_ name: String) -> String { name.split(separator: ":").last.map(String.init) ?? name }
}

final class Relationships: NSObject, Pass {
    var targets: [String: String] = [:]
    func run(_ data: Data) -> [String: String] { _ = parse(data); return targets }
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if Collect.local(name) == "Relationship", let id = attributes["Id"], let target = attributes["Target"] { targets[id] = target }
    }
}

/// The shared strings: each `si`, its `t` runs joined (rich text has several), phonetic runs (`rPh`) left out.
final class SharedStrings: NSObject, Pass {
    var out: [String] = [], current = "", inText = false, inPhonetic = false
    func run(_ data: Data) -> [String] { _ = parse(data); return out }
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch Collect.local(name) {
        case "si": current = ""
        case "t": inText = true
        case "rPh": inPhonetic = true
        default: break
        }
    }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch Collect.local(name) {
        case "si": out.append(current)
        case "t": inText = false
        case "rPh": inPhonetic = false
        default: break
        }
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { if inText && !inPhonetic { current += string } }
}

/// The sheet's cells, placed by their reference (a row or cell left out is empty).
final class Cells: NSObject, Pass {
    let strings: [String]
    var rows: [[String]] = [], row: [String] = [], rowNumber = 0
    var kind = "", column = 0, value = "", inValue = false, failed = false
    init(strings: [String]) { self.strings = strings }

    func run(_ data: Data) throws -> [[String]] {
        guard parse(data), !failed else { throw Message.notAWorkbook }
        while rows.last?.allSatisfy(\.isEmpty) == true { rows.removeLast() }
        return rows
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch Collect.local(name) {
        case "row":
            let r = attributes["r"].flatMap(Int.init) ?? rowNumber + 1
            while rows.count < r - 1 { rows.append([]) }
            rowNumber = r; row = []
        case "c":
            kind = attributes["t"] ?? "n"; value = ""
            column = attributes["r"].map(Self.columnIndex) ?? row.count
        case "v", "t": inValue = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch Collect.local(name) {
        case "v", "t": inValue = false
        case "c":
            var text = value
            switch kind {
            case "s":
                guard let i = Int(value), strings.indices.contains(i) else { failed = true; return }
                text = strings[i]
            case "b": text = value == "1" ? "TRUE" : "FALSE"
            case "n": text = Self.number(value)
            default: break
            }
            while row.count < column { row.append("") }
            if row.count == column { row.append(text) } else if column < row.count { row[column] = text }
        case "row": rows.append(row)
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { if inValue { value += string } }

    /// A whole number written as 4.30481001001E+11 by some programs reads back as its digits.
    static func number(_ s: String) -> String {
        guard s.contains("E") || s.contains("e"), let d = Double(s), d == d.rounded(), abs(d) < 1e15 else { return s }
        return String(Int64(d))
    }

    /// "AB12" → 27.
    static func columnIndex(_ ref: String) -> Int {
        var n = 0
        for u in ref.unicodeScalars {
            guard u.value >= 65 && u.value <= 90 else { break }
            n = n * 26 + Int(u.value - 64)
        }
        return max(0, n - 1)
    }
}
