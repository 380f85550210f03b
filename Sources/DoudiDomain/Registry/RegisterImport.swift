import Foundation

/// Checking a county's `households.csv` and `members.csv` (specs/screening.md, plus optional columns) against
/// the rules and the register. Each household is taken whole or not at all: one rejected row leaves its
/// household out, and the report names the row and every household left out because of it.
public enum RegisterImport {
    public static let householdColumns = ["household_id", "region_code", "poverty_status", "dibao", "income_per_capita"]
    public static let memberColumns = ["resident_id", "household_id", "relation", "labor_ability"]

    /// One rejected row, or one household left out because of another row.
    public struct Rejection: Sendable, Hashable {
        public var file: String
        public var line: Int
        public var field: String
        public var message: Message
        public var householdID: String?
    }

    /// What the register already holds, fetched by storage before the check.
    public struct Register: Sendable {
        /// Village-level and other known codes: a household must hang on a known village.
        public var knownRegion: @Sendable (RegionCode) -> Bool
        /// The household a person already belongs to.
        public var householdOfPerson: @Sendable (ResidentID) -> String?
        /// Households already stored, by id, for re-runs.
        public var existing: [String: HouseholdRecord]
        public init(knownRegion: @escaping @Sendable (RegionCode) -> Bool, householdOfPerson: @escaping @Sendable (ResidentID) -> String?, existing: [String: HouseholdRecord]) {
            self.knownRegion = knownRegion; self.householdOfPerson = householdOfPerson; self.existing = existing
        }
    }

    public struct Plan: Sendable {
        /// Households to store, in file order.
        public var accepted: [HouseholdRecord] = []
        /// Households already in the register exactly as the file gives them.
        public var unchanged: Int = 0
        public var rejections: [Rejection] = []
        public var householdRows: Int = 0
        public var memberRows: Int = 0
        public var acceptedMembers: Int { accepted.reduce(0) { $0 + $1.members.count } }
        public var leftOut: Set<String> = []
    }

    /// Reads a file's header or reports why it cannot be used; no row is checked when a header is wrong.
    /// The file may be UTF-8 or GB18030/GBK, detected unless `encoding` says which.
    /// `columns`: another file's template (the register's two files where not given).
    public static func table(_ bytes: [UInt8], file: String, required: [String], encoding: TextEncoding? = nil,
                             columns: [ImportTemplate.Column]? = nil) throws(Message) -> CSVTable {
        let aliases = columns.map { ImportTemplate.aliases(of: $0) } ?? ImportTemplate.aliases
        do {
            let t = try CSVTable(bytes: TextEncoding.decode(bytes, as: encoding).bytes).renaming(aliases)
            try t.requireColumns(required)
            return t
        } catch {
            switch error {
            case .empty: throw Message("\(file)：文件为空", "\(file): the file is empty")
            case .notUTF8(let line): throw Message("\(file)：第\(line)行无法识别，文件应为UTF-8或GB18030/GBK编码", "\(file): line \(line) is not text; the file must be UTF-8 or GB18030/GBK")
            case .duplicateColumn(let c): throw Message("\(file)：列“\(c)”出现两次", "\(file): column “\(c)” appears twice")
            case .missingColumns(let m):
                let zh = m.map { c in (columns?.first { $0.code == c }?.chinese ?? ImportTemplate.chinese(c)).map { "\($0)（\(c)）" } ?? c }
                throw Message("\(file)：缺少列 \(zh.joined(separator: "、"))", "\(file): missing column(s) \(m.joined(separator: ", "))")
            }
        }
    }

    /// Both files checked at once: every household row, then every member row on all cores, then the whole.
    public static func plan(households hFile: String, _ households: CSVTable, members mFile: String, _ members: CSVTable,
                            register: Register, today: CivilDate) -> Plan {
        Checker(households: hFile, households, members: mFile, members, register: register, today: today)
            .run(parts: ProcessInfo.processInfo.activeProcessorCount) { _ in }
    }

    /// The check in steps, so that storage can write households and members while later rows are still being
    /// read: `init` checks the households file; `parse` reads a part of the members file on its own (any
    /// order, any thread); `merge` takes the parts in file order and compares rows with each other and with the
    /// register; `finish` checks each household as a whole and says which are taken.
    ///
    /// What `candidates` and `merge` hand out is what may be stored *so far*: a household can still be left
    /// out by a later row, and `finish` is the only verdict.
    public struct Checker: Sendable {
        /// A household the households file names, by its place among them: what the members file's rows
        /// are checked against without looking the id up again.
        struct Entry: Sendable {
            var id: String
            var line: Int
            /// Nil when its own row was rejected.
            var household: Household?
            var inRegister: Bool
            var rejected = false
            var members: [Member] = []
        }

