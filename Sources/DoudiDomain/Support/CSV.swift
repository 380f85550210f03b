/// A byte-level reader for the register's CSV files: UTF-8 (`TextEncoding` converts others first),
/// comma-separated, one header row.
///
/// Fields may be quoted ("a,b", doubled quotes inside) since spreadsheets write them that way; a
/// quoted field may not span lines. Works on bytes and slices, so a million rows cost no String per field.
public struct CSVTable: Sendable {
    public private(set) var header: [String]
    public let bytes: [UInt8]

    public enum Problem: Error, Equatable, Sendable {
        case empty
        case notUTF8(line: Int)
        case duplicateColumn(String)
        case missingColumns([String])
    }

    public init(bytes input: [UInt8]) throws(Problem) {
        var b = input
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { b.removeFirst(3) } // spreadsheet BOM
        self.bytes = b
        guard let end = b.firstIndex(of: 10) ?? (b.isEmpty ? nil : b.endIndex) else { throw .empty }
        var headerLine = b[0..<end]
        if headerLine.last == 13 { headerLine = headerLine.dropLast() }
        guard String(validating: headerLine, as: UTF8.self) != nil else { throw .notUTF8(line: 1) }
        let names = Self.split(headerLine).map { String(decoding: $0, as: UTF8.self).trimmingSpaces() }
        var seen = Set<String>()
        for n in names where !seen.insert(n).inserted { throw .duplicateColumn(n) }
        self.header = names
    }

    public func column(_ name: String) -> Int? { header.firstIndex(of: name) }

    /// The same table with columns renamed (a Chinese header to its code name); two columns that come to one
    /// name are refused.
    public func renaming(_ names: [String: String]) throws(Problem) -> CSVTable {
        var t = self
        t.header = header.map { names[$0] ?? $0 }
        var seen = Set<String>()
        for n in t.header where !seen.insert(n).inserted { throw .duplicateColumn(n) }
        return t
    }

    public func requireColumns(_ names: [String]) throws(Problem) {
        let missing = names.filter { column($0) == nil }
        if !missing.isEmpty { throw .missingColumns(missing) }
    }

    /// A run of whole lines of the data, and the line number of its first line.
    public struct Part: Sendable {
        public var start: Int
        public var end: Int
        public var firstLine: Int
    }

    /// The data rows cut into at most `count` parts of whole lines, for reading on several cores.
    public func parts(_ count: Int) -> [Part] {
        let dataStart = bytes.firstIndex(of: 10).map { $0 + 1 } ?? bytes.endIndex
        let size = max(1, (bytes.endIndex - dataStart) / max(1, count))
        var out: [Part] = []
        var start = dataStart
        var line = 2
        while start < bytes.endIndex {
            var end = out.count == count - 1 ? bytes.endIndex : min(start + size, bytes.endIndex)
            if end < bytes.endIndex { end = (bytes[end...].firstIndex(of: 10) ?? bytes.endIndex - 1) + 1 }
            out.append(Part(start: start, end: end, firstLine: line))
            line += bytes[start..<end].reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
            start = end
        }
        return out
    }

    /// Calls `body` with each data row's line number (the header is line 1) and its fields.
    /// Blank lines are skipped.
    public func forEachRow(_ body: (Int, [ArraySlice<UInt8>]) throws -> Void) rethrows {
        let start = bytes.firstIndex(of: 10).map { $0 + 1 } ?? bytes.endIndex
        try forEachRow(in: Part(start: start, end: bytes.endIndex, firstLine: 2), body)
    }

    public func forEachRow(in part: Part, _ body: (Int, [ArraySlice<UInt8>]) throws -> Void) rethrows {
        var line = part.firstLine - 1
        var i = part.start
        var fields: [ArraySlice<UInt8>] = []
        fields.reserveCapacity(header.count + 2)
        while i < part.end {
            line += 1
            let end = bytes[i..<part.end].firstIndex(of: 10) ?? part.end
            var row = bytes[i..<end]
            if row.last == 13 { row = row.dropLast() }
            i = end + 1
            if row.isEmpty { continue }
            fields.removeAll(keepingCapacity: true)
            Self.split(row, into: &fields)
            try body(line, fields)
        }
    }

    static func split(_ row: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        split(row, into: &out)
        return out
    }

    static func split(_ row: ArraySlice<UInt8>, into out: inout [ArraySlice<UInt8>]) {
        var start = row.startIndex
        var i = row.startIndex
        if !row.contains(34) {
            while i < row.endIndex {
                if row[i] == 44 { out.append(row[start..<i]); start = i + 1 }
                i += 1
            }
            out.append(row[start..<row.endIndex])
            return
        }
        // Slow path for quoted fields: unescape into fresh arrays.
        var field: [UInt8] = []
        var quoted = false
        while i < row.endIndex {
            let c = row[i]
            if quoted {
                if c == 34 {
                    if i + 1 < row.endIndex && row[i + 1] == 34 { field.append(34); i += 1 } else { quoted = false }
                } else { field.append(c) }
            } else if c == 34 {
                quoted = true
            } else if c == 44 {
                out.append(field[...]); field = []
            } else { field.append(c) }
            i += 1
        }
        out.append(field[...])
    }
}

extension StringProtocol where SubSequence == Substring {
    /// Without the spaces and tabs around it (Foundation's `trimmingCharacters` costs microseconds a call).
    public func trimmingSpaces() -> String {
        var s = self[...]
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }
}

extension ArraySlice where Element == UInt8 {
    /// The field as text, or nil when it is not valid UTF-8.
    public var utf8String: String? { String(validating: self, as: UTF8.self) }
}
