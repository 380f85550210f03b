import DoudiDomain
import DoudiSheets
import Foundation
import SQLKit

/// `doudi import` and the upload page: checks both files (RegisterImport), then stores every accepted
/// household with its members and an audit entry in one transaction, and checks the stored counts.
public struct RegisterImporter: Sendable {
    let db: Database
    /// The process has the database to itself (`doudi import`): on SQLite the load may then bypass the WAL.
    let alone: Bool
    public init(_ db: Database, alone: Bool = false) { self.db = db; self.alone = alone }

    public enum Phase: String, Sendable { case reading, checking, storing, done }

    public struct Report: Sendable {
        public var householdRows: Int
        public var memberRows: Int
        public var importedHouseholds: Int
        public var importedMembers: Int
        public var unchangedHouseholds: Int
        public var leftOutHouseholds: Int
        public var rejections: [RegisterImport.Rejection]

        public var nothingChanged: Bool { importedHouseholds == 0 }

        /// The rejected rows as CSV: file, line, field, reason (Chinese and English), household.
        public var csv: String {
            var out = "file,line,field,reason_zh,reason_en,household_id\n"
            for r in rejections {
                out += [r.file, String(r.line), r.field, r.message.zh, r.message.en, r.householdID ?? ""].map(CSVCell.field).joined(separator: ",") + "\n"
            }
            return out
        }

        public var summary: Message {
            let zh = "户：读取\(householdRows)行，导入\(importedHouseholds)户（\(importedMembers)人），未变\(unchangedHouseholds)户，未导入\(leftOutHouseholds)户；被拒\(rejections.count)条。"
                + (nothingChanged ? "登记册没有变化。" : "")
            let en = "households: \(householdRows) rows read, \(importedHouseholds) imported (\(importedMembers) members), \(unchangedHouseholds) unchanged, \(leftOutHouseholds) left out; \(rejections.count) rejections."
                + (nothingChanged ? " The register did not change." : "")
            return Message(zh, en)
        }
    }