        let hFile: String, mFile: String
        let members: CSVTable
        let register: Register
        let today: CivilDate
        let mc: MemberColumns
        var plan = Plan()
        var rejected: [String: (file: String, line: Int)] = [:]  // household -> first rejected row
        var entries: [Entry] = []
        var slotOf: [String: Int] = [:]
        var personLine: [UInt64: (line: Int32, slot: Int32)] = [:]

        /// Households whose own row passed and that the register does not hold yet, in file order.
        public private(set) var candidates: [Household] = []

        public init(households hFile: String, _ households: CSVTable, members mFile: String, _ members: CSVTable,
                    register: Register, today: CivilDate) {
            self.hFile = hFile; self.mFile = mFile; self.members = members; self.register = register; self.today = today
            mc = MemberColumns(members)
            checkHouseholds(households)
            candidates = entries.compactMap { $0.inRegister ? nil : $0.household }
            personLine.reserveCapacity(members.bytes.count / 40)
        }

        mutating func reject(_ file: String, _ line: Int, _ p: FieldProblem, household: String?) {
            plan.rejections.append(Rejection(file: file, line: line, field: p.field, message: p.message, householdID: household))
            if let h = household, rejected[h] == nil {
                rejected[h] = (file, line)
                if let slot = slotOf[h] { entries[slot].rejected = true }
            }
        }

        mutating func checkHouseholds(_ households: CSVTable) {
            slotOf.reserveCapacity(households.bytes.count / 40)
            entries.reserveCapacity(households.bytes.count / 40)
            let hc = HouseholdColumns(households)
            households.forEachRow { line, f in
                plan.householdRows += 1
                guard f.count == households.header.count else {
                    let id = f.count > hc.id ? f[hc.id].utf8String : nil
                    if let id, slotOf[id] == nil { add(Entry(id: id, line: line, household: nil, inRegister: false)) }
                    reject(hFile, line, fieldCountProblem(f.count, households.header.count), household: id); return
                }
                guard let id = f[hc.id].utf8String else { reject(hFile, line, undecodable("household_id"), household: nil); return }
                if let p = Household.idProblem(id) { reject(hFile, line, p, household: nil); return }
                if let first = slotOf[id] {
                    let firstLine = entries[first].line
                    reject(hFile, line, FieldProblem("household_id", Message("户编号\(id)在第\(firstLine)行已出现", "household id \(id) already appears on line \(firstLine)")), household: nil)
                    return
                }
                var problems: [FieldProblem] = []
                let region = RegionCode(digits: f[hc.region])
                if region == nil {
                    problems.append(FieldProblem("region_code", .regionCodeDigits))
                } else if !register.knownRegion(region!) {
                    problems.append(FieldProblem("region_code", .regionNotInTable(region!)))
                }
                let status = enumValue(PovertyStatus.self, f[hc.status], "poverty_status", &problems)
                let dibao = flag(f[hc.dibao], "dibao", &problems)
                let near = hc.nearDibao.map { flag(f[$0], "near_dibao", &problems, optional: true) } ?? false
                let hardship = hc.extremeHardship.map { flag(f[$0], "extreme_hardship", &problems, optional: true) } ?? false
                let income = wholeNumber(f[hc.income], "income_per_capita", &problems)
                let address = hc.address.flatMap { text(f[$0], "address", &problems) } ?? ""
                var household: Household?
                if let region, let status, let income, problems.isEmpty {
                    let h = Household(id: id, regionCode: region, povertyStatus: status, dibao: dibao, nearDibao: near,
                                      extremeHardship: hardship, incomePerCapita: income, address: address)
                    problems = h.problems()
                    if problems.isEmpty { household = h }
                }
                add(Entry(id: id, line: line, household: household, inRegister: household != nil && register.existing[id] != nil))
                for p in problems { reject(hFile, line, p, household: id) }
            }
        }

        mutating func add(_ e: Entry) {
            slotOf[e.id] = entries.count
            entries.append(e)
        }

        /// Checks the members file cut into `parts` pieces: each piece is read on whatever core is free, and
        /// merged in file order as soon as it and those before it are read. `deliver` gets, piece after piece,
        /// the members that may be stored so far; then comes the verdict.
        public consuming func run(parts count: Int, deliver: ([Candidate]) -> Void, merged: (Int, Int) -> Void = { _, _ in }) -> Plan {
            let parts = members.parts(count)
            let parsed = Slots<[ParsedMember]>(count: parts.count, initial: [])
            let ready = parts.map { _ in DispatchSemaphore(value: 0) }
            let reader = self
            // A thread of its own: concurrentPerform also works on the calling thread, so every part gets read
            // even when no other worker is free.
            Thread {
                DispatchQueue.concurrentPerform(iterations: parts.count) { w in
                    parsed[w] = reader.parse(parts[w])
                    ready[w].signal()
                }
            }.start()
            for w in parts.indices {
                ready[w].wait()
                deliver(merge(parsed[w]))
                parsed[w] = []
                merged(w + 1, parts.count)
            }
            return finish()
        }

