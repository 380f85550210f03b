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
        /// The household a person already belongs to, by `ResidentID.key`.
        public var householdOfPerson: [UInt64: String]
        /// Households already stored, by id, for re-runs.
        public var existing: [String: HouseholdRecord]
        public init(knownRegion: @escaping @Sendable (RegionCode) -> Bool, householdOfPerson: [UInt64: String], existing: [String: HouseholdRecord]) {
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
    public static func table(_ bytes: [UInt8], file: String, required: [String]) throws(Message) -> CSVTable {
        do {
            let t = try CSVTable(bytes: bytes)
            try t.requireColumns(required)
            return t
        } catch {
            switch error {
            case .empty: throw Message("\(file)：文件为空", "\(file): the file is empty")
            case .notUTF8: throw Message("\(file)：不是UTF-8编码", "\(file): not UTF-8 text")
            case .duplicateColumn(let c): throw Message("\(file)：列“\(c)”出现两次", "\(file): column “\(c)” appears twice")
            case .missingColumns(let m):
                throw Message("\(file)：缺少列 \(m.joined(separator: ", "))", "\(file): missing column(s) \(m.joined(separator: ", "))")
            }
        }
    }

    public static func plan(households hFile: String, _ households: CSVTable, members mFile: String, _ members: CSVTable,
                            register: Register, today: CivilDate) -> Plan {
        var plan = Plan()
        var rejected: [String: (file: String, line: Int)] = [:]  // household -> first rejected row
        func reject(_ file: String, _ line: Int, _ p: FieldProblem, household: String?) {
            plan.rejections.append(Rejection(file: file, line: line, field: p.field, message: p.message, householdID: household))
            if let h = household, rejected[h] == nil { rejected[h] = (file, line) }
        }

        // Households
        var order: [String] = []
        var byID: [String: (line: Int, household: Household)] = [:]
        byID.reserveCapacity(households.bytes.count / 40)
        let hc = Columns(households, householdColumns + ["near_dibao", "extreme_hardship", "address"])
        households.forEachRow { line, f in
            plan.householdRows += 1
            guard f.count == households.header.count else {
                let id = f.count > hc["household_id"]! ? f[hc["household_id"]!].utf8String : nil
                if let id, byID[id] == nil { byID[id] = (line, Household(id: id, regionCode: .country)) }
                reject(hFile, line, fieldCountProblem(f.count, households.header.count), household: id); return
            }
            guard let id = f[hc["household_id"]!].utf8String, Household.idProblem(id) == nil else {
                reject(hFile, line, Household.idProblem("")!, household: nil); return
            }
            if let first = byID[id] {
                reject(hFile, line, FieldProblem("household_id", Message("户编号\(id)在第\(first.line)行已出现", "household id \(id) already appears on line \(first.line)")), household: nil)
                return
            }
            var problems: [FieldProblem] = []
            let region = RegionCode(digits: f[hc["region_code"]!])
            if region == nil {
                problems.append(FieldProblem("region_code", Message("区划代码应为12位数字", "a region code has 12 digits")))
            } else if !register.knownRegion(region!) {
                problems.append(FieldProblem("region_code", Message("区划代码\(region!)不在区划表中", "region code \(region!) is not in the division table")))
            }
            let status = enumValue(PovertyStatus.self, f[hc["poverty_status"]!], "poverty_status", &problems)
            let dibao = flag(f[hc["dibao"]!], "dibao", &problems)
            let near = hc["near_dibao"].map { flag(f[$0], "near_dibao", &problems, optional: true) } ?? false
            let hardship = hc["extreme_hardship"].map { flag(f[$0], "extreme_hardship", &problems, optional: true) } ?? false
            let income = wholeNumber(f[hc["income_per_capita"]!], "income_per_capita", &problems)
            let address = hc["address"].flatMap { f[$0].utf8String } ?? ""
            if let region, let status, let income, problems.isEmpty {
                let h = Household(id: id, regionCode: region, povertyStatus: status, dibao: dibao, nearDibao: near,
                                  extremeHardship: hardship, incomePerCapita: income, address: address)
                problems = h.problems()
                if problems.isEmpty {
                    byID[id] = (line, h); order.append(id)
                }
            }
            for p in problems { reject(hFile, line, p, household: id) }
            if !problems.isEmpty { byID[id] = byID[id] ?? (line, Household(id: id, regionCode: .country)) }
        }

        // Members
        var membersOf: [String: [Member]] = [:]
        membersOf.reserveCapacity(byID.count)
        var personLine: [UInt64: (line: Int, household: String)] = [:]
        personLine.reserveCapacity(members.bytes.count / 40)
        let mc = Columns(members, memberColumns + ["name", "sex", "phone", "birth_date", "health", "disability_grade", "schooling", "employment", "child_category"])
        // Each row is read and checked on its own on every core; rows are then compared with each other and
        // with the register in file order.
        let parts = members.parts(ProcessInfo.processInfo.activeProcessorCount)
        let parsed = Slots<[ParsedMember]>(count: parts.count, initial: [])
        let known = Set(byID.keys)
        DispatchQueue.concurrentPerform(iterations: parts.count) { w in
            var out: [ParsedMember] = []
            members.forEachRow(in: parts[w]) { line, f in
                out.append(parseMember(line, f, width: members.header.count, mc, known: known, hFile: hFile, today: today))
            }
            parsed[w] = out
        }
        for w in 0..<parts.count {
            for row in parsed[w] {
                plan.memberRows += 1
                var problems = row.problems
                guard !row.skipHousehold else {
                    for p in problems { reject(mFile, row.line, p, household: row.householdID.isEmpty ? nil : row.householdID) }
                    continue
                }
                let hid = row.householdID
                if let rid = row.residentID {
                    if let first = personLine[rid.key] {
                        problems.append(FieldProblem("resident_id", Message("身份证号码\(rid.masked)在第\(first.line)行（户\(first.household)）已出现，一人只能属于一户",
                                                                            "resident ID \(rid.masked) already appears on line \(first.line) (household \(first.household)); a person belongs to one household only")))
                    } else {
                        personLine[rid.key] = (row.line, hid)
                        if let other = register.householdOfPerson[rid.key], other != hid {
                            problems.append(FieldProblem("resident_id", Message("身份证号码\(rid.masked)已登记在户\(other)中，一人只能属于一户",
                                                                                "resident ID \(rid.masked) is already registered in household \(other); a person belongs to one household only")))
                        }
                    }
                }
                if let m = row.member, problems.isEmpty { membersOf[hid, default: []].append(m) }
                for p in problems { reject(mFile, row.line, p, household: hid) }
            }
            parsed[w] = []
        }

        // Households as a whole
        for id in order {
            guard rejected[id] == nil, let h = byID[id] else { continue }
            let ms = membersOf[id] ?? []
            if ms.isEmpty {
                reject(hFile, h.line, FieldProblem("household_id", Message("户\(id)在\(mFile)中没有成员", "household \(id) has no members in \(mFile)")), household: id)
                continue
            }
            let record = HouseholdRecord(household: h.household, members: ms)
            // Each member and each person's uniqueness were checked row by row; what is left concerns the whole.
            let problems = record.wholeHouseholdProblems()
            if !problems.isEmpty {
                for p in problems { reject(hFile, h.line, p, household: id) }
                continue
            }
            if let old = register.existing[id] {
                if old.sameContent(as: record) { plan.unchanged += 1 } else {
                    reject(hFile, h.line, FieldProblem("household_id", Message("户\(id)已在登记册中且内容不同；请在登记册中修改", "household \(id) is already in the register with different data; change it there")), household: id)
                }
                continue
            }
            plan.accepted.append(record)
        }

        // Name every household left out because of a rejected row, on that household's own line.
        for (id, first) in rejected {
            plan.leftOut.insert(id)
            guard let h = byID[id] else { continue }
            let already = plan.rejections.contains { $0.file == hFile && $0.line == h.line }
            if !already {
                plan.rejections.append(Rejection(file: hFile, line: h.line, field: "household_id",
                                                 message: Message("户\(id)未导入：\(first.file)第\(first.line)行被拒", "household \(id) left out: line \(first.line) of \(first.file) was rejected"),
                                                 householdID: id))
            }
        }
        plan.rejections.sort { ($0.file, $0.line) < ($1.file, $1.line) }
        return plan
    }

    /// What one members.csv row says on its own.
    struct ParsedMember: Sendable {
        var line: Int
        var householdID: String
        var residentID: ResidentID?
        var member: Member?
        var problems: [FieldProblem]
        /// The row cannot belong to a household of the file: its problems are reported, nothing else.
        var skipHousehold = false
    }

    static func parseMember(_ line: Int, _ f: [ArraySlice<UInt8>], width: Int, _ mc: Columns, known: Set<String>, hFile: String,
                            today: CivilDate) -> ParsedMember {
        guard f.count == width else {
            let hid = f.count > mc["household_id"]! ? f[mc["household_id"]!].utf8String : nil
            return ParsedMember(line: line, householdID: hid ?? "", problems: [fieldCountProblem(f.count, width)], skipHousehold: true)
        }
        let hid = f[mc["household_id"]!].utf8String ?? ""
        guard known.contains(hid) else {
            return ParsedMember(line: line, householdID: "", problems: [FieldProblem("household_id", Message("户编号“\(hid)”不在\(hFile)中", "household id “\(hid)” is not in \(hFile)"))],
                                skipHousehold: true)
        }
        var problems: [FieldProblem] = []
        var rid: ResidentID?
        do throws(ResidentID.Problem) {
            rid = try ResidentID(String(decoding: f[mc["resident_id"]!], as: UTF8.self), today: today)
        } catch { problems.append(FieldProblem("resident_id", error.message)) }
        let relation = enumValue(Relation.self, f[mc["relation"]!], "relation", &problems)
        let labor = enumValue(LaborAbility.self, f[mc["labor_ability"]!], "labor_ability", &problems)
        let name = mc["name"].flatMap { f[$0].utf8String } ?? ""
        let sex = mc["sex"].flatMap { c in f[c].isEmpty ? nil : enumValue(Sex.self, f[c], "sex", &problems) }
        var birth: CivilDate?
        if let c = mc["birth_date"], !f[c].isEmpty {
            birth = CivilDate(String(decoding: f[c], as: UTF8.self))
            if birth == nil { problems.append(FieldProblem("birth_date", Message("日期应为YYYY-MM-DD格式的真实日期", "a date is a real day written YYYY-MM-DD"))) }
        }
        let health = mc["health"].flatMap { c in f[c].isEmpty ? nil : enumValue(HealthStatus.self, f[c], "health", &problems) }
        let grade = mc["disability_grade"].flatMap { c in f[c].isEmpty ? nil : wholeNumber(f[c], "disability_grade", &problems) }
        let schooling = mc["schooling"].flatMap { c in f[c].isEmpty ? nil : enumValue(Schooling.self, f[c], "schooling", &problems) }
        let employment = mc["employment"].flatMap { c in f[c].isEmpty ? nil : enumValue(Employment.self, f[c], "employment", &problems) }
        let child = mc["child_category"].flatMap { c in f[c].isEmpty ? nil : enumValue(ChildCategory.self, f[c], "child_category", &problems) }
        let phone = mc["phone"].flatMap { c in f[c].isEmpty ? nil : f[c].utf8String }
        var member: Member?
        if let rid, let relation, let labor, problems.isEmpty {
            let m = Member(residentID: rid, householdID: hid, name: name, relation: relation, sex: sex, birthDate: birth,
                           laborAbility: labor, health: health ?? (grade != nil ? .disabled : .healthy), disabilityGrade: grade,
                           schooling: schooling ?? .notInSchool, employment: employment ?? .notApplicable, phone: phone,
                           childCategory: child)
            problems = m.problems(today: today)
            if problems.isEmpty { member = m }
        }
        return ParsedMember(line: line, householdID: hid, residentID: rid, member: member, problems: problems)
    }

    static func fieldCountProblem(_ got: Int, _ want: Int) -> FieldProblem {
        FieldProblem("", Message("本行有\(got)个字段，表头有\(want)个", "the row has \(got) fields, the header \(want)"))
    }

    static func enumValue<E: CodeNamed>(_: E.Type, _ bytes: ArraySlice<UInt8>, _ field: String, _ problems: inout [FieldProblem]) -> E? {
        let s = String(decoding: bytes, as: UTF8.self)
        if let v = E(rawValue: s) { return v }
        problems.append(s.isEmpty ? emptyProblem(field) : E.problem(field: field, text: s))
        return nil
    }

    static func flag(_ bytes: ArraySlice<UInt8>, _ field: String, _ problems: inout [FieldProblem], optional: Bool = false) -> Bool {
        if bytes.count == 1 && (bytes.first == 48 || bytes.first == 49) { return bytes.first == 49 }
        if optional && bytes.isEmpty { return false }
        problems.append(FieldProblem(field, Message("应为0或1", "must be 0 or 1")))
        return false
    }

    static func wholeNumber(_ bytes: ArraySlice<UInt8>, _ field: String, _ problems: inout [FieldProblem]) -> Int? {
        guard !bytes.isEmpty else { problems.append(emptyProblem(field)); return nil }
        guard bytes.count <= 15, bytes.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            problems.append(FieldProblem(field, Message("应为不带符号、小数点或空格的整数", "must be a whole number without sign, point or spaces")))
            return nil
        }
        return bytes.reduce(0) { $0 * 10 + Int($1 - 48) }
    }

    static func emptyProblem(_ field: String) -> FieldProblem {
        FieldProblem(field, Message("不能为空", "must not be empty"))
    }

    /// Column positions by name, looked up once per file.
    struct Columns: Sendable {
        var index: [String: Int] = [:]
        init(_ t: CSVTable, _ names: [String]) {
            for n in names { if let i = t.column(n) { index[n] = i } }
        }
        subscript(_ name: String) -> Int? { index[name] }
    }
}

extension HouseholdRecord {
    /// Same household and the same people with the same facts, whatever their order.
    public func sameContent(as other: HouseholdRecord) -> Bool {
        household == other.household
            && members.sorted { $0.residentID < $1.residentID } == other.members.sorted { $0.residentID < $1.residentID }
    }
}
