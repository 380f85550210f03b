#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPrefetch
import Dispatch
import DoudiDomain

/// A file mapped into memory, read as bytes: no copy, no String per field.
final class MappedFile: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>
    private let length: Int

    init?(path: String) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        length = Int(st.st_size)
        if length == 0 {
            bytes = UnsafeBufferPointer(start: nil, count: 0)
            return
        }
        guard let p = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else { return nil }
        bytes = UnsafeBufferPointer(start: p.assumingMemoryBound(to: UInt8.self), count: length)
    }

    /// For tests and in-memory input.
    init(copying data: [UInt8]) {
        let p = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, data.count))
        _ = p.initialize(from: data)
        bytes = UnsafeBufferPointer(start: p.baseAddress, count: data.count)
        length = -1
    }

    /// Gives back the pages of `range` once read: they stay readable (the kernel reads them again if
    /// asked), but no longer count against the run's memory.
    func release(_ range: Range<Int>) {
        guard length > 0, let base = bytes.baseAddress, !range.isEmpty else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (range.lowerBound / page) * page
        let end = range.upperBound == length ? length : (range.upperBound / page) * page
        guard end > start else { return }
        madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
    }

    deinit {
        if length > 0 { munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), length) }
        else if length < 0 { UnsafeMutableBufferPointer(mutating: bytes).deallocate() }
    }
}

/// A field: a range of bytes in a mapped file.
struct Field {
    var start: Int
    var end: Int
    var isEmpty: Bool { start == end }
    var count: Int { end - start }
}

extension UnsafeBufferPointer<UInt8> {
    /// Index of the next `byte` at or after `from`, or `count`.
    @inline(__always) func next(_ byte: UInt8, from: Int) -> Int {
        guard from < count, let base = baseAddress else { return count }
        if let p = memchr(base + from, Int32(byte), count - from) {
            return base.distance(to: p.assumingMemoryBound(to: UInt8.self))
        }
        return count
    }

    func string(_ f: Field) -> String { String(decoding: UnsafeBufferPointer(rebasing: self[f.start..<f.end]), as: UTF8.self) }

    func equals(_ f: Field, _ s: StaticString) -> Bool {
        guard f.count == s.utf8CodeUnitCount else { return false }
        let p = s.utf8Start
        for i in 0..<f.count where self[f.start + i] != p[i] { return false }
        return true
    }

    /// `[0-9]{1,15}` only.
    @inline(__always) func wholeNumber(_ f: Field) -> Int64? {
        guard f.count >= 1, f.count <= 15 else { return nil }
        var v: Int64 = 0
        for i in f.start..<f.end {
            let d = self[i] &- 48
            guard d <= 9 else { return nil }
            v = v * 10 + Int64(d)
        }
        return v
    }

    /// Exactly `YYYY-MM-DD`, a real day; days since 1970-01-01.
    @inline(__always) func date(_ f: Field) -> Int32? {
        guard f.count == 10, self[f.start + 4] == 45, self[f.start + 7] == 45 else { return nil }
        @inline(__always) func d(_ i: Int) -> Int? { let x = Int(self[f.start + i]) - 48; return x >= 0 && x <= 9 ? x : nil }
        guard let y0 = d(0), let y1 = d(1), let y2 = d(2), let y3 = d(3), let m0 = d(5), let m1 = d(6), let d0 = d(8), let d1 = d(9) else { return nil }
        guard let c = CivilDateDays.days(year: y0 * 1000 + y1 * 100 + y2 * 10 + y3, month: m0 * 10 + m1, day: d0 * 10 + d1) else { return nil }
        return Int32(c)
    }

    /// A resident ID packed into 64 bits: 17 digits times 11 plus the check value (X = 10); nil for any other shape.
    @inline(__always) func residentKey(_ f: Field) -> UInt64? {
        guard f.count == 18 else { return nil }
        var v: UInt64 = 0
        for i in f.start..<(f.start + 17) {
            let d = self[i] &- 48
            guard d <= 9 else { return nil }
            v = v &* 10 &+ UInt64(d)
        }
        let last = self[f.start + 17]
        let c: UInt64
        if last == 88 || last == 120 { c = 10 } else if last >= 48 && last <= 57 { c = UInt64(last - 48) } else { return nil }
        return v &* 11 &+ c
    }

    /// FNV-1a over a field, for the household-id table.
    @inline(__always) func hash(_ f: Field) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in f.start..<f.end { h = (h ^ UInt64(self[i])) &* 0x0000_0100_0000_01B3 }
        return h
    }

    func same(_ a: Field, _ b: Field) -> Bool {
        guard a.count == b.count, let base = baseAddress else { return false }
        return memcmp(base + a.start, base + b.start, a.count) == 0
    }
}