        /// Reads and checks each row of one part on its own; safe on any thread.
        func parse(_ part: CSVTable.Part) -> [ParsedMember] {
            var out: [ParsedMember] = []
            members.forEachRow(in: part) { line, f in
                out.append(parseMember(line, f, width: members.header.count, mc, slots: slotOf, hFile: hFile, today: today))
            }
            return out
        }

        /// Compares the rows of the next part, in file order, with the rows before them and with the register.
        /// Returns the members that may be stored so far: they passed, and so far has their new household.
        mutating func merge(_ rows: [ParsedMember]) -> [Candidate] {
            var out: [Candidate] = []
            out.reserveCapacity(rows.count)
            for row in rows {
                plan.memberRows += 1
                var problems = row.problems
                guard let slot = row.slot else {
                    for p in problems { reject(mFile, row.line, p, household: row.householdID.isEmpty ? nil : row.householdID) }
                    continue
                }
                let hid = entries[slot].id
                if let rid = row.residentID {
                    if let first = personLine[rid.key] {
                        let other = entries[Int(first.slot)].id
                        problems.append(FieldProblem("resident_id", Message("身份证号码\(rid.masked)在第\(first.line)行（户\(other)）已出现，一人只能属于一户",
                                                                            "resident ID \(rid.masked) already appears on line \(first.line) (household \(other)); a person belongs to one household only")))
                    } else {
                        personLine[rid.key] = (Int32(row.line), Int32(slot))
                        if let other = register.householdOfPerson(rid), other != hid {
                            problems.append(FieldProblem("resident_id", Message("身份证号码\(rid.masked)已登记在户\(other)中，一人只能属于一户",
                                                                                "resident ID \(rid.masked) is already registered in household \(other); a person belongs to one household only")))
                        }
                    }
                }
                if let m = row.member, problems.isEmpty {
                    entries[slot].members.append(m)
                    let e = entries[slot]
                    if !e.rejected && !e.inRegister, let h = e.household { out.append(Candidate(member: m, region: h.regionCode)) }
                }
                for p in problems { reject(mFile, row.line, p, household: hid) }
            }
            return out
        }

        /// Checks each household as a whole and gives the verdict.
        consuming func finish() -> Plan {
            for e in entries {
                guard !e.rejected, let household = e.household else { continue }
                if e.members.isEmpty {
                    reject(hFile, e.line, FieldProblem("household_id", Message("户\(e.id)在\(mFile)中没有成员", "household \(e.id) has no members in \(mFile)")), household: e.id)
                    continue
                }
                let record = HouseholdRecord(household: household, members: e.members)
                // Each member and each person's uniqueness were checked row by row; what is left concerns the whole.
                let problems = record.wholeHouseholdProblems()
                if !problems.isEmpty {
                    for p in problems { reject(hFile, e.line, p, household: e.id) }
                    continue
                }
                if let old = register.existing[e.id] {
                    if old.sameContent(as: record) { plan.unchanged += 1 } else {
                        reject(hFile, e.line, FieldProblem("household_id", Message("户\(e.id)已在登记册中且内容不同；请在登记册中修改", "household \(e.id) is already in the register with different data; change it there")), household: e.id)
                    }
                    continue
                }
                plan.accepted.append(record)
            }

            // Name every household left out because of a rejected row, on that household's own line.
            let linesNamed = Set(plan.rejections.lazy.filter { $0.file == hFile }.map(\.line))
            for (id, first) in rejected {
                plan.leftOut.insert(id)
                guard let slot = slotOf[id] else { continue }
                let h = entries[slot]
                if !linesNamed.contains(h.line) {
                    plan.rejections.append(Rejection(file: hFile, line: h.line, field: "household_id",
                                                     message: Message("户\(id)未导入：\(first.file)第\(first.line)行被拒", "household \(id) left out: line \(first.line) of \(first.file) was rejected"),
                                                     householdID: id))
                }
            }
            plan.rejections.sort { ($0.file, $0.line) < ($1.file, $1.line) }
            return plan
        }
    }

    /// A member that may be stored, with the region of their household.
    public struct Candidate: Sendable {
        public var member: Member
        public var region: RegionCode
        public init(member: Member, region: RegionCode) { self.member = member; self.region = region }
    }

