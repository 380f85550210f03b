import DoudiDomain
import Dispatch
import Foundation

/// The register as the feeds and the rules need it: read from `households.csv` and `members.csv`, or handed
/// over typed from the database.
extension Screening {
    struct Loaded {
        var status: [UInt8]  // 0 none, 1 exited, 2 notExited
        var income: [Int64]
        var size: [Int32]  // members per household
        /// Each person's resident key: the household's index << 1 | 1 for a full labourer (-1: no household).
        var people: PartitionedKeyIndex
        var odd: [String: UInt64]
        /// Feeds' resident IDs to keys through the blind index (a register from the database), per thread.
        var blindKey: (@Sendable () -> (String) -> UInt64)? = nil
        var names: Names
        var householdsRead: Int
        var membersWithoutHousehold: Int
        var count: Int { status.count }
    }

    /// Where a household's id and region code are written, for the flagged list.
    enum Names {
        case bytes(MappedFile, ids: [Field], regions: [Field])
        case typed([ScreeningRegister.Household])

        func id(_ i: Int) -> String {
            switch self {
            case .bytes(let f, let ids, _): f.bytes.string(ids[i])
            case .typed(let h): h[i].id
            }
        }

        func region(_ i: Int) -> String {
            switch self {
            case .bytes(let f, _, let regions): f.bytes.string(regions[i])
            case .typed(let h): h[i].region.description
            }
        }
    }

    /// Runs the screening over a register read from the database, with the feeds of a folder.
    public static func run(register: ScreeningRegister, feedsFolder: String, parameters: Parameters,
                           progress: @Sendable (String) -> Void = { _ in }) throws(InputError) -> Result {
        let files = try map(File.feeds, in: feedsFolder)
        progress("people")
        var rejected: [File: [Int]] = [:]
        for f in File.allCases { rejected[f] = [] }
        return try screen(try load(register), feeds: files, parameters: parameters, rejected: rejected, progress: progress)
    }

    static func load(_ register: ScreeningRegister) throws(InputError) -> Loaded {
        let h = register.households, m = register.members
        var keys: [UInt64] = [], aux: [Int32] = []
        keys.reserveCapacity(m.count); aux.reserveCapacity(m.count)
        var odd: [String: UInt64] = [:]
        var size = [Int32](repeating: 0, count: h.count)
        var without = 0
        m.residentIDBytes.withUnsafeBufferPointer { ids in
            for i in m.indices {
                let r = m.residentIDRange(i)
                if register.blindKey != nil {
                    keys.append(ScreeningRegister.key(blindIndex: UnsafeBufferPointer(rebasing: ids[r])) ?? oddKey(String(decoding: ids[r], as: UTF8.self), &odd))
                } else {
                    keys.append(ids.residentKey(Field(start: r.lowerBound, end: r.upperBound)) ?? oddKey(String(decoding: ids[r], as: UTF8.self), &odd))
                }
            }
        }
        for (household, labour) in zip(m.households, m.labour) {
            if household >= 0 && Int(household) < h.count {
                size[Int(household)] += 1
                aux.append(household << 1 | (labour == .full ? 1 : 0))
            } else {
                without += 1
                aux.append(-1)
            }
        }
        let (people, repeated) = PartitionedKeyIndex.build(chunks: [keys], aux: [aux])
        if let (_, b) = repeated {
            let rid = Masking.residentID(m[Int(b)].residentID)
            throw InputError(message: Message("登记册中 resident_id 重复：\(rid)", "the register repeats resident_id \(rid)"))
        }
        let status: [UInt8] = h.map { switch $0.povertyStatus { case .none: 0; case .exited: 1; case .notExited: 2 } }
        return Loaded(status: status, income: h.map(\.incomePerCapita), size: size, people: people, odd: odd, blindKey: register.blindKey,
                      names: .typed(h), householdsRead: h.count, membersWithoutHousehold: without)
    }

    static func readRegister(_ files: [File: MappedFile], rejected: inout [File: [Int]], progress: @Sendable (String) -> Void) throws(InputError) -> Loaded {
        var read = 0, without = 0
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
            read += c.read
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
        for h in memberHousehold { if h >= 0 { size[Int(h)] += 1 } else { without += 1 } }
        return Loaded(status: hh.status, income: hh.income, size: size, people: people, odd: odd, names: .bytes(files[.households]!, ids: hh.ids, regions: hh.regions),
                      householdsRead: read, membersWithoutHousehold: without)
    }
}
