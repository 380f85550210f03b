import DoudiDomain
import Dispatch
import Foundation

extension Screening {
    /// Runs the screening over a folder holding the seven CSV files of the spec.
    public static func run(folder: String, parameters: Parameters, progress: @Sendable (String) -> Void = { _ in }) throws(InputError) -> Result {
        var files: [File: MappedFile] = [:]
        for f in File.allCases {
            let path = folder + "/" + f.rawValue + ".csv"
            guard let m = MappedFile(path: path) else {
                throw InputError(message: Message("无法读取 \(path)", "cannot read \(path)"))
            }
            files[f] = m
        }
        return try run(files: files, parameters: parameters, progress: progress)
    }

    /// Runs the screening over a register given as the two CSV files' bytes, with the feeds of a folder.
    public static func run(households: [UInt8], members: [UInt8], feedsFolder: String, parameters: Parameters,
                           progress: @Sendable (String) -> Void = { _ in }) throws(InputError) -> Result {
        var files: [File: MappedFile] = [.households: MappedFile(copying: households), .members: MappedFile(copying: members)]
        for f in File.feeds {
            let path = feedsFolder + "/" + f.rawValue + ".csv"
            guard let m = MappedFile(path: path) else { throw InputError(message: Message("无法读取 \(path)", "cannot read \(path)")) }
            files[f] = m
        }
        return try run(files: files, parameters: parameters, progress: progress)
    }

    /// Runs the screening over in-memory files (tests).
    public static func run(contents: [File: [UInt8]], parameters: Parameters) throws(InputError) -> Result {
        var files: [File: MappedFile] = [:]
        for f in File.allCases { files[f] = MappedFile(copying: contents[f] ?? Array(f.columns.joined(separator: ",").utf8) + [10]) }
        return try run(files: files, parameters: parameters, progress: { _ in })
    }

