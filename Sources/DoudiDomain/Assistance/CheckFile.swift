import Foundation

/// A department's answer file for the economic-status checks (CSV, or a workbook read as one): every row
/// checked, the file read on all cores, a line-numbered report of what is wrong. Only the rows of people whose
/// applications are being checked are kept: the rest of a department's file is nobody's business here.
public enum CheckFile {
    public static let columns: [ImportTemplate.Column] = [
        .init(code: "resident_id", chinese: "身份证号码", required: true, example: "430481198001010013"),
        .init(code: "source", chinese: "核对类别", required: true, example: "银行存款"),
        .init(code: "value", chinese: "数值", required: true, example: "8600"),
        .init(code: "as_of", chinese: "核对日期", required: true, example: "2020-03-02"),
        .init(code: "item", chinese: "项目说明", required: false, example: "活期存款"),
    ]
    public static let required = columns.filter(\.required).map(\.code)
    /// A value above this is a typing error, not a fortune (一万亿).
    public static let largestValue = 1_000_000_000_000
    /// The report keeps this many rejections and counts the rest.
    public static let reportedRejections = 1000

    public struct Row: Sendable, Hashable {
        public var line: Int
        /// `ResidentID.key` of the person the row is about.
        public var person: UInt64
        public var source: CheckSource
        public var item: String
        public var value: Int
        public var asOf: CivilDate
    }

    public struct Rejection: Error, Sendable, Hashable {
        public var line: Int
        public var field: String
        public var message: Message
    }

    public struct Reading: Sendable {
        public var rows = 0
        public var matched: [Row] = []
        /// The first `reportedRejections`, in file order.
        public var rejections: [Rejection] = []
        public var rejected = 0
    }

    /// `wanted`: whether a person (by `ResidentID.key`) is covered by an application being checked.
    public static func read(_ table: CSVTable, today: CivilDate, parts: Int = ProcessInfo.processInfo.activeProcessorCount,
                            wanted: @escaping @Sendable (UInt64) -> Bool) -> Reading {
        guard let c = Columns(table) else { return Reading() }
        let pieces = table.parts(max(1, parts))
        let out = Slots<Reading>(count: pieces.count, initial: Reading())
        DispatchQueue.concurrentPerform(iterations: pieces.count) { w in
            var r = Reading()
            table.bytes.withUnsafeBufferPointer { b in
                var at = [Int](repeating: 0, count: c.width + 1)
                lines(b, pieces[w]) { line, start, end in
                    r.rows += 1
                    // A plain row that passes is taken straight from the bytes; anything else goes the long way,
                    // which names the field and the reason.
                    if let row = fast(b, start, end, line, c, &at, today: today) {
                        if wanted(row.person) { r.matched.append(row.finished(b)) }
                        return
                    }
                    switch parse(line, CSVTable.split(table.bytes[start..<end]), c, today: today) {
                    case .success(let row): if wanted(row.person) { r.matched.append(row) }
                    case .failure(let p):
                        r.rejected += 1
                        if r.rejections.count < reportedRejections { r.rejections.append(p) }
                    }
                }
            }
            out[w] = r
        }
        var all = Reading()
        for w in pieces.indices {
            let r = out[w]
            all.rows += r.rows; all.rejected += r.rejected; all.matched += r.matched
            all.rejections += r.rejections.prefix(reportedRejections - all.rejections.count)
        }
        return all
    }

    struct Columns: Sendable {
        var width, residentID, source, value, asOf: Int
        var item: Int?
        init?(_ t: CSVTable) {
            guard let r = t.column("resident_id"), let s = t.column("source"), let v = t.column("value"), let d = t.column("as_of") else { return nil }
            width = t.header.count; residentID = r; source = s; value = v; asOf = d; item = t.column("item")
        }
    }

    /// Each source's names as bytes (code name and Chinese), so a row costs no String to classify.
    static let sourceNames: [([UInt8], CheckSource)] = CheckSource.allCases.flatMap { [(Array($0.rawValue.utf8), $0), (Array($0.chinese.utf8), $0)] }

    /// Each non-blank line of a part: its number and its bytes, without the line break.
    static func lines(_ b: UnsafeBufferPointer<UInt8>, _ part: CSVTable.Part, _ body: (Int, Int, Int) -> Void) {
        var line = part.firstLine - 1, i = part.start
        while i < part.end {
            line += 1
            var end = part.end
            if let base = b.baseAddress, let p = memchr(base + i, 10, part.end - i) { end = base.distance(to: p.assumingMemoryBound(to: UInt8.self)) }
            let next = end + 1
            if end > i && b[end - 1] == 13 { end -= 1 }
            if end > i { body(line, i, end) }
            i = next
        }
    }