    /// What one members.csv row says on its own.
    struct ParsedMember: Sendable {
        var line: Int
        var householdID: String
        var residentID: ResidentID?
        var member: Member?
        var problems: [FieldProblem]
        /// The household's place in the households file; nil when the row cannot belong to one of them (its
        /// problems are reported, nothing else).
        var slot: Int?
    }

    /// Where each column of households.csv is, found once per file.
    struct HouseholdColumns: Sendable {
        let id: Int, region: Int, status: Int, dibao: Int, income: Int
        let nearDibao, extremeHardship, address: Int?
        init(_ t: CSVTable) {
            // The required columns are there: `table` checked the header.
            id = t.column("household_id")!; region = t.column("region_code")!; status = t.column("poverty_status")!
            dibao = t.column("dibao")!; income = t.column("income_per_capita")!
            nearDibao = t.column("near_dibao"); extremeHardship = t.column("extreme_hardship"); address = t.column("address")
        }
    }

    /// Where each column of members.csv is, found once per file: a row is read by position only.
    struct MemberColumns: Sendable {
        let residentID: Int, householdID: Int, relation: Int, labor: Int
        let name, sex, phone, birthDate, health, disabilityGrade, schooling, employment, childCategory: Int?
        init(_ t: CSVTable) {
            // The four required columns are there: `table` checked the header.
            residentID = t.column("resident_id")!; householdID = t.column("household_id")!
            relation = t.column("relation")!; labor = t.column("labor_ability")!
            name = t.column("name"); sex = t.column("sex"); phone = t.column("phone"); birthDate = t.column("birth_date")
            health = t.column("health"); disabilityGrade = t.column("disability_grade"); schooling = t.column("schooling")
            employment = t.column("employment"); childCategory = t.column("child_category")
        }
    }

    static func parseMember(_ line: Int, _ f: [ArraySlice<UInt8>], width: Int, _ mc: MemberColumns, slots: [String: Int], hFile: String,
                            today: CivilDate) -> ParsedMember {
        guard f.count == width else {
            let hid = f.count > mc.householdID ? f[mc.householdID].utf8String : nil
            return ParsedMember(line: line, householdID: hid ?? "", problems: [fieldCountProblem(f.count, width)])
        }
        let hid = f[mc.householdID].utf8String ?? ""
        guard let slot = slots[hid] else {
            return ParsedMember(line: line, householdID: "", problems: [FieldProblem("household_id", Message("户编号“\(hid)”不在\(hFile)中", "household id “\(hid)” is not in \(hFile)"))])
        }
        // An optional column that is there and not empty.
        func given(_ c: Int?) -> ArraySlice<UInt8>? { c.map { f[$0] }.flatMap { $0.isEmpty ? nil : $0 } }
        var problems: [FieldProblem] = []
        var rid: ResidentID?
        do throws(ResidentID.Problem) {
            rid = try ResidentID(bytes: f[mc.residentID], today: today)
        } catch { problems.append(FieldProblem("resident_id", error.message)) }
        let relation = enumValue(Relation.self, f[mc.relation], "relation", &problems)
        let labor = enumValue(LaborAbility.self, f[mc.labor], "labor_ability", &problems)
        let name = mc.name.flatMap { text(f[$0], "name", &problems) } ?? ""
        let sex = given(mc.sex).flatMap { enumValue(Sex.self, $0, "sex", &problems) }
        var birth: CivilDate?
        if let b = given(mc.birthDate) {
            birth = CivilDate(String(decoding: b, as: UTF8.self))
            if birth == nil { problems.append(FieldProblem("birth_date", .realDay)) }
        }
        let health = given(mc.health).flatMap { enumValue(HealthStatus.self, $0, "health", &problems) }
        let grade = given(mc.disabilityGrade).flatMap { wholeNumber($0, "disability_grade", &problems) }
        let schooling = given(mc.schooling).flatMap { enumValue(Schooling.self, $0, "schooling", &problems) }
        let employment = given(mc.employment).flatMap { enumValue(Employment.self, $0, "employment", &problems) }
        let child = given(mc.childCategory).flatMap { enumValue(ChildCategory.self, $0, "child_category", &problems) }
        let phone = given(mc.phone).flatMap { text($0, "phone", &problems) }
        var member: Member?
        if let rid, let relation, let labor, problems.isEmpty {
            let m = Member(residentID: rid, householdID: hid, name: name, relation: relation, sex: sex, birthDate: birth,
                           laborAbility: labor, health: health ?? (grade != nil ? .disabled : .healthy), disabilityGrade: grade,
                           schooling: schooling ?? .notInSchool, employment: employment ?? .notApplicable, phone: phone,
                           childCategory: child)
            problems = m.problems(today: today)
            if problems.isEmpty { member = m }
        }
        return ParsedMember(line: line, householdID: hid, residentID: rid, member: member, problems: problems, slot: slot)
    }
}