    static func run(files: [File: MappedFile], parameters p: Parameters, progress: @Sendable (String) -> Void) throws(InputError) -> Result {
        var result = Result(parameters: p)
        var rejected: [File: [Int]] = [:]
        for f in File.allCases { rejected[f] = [] }
        var fields: [Field] = []
        fields.reserveCapacity(16)

        // Households
        progress("households")
        let hb = files[.households]!.bytes
        let hl = try layout(hb, .households)
        var hh = Households()
        var duplicate: (Int, Int, String)?
        // Rows are read on every core; the id table is filled in file order, so a repeated id names its first line.
        let hparts = splitAtLines(hb, from: hl.dataStart, parts: max(1, min(System.cores, 8)))
        let hFirstLines = firstLines(files[.households]!, hparts)
        let hchunks = Slots<HouseholdChunk?>(count: hparts.count, initial: nil)
        let hfile0 = files[.households]!
        DispatchQueue.concurrentPerform(iterations: hparts.count) { w in
            let hb = hfile0.bytes
            var c = HouseholdChunk()
            var fields: [Field] = []
            fields.reserveCapacity(16)
            lines(hb, from: hparts[w].0, to: hparts[w].1, firstLine: hFirstLines[w]) { line, s, e in
                c.read += 1
                guard split(hb, s, e, hl.width, into: &fields) else { c.rejected.append(line); return }
                let id = fields[hl.positions[0]], region = fields[hl.positions[1]], st = fields[hl.positions[2]]
                let dibao = fields[hl.positions[3]], inc = fields[hl.positions[4]]
                let status: UInt8
                if hb.equals(st, "none") { status = 0 } else if hb.equals(st, "exited") { status = 1 } else if hb.equals(st, "notExited") { status = 2 } else {
                    c.rejected.append(line); return
                }
                guard !id.isEmpty, !region.isEmpty, dibao.count == 1, hb[dibao.start] == 48 || hb[dibao.start] == 49,
                      let income = hb.wholeNumber(inc) else { c.rejected.append(line); return }
                c.ids.append(id); c.regions.append(region); c.status.append(status); c.income.append(income); c.lines.append(line)
                c.hashes.append(hb.hash(id))
            }
            hchunks[w] = c
        }
        progress("household ids")
        var hashes: [UInt64] = []
        for w in 0..<hparts.count {
            let c = hchunks[w]!
            hchunks[w] = nil
            result.householdsRead += c.read
            rejected[.households]! += c.rejected
            hh.ids += c.ids; hh.regions += c.regions; hh.status += c.status; hh.income += c.income; hh.lines += c.lines
            hashes += c.hashes
        }
        hh.prepare(hh.ids.count)
        // In file order, so a repeated id names its first line.
        for i in 0..<hh.ids.count {
            if let other = hh.insert(hb, hh.ids[i], hash: hashes[i], index: Int32(i)) {
                duplicate = (hh.lines[Int(other)], hh.lines[i], hb.string(hh.ids[i])); break
            }
        }
        if let (a, b, id) = duplicate {
            throw InputError(message: Message("households.csv 第\(a)行和第\(b)行的 household_id 重复：\(id)", "households.csv lines \(a) and \(b) repeat household_id \(id)"))
        }
        let nh = hh.ids.count

        // Members
        progress("members")
        let mb = files[.members]!.bytes
        let ml = try layout(mb, .members)
        // Rows are read on every core (fields, keys, households); the people table is then filled in file
        // order, so a repeated resident_id is reported with its first line.
        let parts = splitAtLines(mb, from: ml.dataStart, parts: max(1, min(System.cores, 8)))
        let partFirstLines = firstLines(files[.members]!, parts)
        let chunks = Slots<MemberChunk?>(count: parts.count, initial: nil)
        let frozenHH = hh
        let mfile = files[.members]!, hfile = files[.households]!
        DispatchQueue.concurrentPerform(iterations: parts.count) { w in
            let mb = mfile.bytes, hb = hfile.bytes
            var c = MemberChunk()
            var fields: [Field] = []
            fields.reserveCapacity(16)
            var previous: (Field, Int32)?
            lines(mb, from: parts[w].0, to: parts[w].1, firstLine: partFirstLines[w]) { line, s, e in
                guard split(mb, s, e, ml.width, into: &fields) else { c.rejected.append(line); return }
                let rid = fields[ml.positions[0]], hid = fields[ml.positions[1]], rel = fields[ml.positions[2]], lab = fields[ml.positions[3]]
                guard !rid.isEmpty, !hid.isEmpty,
                      mb.equals(rel, "head") || mb.equals(rel, "spouse") || mb.equals(rel, "child") || mb.equals(rel, "parent") || mb.equals(rel, "other")
                else { c.rejected.append(line); return }
                let full = mb.equals(lab, "full")
                guard full || mb.equals(lab, "partial") || mb.equals(lab, "none") else { c.rejected.append(line); return }
                if let key = mb.residentKey(rid) { c.keys.append(key) } else { c.keys.append(0); c.odd.append((c.keys.count - 1, mb.string(rid))) }
                // Members of a household stand together in the file: reuse the previous row's lookup when the id repeats.
                let h: Int32
                if let (prevField, prevIndex) = previous, prevField.count == hid.count,
                   memcmp(mb.baseAddress! + prevField.start, mb.baseAddress! + hid.start, hid.count) == 0 {
                    h = prevIndex
                } else {
                    h = frozenHH.find(hb, in: mb, hid) ?? -1
                    previous = (hid, h)
                }
                c.households.append(h); c.full.append(full); c.lines.append(Int32(line))
            }
            chunks[w] = c
            mfile.release(parts[w].0..<parts[w].1)
        }
        progress("people")
        // The rows in file order; resident IDs other than 18 characters get keys of their own, in file order.
        var odd: [String: UInt64] = [:]
        var keyChunks: [[UInt64]] = [], auxChunks: [[Int32]] = []
        var memberHousehold: [Int32] = [], memberLines: [Int32] = []
        memberHousehold.reserveCapacity(mb.count / 40); memberLines.reserveCapacity(mb.count / 40)
        for w in 0..<parts.count {
            var c = chunks[w]!
            chunks[w] = nil
            rejected[.members]! += c.rejected
            for (i, text) in c.odd { c.keys[i] = oddKey(text, &odd) }
            keyChunks.append(c.keys)
            // What a feed row needs of its person: the household (-1: none) and whether a full labourer.
            auxChunks.append(zip(c.households, c.full).map { h, full in h >= 0 ? h << 1 | (full ? 1 : 0) : -1 })
            memberHousehold += c.households; memberLines += c.lines
        }
        let (people, repeated) = PartitionedKeyIndex.build(chunks: keyChunks, aux: auxChunks)
        if let (a, b) = repeated {
            var key: UInt64 = 0, position = Int(b)
            for c in keyChunks { if position < c.count { key = c[position]; break }; position -= c.count }
            let rid = odd.first { $0.value == key }?.key ?? Self.residentText(key)
            throw InputError(message: Message("members.csv 第\(memberLines[Int(a)])行和第\(memberLines[Int(b)])行的 resident_id 重复：\(Masking.residentID(rid))",
                                              "members.csv lines \(memberLines[Int(a)]) and \(memberLines[Int(b)]) repeat resident_id \(Masking.residentID(rid))"))
        }
        keyChunks = []; auxChunks = []
        var size = [Int32](repeating: 0, count: nh)
        for h in memberHousehold { if h >= 0 { size[Int(h)] += 1 } else { result.membersWithoutHousehold += 1 } }

        // Feeds, spread over the cores: each worker adds up its share into its own totals.
        progress("feeds")
        struct Task { var file: File; var from: Int; var to: Int; var chunk: Int }
        var taskList: [Task] = []
        var layoutOf: [File: Layout] = [:]
        for f in File.feeds {
            let b = files[f]!.bytes
            let l = try layout(b, f)
            layoutOf[f] = l
            let chunkSize = 8 << 20
            var start = l.dataStart
            var chunk = 0
            while start < b.count {
                var end = min(start + chunkSize, b.count)
                if end < b.count { end = min(b.next(10, from: end) + 1, b.count) }
                taskList.append(Task(file: f, from: start, to: end, chunk: chunk))
                chunk += 1
                start = end
            }
        }
        // Line numbers of each chunk's first line: newlines before it, counted in parallel.
        let workers = max(1, min(System.cores, 8))
        let newlineCounts = Slots<Int>(count: taskList.count, initial: 0)
        let filesCopy = files
        let tasks = taskList, layouts = layoutOf
        DispatchQueue.concurrentPerform(iterations: tasks.count) { i in
            let t = tasks[i]
            let b = filesCopy[t.file]!.bytes
            var n = 0
            var pos = t.from
            while pos < t.to { let nl = b.next(10, from: pos); if nl < t.to { n += 1 }; pos = nl + 1 }
            newlineCounts[i] = n
        }
        var lineStarts: [Int] = []
        var running: [File: Int] = [:]
        for (i, t) in tasks.enumerated() {
            let first = running[t.file] ?? 2
            lineStarts.append(first)
            running[t.file] = first + newlineCounts[i]
        }

        let totals = Slots<Totals?>(count: workers, initial: nil)
        let firstLines = lineStarts
        let frozenPeople = people, frozenOdd = odd
        let start = p.windowStart, end = p.windowEnd
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var t = Totals(households: nh)
            var fields: [Field] = []
            fields.reserveCapacity(16)
            // Rows are looked up sixteen at a time, their slots fetched first: the table is far larger than
            // the cache, and waiting for memory one row after another was most of this phase.
            var batch: [(key: UInt64, amount: Int64, inWindow: Bool)] = []
            batch.reserveCapacity(16)
            func flush(_ file: File) {
                for r in batch {
                    guard let person = frozenPeople.find(r.key) else { t.unmatched[file, default: 0] += 1; continue }
                    guard r.inWindow, person >= 0 else { continue }
                    let hi = Int(person >> 1), full = person & 1 == 1
                    switch file {
                    case .medical: t.oop[hi] &+= r.amount
                    case .disaster: t.loss[hi] &+= r.amount
                    case .unemployment: t.signals[hi] |= Signal.unemployment.bit
                    case .death: if full { t.signals[hi] |= Signal.death.bit }
                    case .disability: if r.amount <= 2 { t.signals[hi] |= Signal.disability.bit }
                    default: break
                    }
                }
                batch.removeAll(keepingCapacity: true)
            }
            var i = w
            while i < tasks.count {
                let task = tasks[i]
                let b = filesCopy[task.file]!.bytes
                let l = layouts[task.file]!
                lines(b, from: task.from, to: task.to, firstLine: firstLines[i]) { line, s, e in
                    guard split(b, s, e, l.width, into: &fields) else { t.rejected.append((task.file, line)); return }
                    let rid = fields[l.positions[0]]
                    guard !rid.isEmpty, let day = b.date(fields[l.positions[1]]) else { t.rejected.append((task.file, line)); return }
                    var amount: Int64 = 0
                    switch task.file {
                    case .medical:
                        guard b.wholeNumber(fields[l.positions[2]]) != nil, let oop = b.wholeNumber(fields[l.positions[3]]) else { t.rejected.append((task.file, line)); return }
                        amount = oop
                    case .disaster:
                        guard let loss = b.wholeNumber(fields[l.positions[2]]) else { t.rejected.append((task.file, line)); return }
                        amount = loss
                    case .disability:
                        guard let g = b.wholeNumber(fields[l.positions[2]]), g >= 1, g <= 4 else { t.rejected.append((task.file, line)); return }
                        amount = g
                    default: break
                    }
                    guard let key = b.residentKey(rid) ?? frozenOdd[b.string(rid)] else { t.unmatched[task.file, default: 0] += 1; return }
                    frozenPeople.prefetch(key)
                    batch.append((key, amount, day >= start && day <= end))
                    if batch.count == 16 { flush(task.file) }
                }
                flush(task.file)
                filesCopy[task.file]!.release(task.from..<task.to)
                i += workers
            }
            totals[w] = t
        }
        var all = Totals(households: 0)
        all.oop = totals[0]!.oop; all.loss = totals[0]!.loss; all.signals = totals[0]!.signals
        for w in 0..<workers {
            let t = totals[w]!
            if w > 0 {
                for i in 0..<nh { all.oop[i] &+= t.oop[i]; all.loss[i] &+= t.loss[i]; all.signals[i] |= t.signals[i] }
            }
            for (f, n) in t.unmatched { all.unmatched[f, default: 0] += n }
            for (f, line) in t.rejected { rejected[f]!.append(line) }
        }

