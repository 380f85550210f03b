import DoudiDomain
import Dispatch
import Foundation

/// The pieces the engine reads and adds up with: column layouts, rows split at commas, lines of a part,
/// the households table and the totals.
extension Screening {
    /// Column positions of one file, from its header; extra columns are ignored, order is free.
    struct Layout {
        var positions: [Int]  // position in the row of each spec column, in the spec's order
        var width: Int  // fields per row
        var dataStart: Int  // byte offset of line 2
    }

    static func layout(_ b: UnsafeBufferPointer<UInt8>, _ file: File) throws(InputError) -> Layout {
        let end = b.next(10, from: 0)
        var lineEnd = end
        if lineEnd > 0 && b[lineEnd - 1] == 13 { lineEnd -= 1 }
        var names: [String] = []
        var s = 0
        if b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { s = 3 }
        var i = s
        while i <= lineEnd {
            if i == lineEnd || b[i] == 44 { names.append(b.string(Field(start: s, end: i))); s = i + 1 }
            i += 1
        }
        var positions: [Int] = []
        for c in file.columns {
            guard let p = names.firstIndex(of: c) else {
                throw InputError(message: Message("\(file.rawValue).csv 缺少列 \(c)", "\(file.rawValue).csv has no column \(c)"))
            }
            positions.append(p)
        }
        return Layout(positions: positions, width: names.count, dataStart: min(end + 1, b.count))
    }

    /// Splits one line into its fields' ranges; false when the count differs from the header's.
    @inline(__always)
    static func split(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ width: Int, into fields: inout [Field]) -> Bool {
        fields.removeAll(keepingCapacity: true)
        var s = start
        var i = start
        while i < end {
            if b[i] == 44 {
                fields.append(Field(start: s, end: i))
                if fields.count >= width { return false }
                s = i + 1
            }
            i += 1
        }
        fields.append(Field(start: s, end: end))
        return fields.count == width
    }

    /// Calls `body(lineNumber, lineStart, lineEnd)` for each non-blank line of `range` (CR stripped).
    @inline(__always)
    static func lines(_ b: UnsafeBufferPointer<UInt8>, from: Int, to: Int, firstLine: Int, _ body: (Int, Int, Int) -> Void) {
        var pos = from
        var line = firstLine
        while pos < to {
            let nl = min(b.next(10, from: pos), to)
            var e = nl
            if e > pos && b[e - 1] == 13 { e -= 1 }
            if e > pos { body(line, pos, e) }
            line += 1
            pos = nl + 1
        }
    }

    struct Households {
        var ids: [Field] = []
        var regions: [Field] = []
        var status: [UInt8] = []  // 0 none, 1 exited, 2 notExited
        var income: [Int64] = []
        var lines: [Int] = []
        /// Open addressing: 0 is empty, else the id hash's high 32 bits above the household's index + 1, so
        /// that another id in the way is passed over without reading its bytes.
        var table: [UInt64] = []
        var mask = 0

        mutating func prepare(_ n: Int) {
            var size = 16
            while size < n * 2 { size <<= 1 }
            table = Array(repeating: 0, count: size)
            mask = size - 1
        }

        /// The household whose id is the field `f` of another file's bytes, read-only (safe on every core).
        @inline(__always)
        func find(_ hb: UnsafeBufferPointer<UInt8>, in mb: UnsafeBufferPointer<UInt8>, _ f: Field) -> Int32? {
            let h = mb.hash(f)
            var i = Int(truncatingIfNeeded: h) & mask
            return table.withUnsafeBufferPointer { t in
                while true {
                    let v = t[i]
                    if v == 0 { return nil }
                    if v >> 32 == h >> 32 {
                        let index = Int32(truncatingIfNeeded: v & 0xFFFF_FFFF) - 1
                        let id = ids[Int(index)]
                        if id.count == f.count, memcmp(hb.baseAddress! + id.start, mb.baseAddress! + f.start, f.count) == 0 { return index }
                    }
                    i = (i + 1) & mask
                }
            }
        }

        /// Inserts household `index` under its id `f` (hash `h`), or returns the index already there for that id.
        @inline(__always)
        mutating func insert(_ b: UnsafeBufferPointer<UInt8>, _ f: Field, hash h: UInt64, index: Int32) -> Int32? {
            var i = Int(truncatingIfNeeded: h) & mask
            let ids = self.ids
            return table.withUnsafeMutableBufferPointer { t in
                while true {
                    let v = t[i]
                    if v == 0 { t[i] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(UInt32(bitPattern: index) &+ 1); return nil }
                    if v >> 32 == h >> 32 {
                        let other = Int32(truncatingIfNeeded: v & 0xFFFF_FFFF) - 1
                        if b.same(ids[Int(other)], f) { return other }
                    }
                    i = (i + 1) & mask
                }
            }
        }
    }

    /// What one worker adds up from the feeds.
    struct Totals {
        var oop: [Int64]
        var loss: [Int64]
        var signals: [UInt8]
        var unmatched: [File: Int] = [:]
        var rejected: [(File, Int)] = []
        init(households: Int) {
            oop = Array(repeating: 0, count: households)
            loss = Array(repeating: 0, count: households)
            signals = Array(repeating: 0, count: households)
        }
    }
}

extension ScreeningSignal {
    /// The signal's bit in a household's set of signals.
    var bit: UInt8 { 1 << UInt8(Self.allCases.firstIndex(of: self)!) }
}