    /// A row read where it lies, its item still as bytes.
    struct Raw {
        var line: Int, person: UInt64, source: CheckSource, value: Int, asOf: CivilDate, item: Range<Int>
        func finished(_ b: UnsafeBufferPointer<UInt8>) -> Row {
            Row(line: line, person: person, source: source, item: String(decoding: UnsafeBufferPointer(rebasing: b[item]), as: UTF8.self), value: value, asOf: asOf)
        }
    }

    /// The row when every field is plainly right (no quotes, the digits and days as they should be); nil sends
    /// it to `parse`, which decides the same way and says why.
    @inline(__always)
    static func fast(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ line: Int, _ c: Columns, _ at: inout [Int], today: CivilDate) -> Raw? {
        var n = 0, i = start
        at[0] = start
        while i < end {
            let x = b[i]
            if x == 34 { return nil }
            if x == 44 { n += 1; if n >= c.width { return nil }; at[n] = i + 1 }
            i += 1
        }
        guard n == c.width - 1 else { return nil }
        func field(_ k: Int) -> Range<Int> { at[k]..<(k + 1 < c.width ? at[k + 1] - 1 : end) }
        guard let person = ResidentID.plainKey(b, field(c.residentID), today: today) else { return nil }
        let s = field(c.source)
        guard let source = SourceNames.find(b, s) else { return nil }
        let v = field(c.value)
        guard v.count >= 1, v.count <= 13 else { return nil }
        var value = 0
        for k in v { let d = b[k] &- 48; guard d <= 9 else { return nil }; value = value * 10 + Int(d) }
        guard value <= largestValue, let asOf = CivilDate.plain(b, field(c.asOf)), asOf <= today else { return nil }
        var item = 0..<0
        if let k = c.item {
            item = field(k)
            var it = UnsafeBufferPointer(rebasing: b[item]).makeIterator()
            var utf8 = UTF8(), scalars = 0
            decoding: while true {
                switch utf8.decode(&it) {
                case .scalarValue: scalars += 1
                case .emptyInput: break decoding
                case .error: return nil
                }
            }
            guard scalars <= 40 else { return nil }
        }
        return Raw(line: line, person: person, source: source, value: value, asOf: asOf, item: item)
    }

    /// The sources' names laid end to end once, so that naming a row's source copies and counts nothing.
    enum SourceNames {
        struct Entry { var offset: Int; var count: Int; var source: CheckSource }
        nonisolated(unsafe) static let blob: UnsafeBufferPointer<UInt8> = {
            let all = sourceNames.flatMap(\.0)
            let p = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: all.count)
            _ = p.initialize(from: all)
            return UnsafeBufferPointer(p)
        }()
        static let entries: [Entry] = {
            var offset = 0
            return sourceNames.map { name, source in defer { offset += name.count }; return Entry(offset: offset, count: name.count, source: source) }
        }()

        @inline(__always) static func find(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> CheckSource? {
            for e in entries where e.count == r.count && memcmp(blob.baseAddress! + e.offset, b.baseAddress! + r.lowerBound, r.count) == 0 { return e.source }
            return nil
        }
    }

    static func parse(_ line: Int, _ f: [ArraySlice<UInt8>], _ c: Columns, today: CivilDate) -> Result<Row, Rejection> {
        func no(_ field: String, _ m: Message) -> Result<Row, Rejection> { .failure(Rejection(line: line, field: field, message: m)) }
        guard f.count == c.width else { let p = RegisterImport.fieldCountProblem(f.count, c.width); return no(p.field, p.message) }
        let person: ResidentID
        do throws(ResidentID.Problem) { person = try ResidentID(bytes: f[c.residentID], today: today) } catch { return no("resident_id", error.message) }
        guard let source = sourceNames.first(where: { $0.0.elementsEqual(f[c.source]) })?.1 else {
            let text = String(decoding: f[c.source], as: UTF8.self)
            let p = text.isEmpty ? RegisterImport.emptyProblem("source") : CheckSource.problem(field: "source", text: text)
            return no(p.field, p.message)
        }
        var problems: [FieldProblem] = []
        guard let value = RegisterImport.wholeNumber(f[c.value], "value", &problems) else { return no(problems[0].field, problems[0].message) }
        guard value <= largestValue else { return no("value", Message("数值过大（超过一万亿）", "the value is too large (over a trillion)")) }
        guard let asOf = CivilDate(String(decoding: f[c.asOf], as: UTF8.self)) else { return no("as_of", .realDay) }
        guard asOf <= today else { return no("as_of", Message("核对日期不能晚于今天", "the date of the answer cannot be after today")) }
        var item = ""
        if let i = c.item, !f[i].isEmpty {
            guard let s = RegisterImport.text(f[i], "item", &problems) else { return no(problems[0].field, problems[0].message) }
            guard s.unicodeScalars.count <= 40 else { return no("item", Message("项目说明不超过40字", "the item is at most 40 characters")) }
            item = s
        }
        return .success(Row(line: line, person: person.key, source: source, item: item, value: value, asOf: asOf))
    }
}