        // Rules, per household
        progress("rules")
        var flagged: [(Int, Flagged)] = []
        for i in 0..<nh {
            let n = Int64(size[i])
            if n == 0 { result.householdsWithoutMembers += 1; continue }
            if hh.status[i] == 2 { continue }
            let ipc = hh.income[i], oop = all.oop[i], loss = all.loss[i]
            let income = ipc &* n
            var signals: [Signal] = []
            if oop > 0 && (oop >= p.medicalThreshold || oop &* 2 >= income) { signals.append(.illness) }
            if loss > 0 && (loss >= p.disasterThreshold || loss &* 2 >= income) { signals.append(.disaster) }
            let bits = all.signals[i]
            for s in [Signal.unemployment, .death, .disability] where bits & s.bit != 0 { signals.append(s) }
            guard !signals.isEmpty else { continue }
            let numerator = income &- oop &- loss
            let below = numerator < p.monitoringLine &* n
            let category: Category
            if oop &+ loss >= income { category = .suddenHardship }
            else if hh.status[i] == 1 && below { category = .unstableExited }
            else if hh.status[i] == 0 && below { category = .marginalAtRisk }
            else { continue }
            flagged.append((i, Flagged(householdID: hb.string(hh.ids[i]), regionCode: hb.string(hh.regions[i]), category: category,
                                       signals: signals, adjusted: twoDecimals(numerator: numerator, n: n))))
        }
        flagged.sort { a, b in a.1.householdID.utf8.lexicographicallyPrecedes(b.1.householdID.utf8) }
        result.flagged = flagged.map(\.1)
        for f in File.feeds { result.unmatched[f] = all.unmatched[f] ?? 0 }
        for f in File.allCases { result.rejectedLines[f] = rejected[f]!.sorted() }
        return result
    }

    /// One part of households.csv as read by one worker.
    struct HouseholdChunk {
        var ids: [Field] = []
        var hashes: [UInt64] = []
        var regions: [Field] = []
        var status: [UInt8] = []
        var income: [Int64] = []
        var lines: [Int] = []
        var rejected: [Int] = []
        var read = 0
    }

    /// One part of members.csv as read by one worker.
    struct MemberChunk {
        var keys: [UInt64] = []
        var households: [Int32] = []
        var full: [Bool] = []
        var lines: [Int32] = []
        var odd: [(Int, String)] = []
        var rejected: [Int] = []
    }

    /// The 18 characters a packed resident key stands for.
    static func residentText(_ key: UInt64) -> String {
        let check = key % 11, digits = String(key / 11)
        return String(repeating: "0", count: 17 - digits.count) + digits + (check == 10 ? "X" : String(check))
    }

    /// `parts` ranges of whole lines covering `from..<count`.
    static func splitAtLines(_ b: UnsafeBufferPointer<UInt8>, from: Int, parts: Int) -> [(Int, Int)] {
        var out: [(Int, Int)] = []
        var start = from
        let size = max(1, (b.count - from) / parts)
        while start < b.count {
            var end = out.count == parts - 1 ? b.count : min(start + size, b.count)
            if end < b.count { end = min(b.next(10, from: end) + 1, b.count) }
            out.append((start, end))
            start = end
        }
        return out.isEmpty ? [(from, from)] : out
    }

    /// The line number of each range's first line (the header is line 1), newlines counted in parallel.
    static func firstLines(_ file: MappedFile, _ ranges: [(Int, Int)]) -> [Int] {
        let counts = Slots<Int>(count: ranges.count, initial: 0)
        DispatchQueue.concurrentPerform(iterations: ranges.count) { i in
            let b = file.bytes
            var n = 0
            var pos = ranges[i].0
            while pos < ranges[i].1 { let nl = b.next(10, from: pos); if nl < ranges[i].1 { n += 1 }; pos = nl + 1 }
            counts[i] = n
        }
        var out: [Int] = []
        var line = 2
        for i in 0..<ranges.count { out.append(line); line += counts[i] }
        return out
    }

    /// Resident ids that are not 18 characters of the standard shape still join, through a table of their own.
    static func oddKey(_ s: String, _ odd: inout [String: UInt64]) -> UInt64 {
        if let k = odd[s] { return k }
        let k = (UInt64(1) << 62) + UInt64(odd.count)
        odd[s] = k
        return k
    }
}

enum System {
    static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }
}