enum CivilDateDays {
    /// Days since the epoch for a real date, else nil (no allocation).
    @inline(__always) static func days(year: Int, month: Int, day: Int) -> Int? {
        guard month >= 1, month <= 12, day >= 1, year >= 1 else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let dim = month == 2 ? (leap ? 29 : 28) : ((month == 4 || month == 6 || month == 9 || month == 11) ? 30 : 31)
        guard day <= dim else { return nil }
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

/// Resident keys (packed IDs) to what the feeds need of each person, in 256 partitions by the high bits of
/// the key's hash, built on every core: one big table filled in file order missed the cache on nearly every
/// insert. All partitions live in one allocation on huge pages where the system allows, so that a lookup
/// anywhere in the 100-odd MB does not also miss the TLB.
final class PartitionedKeyIndex: @unchecked Sendable {
    static let bits = 8
    static let count = 1 << bits

    /// Open addressing; key 0 is empty (keys are stored plus one). `aux` sits where padding would.
    struct Slot { var key: UInt64; var value: Int32; var aux: Int32 }

    private let slots: UnsafeMutablePointer<Slot>
    private let length: Int
    private let starts: [Int]
    private let masks: [Int]

    @inline(__always) static func mix(_ k: UInt64) -> Int {
        var x = k &+ 1
        x = (x ^ (x >> 33)) &* 0xff51_afd7_ed55_8ccd
        x = (x ^ (x >> 33)) &* 0xc4ce_b9fe_1a85_ec53
        return Int(truncatingIfNeeded: x ^ (x >> 33))
    }

    @inline(__always) static func partition(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: UInt64(bitPattern: Int64(mix(key))) >> UInt64(64 - bits))
    }

    private init(sizes: [Int]) {
        var starts: [Int] = [], masks: [Int] = [], total = 0
        for n in sizes {
            var size = 16
            while size < n * 2 { size <<= 1 }
            starts.append(total); masks.append(size - 1); total += size
        }
        self.starts = starts; self.masks = masks
        let bytes = max(total, 1) * MemoryLayout<Slot>.stride
        // Fresh anonymous pages are zero (empty slots) and are asked for as huge pages before first touch.
        guard let raw = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), raw != MAP_FAILED else {
            fatalError("out of memory for \(bytes) bytes")
        }
        #if os(Linux)
        _ = madvise(raw, bytes, MADV_HUGEPAGE)
        #endif
        length = bytes
        slots = raw.bindMemory(to: Slot.self, capacity: max(total, 1))
    }

    deinit { munmap(slots, length) }

    /// Inserts into partition `p` (one writer per partition), or returns the value already there for the key.
    @inline(__always) private func insert(_ p: Int, _ key: UInt64, _ value: Int32, aux: Int32) -> Int32? {
        let base = slots + starts[p], mask = masks[p], k = key &+ 1
        var i = Self.mix(key) & mask
        while true {
            if base[i].key == 0 { base[i] = Slot(key: k, value: value, aux: aux); return nil }
            if base[i].key == k { return base[i].value }
            i = (i + 1) & mask
        }
    }

    /// The `aux` stored with the key, or nil when the key is absent.
    @inline(__always) func find(_ key: UInt64) -> Int32? {
        let p = Self.partition(key)
        let base = slots + starts[p], mask = masks[p], k = key &+ 1
        var i = Self.mix(key) & mask
        while true {
            let slot = base[i]
            if slot.key == k { return slot.aux }
            if slot.key == 0 { return nil }
            i = (i + 1) & mask
        }
    }

    /// Starts loading the key's first slot, so that a `find` a little later does not wait for memory.
    @inline(__always) func prefetch(_ key: UInt64) {
        let p = Self.partition(key)
        doudi_prefetch(slots + starts[p] + (Self.mix(key) & masks[p]))
    }

    /// Builds the index of keys given chunk by chunk in file order, each with its `aux` (what `find` gives
    /// back). Also returns the first repeat in file order: (position of the first, position of the repeat).
    static func build(chunks: [[UInt64]], aux: [[Int32]]) -> (PartitionedKeyIndex, (first: Int32, repeat: Int32)?) {
        let n = chunks.reduce(0) { $0 + $1.count }
        var starts: [Int] = []
        var running = 0
        for c in chunks { starts.append(running); running += c.count }
        let chunkStart = starts
        // Count per chunk and partition, on every core.
        let counts = Slots<[Int]>(count: chunks.count, initial: [])
        DispatchQueue.concurrentPerform(iterations: chunks.count) { w in
            var c = [Int](repeating: 0, count: count)
            for k in chunks[w] { c[partition(k)] += 1 }
            counts[w] = c
        }
        // Where each chunk writes in each partition: partitions one after the other, chunks in file order inside.
        var bounds = [Int](repeating: 0, count: count + 1)
        for p in 0..<count { bounds[p + 1] = bounds[p] + (0..<chunks.count).reduce(0) { $0 + counts[$1][p] } }
        let partStart = bounds
        let cursors = Slots<[Int]>(count: chunks.count, initial: [])
        var next = Array(partStart[0..<count])
        for w in 0..<chunks.count {
            cursors[w] = next
            for p in 0..<count { next[p] += counts[w][p] }
        }
        let keys = Slots<UInt64>(count: max(n, 1), initial: 0), positions = Slots<Int32>(count: max(n, 1), initial: 0)
        let auxes = Slots<Int32>(count: max(n, 1), initial: 0)
        DispatchQueue.concurrentPerform(iterations: chunks.count) { w in
            var cursor = cursors[w]
            let base = chunkStart[w]
            cursor.withUnsafeMutableBufferPointer { at in
                chunks[w].withUnsafeBufferPointer { ks in
                    aux[w].withUnsafeBufferPointer { xs in
                        for i in 0..<ks.count {
                            let p = partition(ks[i])
                            keys[at[p]] = ks[i]
                            positions[at[p]] = Int32(base + i)
                            auxes[at[p]] = xs[i]
                            at[p] += 1
                        }
                    }
                }
            }
        }
        // Each partition's table, in file order inside it, so a repeat names the first occurrence.
        let index = PartitionedKeyIndex(sizes: (0..<count).map { partStart[$0 + 1] - partStart[$0] })
        let repeats = Slots<(Int32, Int32)?>(count: count, initial: nil)
        DispatchQueue.concurrentPerform(iterations: count) { p in
            for j in partStart[p]..<partStart[p + 1] {
                if let first = index.insert(p, keys[j], positions[j], aux: auxes[j]) { repeats[p] = (first, positions[j]); break }
            }
        }
        let firstRepeat = (0..<count).compactMap { repeats[$0] }.min { $0.1 < $1.1 }
        return (index, firstRepeat.map { (first: $0.0, repeat: $0.1) })
    }
}