    /// A workbook (.xlsx, a zip) is read as the CSV its first sheet would be saved as; a CSV is left as it is.
    static func text(_ bytes: [UInt8], file: String, encoding: TextEncoding?) throws(Message) -> ([UInt8], TextEncoding?) {
        guard bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) else { return (bytes, encoding) }
        do { return (Array(try XLSXReader.csv(Data(bytes)).utf8), .utf8) } catch {
            throw Message("\(file)：\(Message.notAWorkbook.zh)", "\(file): \(Message.notAWorkbook.en)")
        }
    }

    public func run(households hName: String, _ hBytes: [UInt8], members mName: String, _ mBytes: [UInt8], by actor: Actor,
                    encoding: TextEncoding? = nil, today: CivilDate? = nil, progress: @escaping @Sendable (Phase, Int, Int) -> Void = { _, _, _ in }) async throws -> Report {
        let today = today ?? db.clock.today()
        guard actor.role.may(.importRegister) else { throw StoreError.forbidden }
        progress(.reading, 0, 2)
        let hTable: CSVTable, mTable: CSVTable
        do {
            let (h, hEncoding) = try Self.text(hBytes, file: hName, encoding: encoding)
            let (m, mEncoding) = try Self.text(mBytes, file: mName, encoding: encoding)
            hTable = try RegisterImport.table(h, file: hName, required: RegisterImport.householdColumns, encoding: hEncoding)
            mTable = try RegisterImport.table(m, file: mName, required: RegisterImport.memberColumns, encoding: mEncoding)
        } catch { throw StoreError.invalid([FieldProblem("file", error)]) }

        let clock = ContinuousClock()
        var t0 = clock.now
        func lap(_ what: String) {
            db.logger.debug("import phase", metadata: ["phase": "\(what)", "seconds": "\(clock.now - t0)"])
            t0 = clock.now
        }
        lap("headers read")
        progress(.checking, 0, 1)
        let villages = try await RegionStore(db).villageCodes(in: actor.region)
        let (existingPeople, existing) = db.engine == .sqlite
            ? try await sqliteContext(ids: Self.householdIDs(hTable))
            : (try await peopleIndex(), try await existingHouseholds(ids: Self.householdIDs(hTable)))
        // People already stored are known by their blind index: a person is looked up only when there are some.
        let fields = db.fields
        let householdOfPerson: @Sendable (ResidentID) -> String?
        if existingPeople.isEmpty {
            householdOfPerson = { _ in nil }
        } else {
            householdOfPerson = { rid in
                guard let index = try? fields.index(rid.text) else { return nil }
                return existingPeople[index]
            }
        }
        let register = RegisterImport.Register(knownRegion: { villages.contains($0.value) }, householdOfPerson: householdOfPerson, existing: existing)
        lap("register context")
        let checker = RegisterImport.Checker(households: hName, hTable, members: mName, mTable, register: register, today: today)
        lap("households checked")
        let parts = max(16, ProcessInfo.processInfo.activeProcessorCount * 8)
        let checking: @Sendable (Int, Int) -> Void = { progress(.checking, $0, $1) }
        // On SQLite the writer is the slower side: it starts with the households while the members are still
        // being read, and takes each part of them as soon as it is checked.
        let streams = db.engine == .sqlite && !checker.candidates.isEmpty
        let batches = Handoff<HouseholdStore.Batch>()
        if streams { batches.push(.households(checker.candidates)) }
        async let written: Void = streams ? HouseholdStore.writeSQLite(db, batches, by: actor, source: hName, alone: alone) : ()
        // Each part's members are sealed on whichever core is free (sealing costs more than checking them), then
        // handed to the writer; the verdict follows once every part is in.
        _ = try fields.dedicatedSealer()  // an OpenSSL without SM4 stops the import here, before anything is written
        let sealing = DispatchGroup()
        let plan = try await onThread {
            let c = checker
            let p = c.run(parts: parts, deliver: { candidates in
                guard streams else { return }
                DispatchQueue.global().async(group: sealing) {
                    if let sealed = try? fields.withSealer({ HouseholdStore.sealed(candidates, $0) }) { batches.push(.members(sealed)) }
                }
            }, merged: checking)
            sealing.wait()
            return p
        }
        lap("members checked")
        progress(.storing, 0, 1)
        // A part that could not be sealed is missing from the writer's rows: its count check then fails the whole load.
        if streams { batches.push(.verdict(plan.accepted)) }
        try await written
        if !streams { try await HouseholdStore.store(db, plan.accepted, by: actor, source: hName) }
        lap("stored")
        progress(.done, 1, 1)
        return Report(householdRows: plan.householdRows, memberRows: plan.memberRows, importedHouseholds: plan.accepted.count,
                      importedMembers: plan.acceptedMembers, unchangedHouseholds: plan.unchanged, leftOutHouseholds: plan.leftOut.count,
                      rejections: plan.rejections)
    }

    static func householdIDs(_ t: CSVTable) -> [String] {
        guard let c = t.column("household_id") else { return [] }
        var out: [String] = []
        t.forEachRow { _, f in if f.count > c, let s = f[c].utf8String { out.append(s) } }
        return out
    }

    struct PersonRow: Decodable { var resident_index: String; var household_id: String }

    /// Everyone in the register by blind index, whatever their region: a person belongs to one household in the
    /// whole register.
    func peopleIndex() async throws -> [String: String] {
        try await db.read { sql in
            var out: [String: String] = [:]
            for row in try await sql.raw("SELECT resident_index, household_id FROM members").all(decoding: PersonRow.self) {
                out[row.resident_index] = row.household_id
            }
            return out
        }
    }

    /// On SQLite, both at once through one plain read of the register (a re-run reads all of it).
    func sqliteContext(ids: [String]) async throws -> ([String: String], [String: HouseholdRecord]) {
        let fields = db.fields
        return try await RawSQLite.read(path: db.location) { raw in try fields.withSealer { sealer in
            let wanted = Set(ids)
            var households: [Household] = []
            let h = try raw.prepare(HouseholdStore.householdSelect)
            while try h.step() {
                guard let id = h.text(0), wanted.contains(id), let household = HouseholdStore.HouseholdRow(h).household else { continue }
                households.append(household)
            }
            let found = Set(households.map(\.id))
            var people: [String: String] = [:]
            var members: [Member] = []
            // Only the households of the file are opened; everyone else is known by their index.
            let m = try raw.prepare(HouseholdStore.memberSelect.replacingOccurrences(of: " FROM members", with: ", resident_index FROM members") + " ORDER BY id")
            while try m.step() {
                guard let hid = m.text(2), let index = m.text(14) else { continue }
                people[index] = hid
                if found.contains(hid), let s = try HouseholdStore.MemberRow(m).stored(sealer) { members.append(s.member) }
            }
            return (people, Self.records(households, members))
        } }
    }

    /// Households with their members, read apart.
    static func records(_ households: [Household], _ members: [Member]) -> [String: HouseholdRecord] {
        var byHousehold: [String: [Member]] = [:]
        for m in members { byHousehold[m.householdID, default: []].append(m) }
        var out: [String: HouseholdRecord] = [:]
        for h in households { out[h.id] = HouseholdRecord(household: h, members: byHousehold[h.id] ?? []) }
        return out
    }

    /// Households of the file already in the register, for re-runs.
    func existingHouseholds(ids: [String]) async throws -> [String: HouseholdRecord] {
        let total = try await db.read { sql in try await sql.raw("SELECT COUNT(*) AS n FROM households").first(decoding: Count.self)?.n ?? 0 }
        guard total > 0 else { return [:] }
        var out: [String: HouseholdRecord] = [:]
        try await db.read { sql in
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = Array(ids[start..<min(start + 500, ids.count)])
                let hs = try await sql.raw("\(unsafeRaw: HouseholdStore.householdSelect) WHERE id IN (\(binds: chunk))").all(decoding: HouseholdStore.HouseholdRow.self)
                guard !hs.isEmpty else { continue }
                let ms = try await sql.raw("\(unsafeRaw: HouseholdStore.memberSelect) WHERE household_id IN (\(binds: hs.map(\.id)))").all(decoding: HouseholdStore.MemberRow.self)
                out.merge(Self.records(hs.compactMap(\.household), try HouseholdStore.open(ms, db.fields).map(\.member))) { $1 }
            }
            return ()
        }
        return out
    }
}
