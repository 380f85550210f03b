import DoudiDomain
import Dispatch
import Foundation

extension Screening {
    /// Runs the screening over a folder holding the seven CSV files of the spec.
    public static func run(folder: String, parameters: Parameters, progress: @Sendable (String) -> Void = { _ in }) throws(InputError) -> Result {
        try run(files: map(File.allCases, in: folder), parameters: parameters, progress: progress)
    }

    /// The files of a folder, mapped into memory.
    static func map(_ files: [File], in folder: String) throws(InputError) -> [File: MappedFile] {
        var out: [File: MappedFile] = [:]
        for f in files {
            let path = folder + "/" + f.rawValue + ".csv"
            guard let m = MappedFile(path: path) else { throw InputError(message: Message("无法读取 \(path)", "cannot read \(path)")) }
            out[f] = m
        }
        return out
    }

    /// Runs the screening over in-memory files (tests).
    public static func run(contents: [File: [UInt8]], parameters: Parameters) throws(InputError) -> Result {
        var files: [File: MappedFile] = [:]
        for f in File.allCases { files[f] = MappedFile(copying: contents[f] ?? Array(f.columns.joined(separator: ",").utf8) + [10]) }
        return try run(files: files, parameters: parameters, progress: { _ in })
    }

    static func run(files: [File: MappedFile], parameters p: Parameters, progress: @Sendable (String) -> Void) throws(InputError) -> Result {
        var rejected: [File: [Int]] = [:]
        for f in File.allCases { rejected[f] = [] }
        let register = try readRegister(files, rejected: &rejected, progress: progress)
        return try screen(register, feeds: files, parameters: p, rejected: rejected, progress: progress)
    }

    /// The feeds added up against a register, then the rules.
    static func screen(_ register: Loaded, feeds files: [File: MappedFile], parameters p: Parameters, rejected: [File: [Int]],
                       progress: @Sendable (String) -> Void) throws(InputError) -> Result {
        var result = Result(parameters: p)
        result.householdsRead = register.householdsRead
        result.membersWithoutHousehold = register.membersWithoutHousehold
        var rejected = rejected
        let nh = register.count, size = register.size

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
        let frozenPeople = register.people, frozenOdd = register.odd, blindKey = register.blindKey
        let start = p.windowStart, end = p.windowEnd
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var t = Totals(households: nh)
            // A register with sealed resident IDs: each feed row's ID through the blind index, once per person.
            let blind = blindKey?()
            var blindSeen: [UInt64: UInt64] = [:]
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
                    let key: UInt64
                    if let blind {
                        if let plain = b.residentKey(rid) {
                            if let k = blindSeen[plain] { key = k } else { key = blind(b.string(rid)); blindSeen[plain] = key }
                        } else { key = blind(b.string(rid)) }
                    } else {
                        guard let k = b.residentKey(rid) ?? frozenOdd[b.string(rid)] else { t.unmatched[task.file, default: 0] += 1; return }
                        key = k
                    }
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
            if register.status[i] == 2 { continue }
            let ipc = register.income[i], oop = all.oop[i], loss = all.loss[i]
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
            else if register.status[i] == 1 && below { category = .unstableExited }
            else if register.status[i] == 0 && below { category = .marginalAtRisk }
            else { continue }
            flagged.append((i, Flagged(householdID: register.names.id(i), regionCode: register.names.region(i), category: category,
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
