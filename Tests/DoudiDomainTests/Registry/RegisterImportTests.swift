import Testing
@testable import DoudiDomain

/// Builds valid IDs for test rows.
func rid(_ body17: String) -> String {
    body17 + String(UnicodeScalar(ResidentID.checkCharacter(for: Array(body17.utf8))))
}

@Suite("Register import checks")
struct RegisterImportTests {
    static let village = RegionCode("430481001001")!
    static let today = CivilDate(year: 2026, month: 11, day: 22)!
    static let register = RegisterImport.Register(knownRegion: { $0 == village }, householdOfPerson: { _ in nil }, existing: [:])

    static func plan(_ h: String, _ m: String, register: RegisterImport.Register = register) throws -> RegisterImport.Plan {
        let ht = try RegisterImport.table(Array(h.utf8), file: "households.csv", required: RegisterImport.householdColumns)
        let mt = try RegisterImport.table(Array(m.utf8), file: "members.csv", required: RegisterImport.memberColumns)
        return RegisterImport.plan(households: "households.csv", ht, members: "members.csv", mt, register: register, today: today)
    }

    let head = rid("43048119700101001")
    let wife = rid("43048119720202002")
    let son = rid("43048120100303003")

    var households: String {
        """
        household_id,region_code,poverty_status,dibao,income_per_capita
        H1,430481001001,exited,0,8000
        H2,430481001001,none,1,5000
        H3,430481001001,bogus,0,5000

        """
    }

    @Test func goodHouseholdsAreTakenAndSexAndBirthComeFromTheID() throws {
        let m = """
        resident_id,household_id,relation,labor_ability,name
        \(head),H1,head,full,王强
        \(wife),H1,spouse,partial,李芳
        \(son),H2,head,none,
        """
        let p = try Self.plan(households, m)
        #expect(p.accepted.map(\.household.id) == ["H1", "H2"])
        let wang = p.accepted[0].members[0]
        #expect(wang.sex == .male)
        #expect(wang.birthDate == CivilDate(year: 1970, month: 1, day: 1))
        #expect(p.accepted[0].members[1].sex == .female)
        // H3 has a bad poverty_status: its row is rejected and it is named as left out.
        #expect(p.rejections.map { "\($0.file):\($0.line):\($0.field)" } == ["households.csv:4:poverty_status"])
        #expect(p.leftOut == ["H3"])
    }

    /// A household id is shown in full everywhere: one that holds a resident ID would undo that person's mask.
    @Test("household ids", arguments: [
        ("H430481001001-7", true), ("HH-\(rid("43048119700101001"))", false), (rid("43048119700101001"), false),
        ("43048119700101001", true), ("H-430481197001010010", true),  // 17 digits, or 18 with a wrong check character
    ])
    func householdIDs(_ id: String, _ ok: Bool) {
        #expect((Household.idProblem(id) == nil) == ok)
        if !ok { #expect(Household.idProblem(id)?.message.zh.contains("身份证") == true) }
    }

    @Test func oneBadMemberLeavesItsWholeHouseholdOutAndSaysSo() throws {
        let badCheck = String(head.dropLast()) + (head.last == "1" ? "2" : "1")
        let m = """
        resident_id,household_id,relation,labor_ability
        \(badCheck),H1,head,full
        \(wife),H1,spouse,partial
        \(son),H2,head,none
        """
        let p = try Self.plan(households, m)
        #expect(p.accepted.map(\.household.id) == ["H2"])
        let lines = p.rejections.map { "\($0.file):\($0.line):\($0.field)" }
        #expect(lines.contains("members.csv:2:resident_id"))
        // H1's own line names the row that left it out.
        let h1 = p.rejections.first { $0.file == "households.csv" && $0.line == 2 }
        #expect(h1?.message.en.contains("line 2 of members.csv") == true)
        #expect(p.leftOut.isSuperset(of: ["H1", "H3"]))
    }

    @Test func aPersonTwiceInTheFileOrAlreadyElsewhereIsRejectedNamingTheOther() throws {
        let m = """
        resident_id,household_id,relation,labor_ability
        \(head),H1,head,full
        \(head),H2,head,full
        """
        let p = try Self.plan(households, m)
        let dup = p.rejections.first { $0.file == "members.csv" && $0.line == 3 }
        #expect(dup?.message.en.contains("line 2") == true)
        #expect(p.accepted.map(\.household.id) == ["H1"])

        let key = try ResidentID(head).key
        let withRegister = RegisterImport.Register(knownRegion: { $0 == Self.village }, householdOfPerson: { $0.key == key ? "H9" : nil }, existing: [:])
        let p2 = try Self.plan(households, "resident_id,household_id,relation,labor_ability\n\(head),H1,head,full\n", register: withRegister)
        #expect(p2.accepted.isEmpty)
        #expect(p2.rejections.contains { $0.message.zh.contains("H9") && $0.field == "resident_id" })
    }

    @Test("row-level errors name file, line and field", arguments: [
        ("H1,430481001001,exited,2,8000", "dibao"),
        ("H1,430481001001,exited,0,-5", "income_per_capita"),
        ("H1,430481001,exited,0,5", "region_code"),
        ("H1,430481001002,exited,0,5", "region_code"),
        ("H1,430481001000,exited,0,5", "region_code"),
        ("H1,430481001001,exited,0", ""),
        ("H 1,430481001001,exited,0,5", "household_id"),
    ])
    func rowErrors(_ row: String, _ field: String) throws {
        let p = try Self.plan("household_id,region_code,poverty_status,dibao,income_per_capita\n\(row)\n",
                              "resident_id,household_id,relation,labor_ability\n\(head),H1,head,full\n")
        #expect(p.accepted.isEmpty)
        #expect(p.rejections.first?.line == 2)
        #expect(p.rejections.first?.field == field)
    }

    @Test func householdWithoutHeadOrMembersIsRejected() throws {
        let p = try Self.plan(households, "resident_id,household_id,relation,labor_ability\n\(wife),H1,spouse,full\n")
        #expect(p.accepted.isEmpty)
        #expect(p.rejections.contains { $0.householdID == "H1" && $0.field == "relation" })
        #expect(p.rejections.contains { $0.householdID == "H2" && $0.message.en.contains("no members") })
    }

    @Test func rerunOfStoredHouseholdsIsUnchanged() throws {
        let m = "resident_id,household_id,relation,labor_ability\n\(head),H1,head,full\n\(son),H2,head,none\n"
        let first = try Self.plan(households, m)
        var existing: [String: HouseholdRecord] = [:]
        var people: [UInt64: String] = [:]
        for r in first.accepted {
            existing[r.household.id] = r
            for mm in r.members { people[mm.residentID.key] = r.household.id }
        }
        let known = people
        let again = try Self.plan(households, m, register: .init(knownRegion: { $0 == Self.village }, householdOfPerson: { known[$0.key] }, existing: existing))
        #expect(again.accepted.isEmpty)
        #expect(again.unchanged == 2)
    }

    @Test func missingColumnsStopTheWholeFile() {
        #expect(throws: Message.self) {
            try RegisterImport.table(Array("household_id,region_code\nH1,1\n".utf8), file: "households.csv", required: RegisterImport.householdColumns)
        }
    }
}

@Suite("CSV reader")
struct CSVTests {
    @Test func quotedFieldsBOMAndCRLF() throws {
        let t = try CSVTable(bytes: [0xEF, 0xBB, 0xBF] + Array("a,b,c\r\n1,\"x,y\",\"say \"\"hi\"\"\"\r\n\r\n2,,3\n".utf8))
        #expect(t.header == ["a", "b", "c"])
        var rows: [(Int, [String])] = []
        t.forEachRow { line, f in rows.append((line, f.map { String(decoding: $0, as: UTF8.self) })) }
        #expect(rows.map(\.0) == [2, 4])
        #expect(rows[0].1 == ["1", "x,y", "say \"hi\""])
        #expect(rows[1].1 == ["2", "", "3"])
    }
}

@Suite("Self-report checks (R-MON-11)")
struct SelfReportCheckTests {
    static let today = CivilDate(year: 2026, month: 11, day: 22)!
    static let good = SelfReport(name: " 张三 ", residentID: rid("43048119700101001").lowercased(), mobile: "13912345678",
                                 regionCode: "430481001001", riskKinds: ["illness", "epidemic", "illness"], description: "", consent: true)

    @Test func aGoodReportIsNormalised() throws {
        let c = try Self.good.check(today: Self.today).get()
        #expect(c.name == "张三")
        #expect(c.riskKinds == [.illness, .epidemic])
        #expect(c.village == RegionCode("430481001001"))
    }

    @Test func everyBadFieldIsNamedAtOnce() {
        let bad = SelfReport(name: "", residentID: "123", mobile: "2391234567", regionCode: "430481000000", riskKinds: ["x"],
                             description: String(repeating: "字", count: 501), consent: false)
        guard case .failure(let p) = bad.check(today: Self.today) else { Issue.record("accepted"); return }
        #expect(Set(p.problems.map(\.field)) == ["name", "residentId", "mobile", "regionCode", "riskKinds", "description", "consent"])
    }

    @Test func trackingCodesAreReadableAndVaried() {
        var g = DemoRegister.Generator(seed: 1)
        let codes = (0..<1000).map { _ in TrackingCode.make(using: &g) }
        #expect(codes.allSatisfy(TrackingCode.isWellFormed))
        #expect(Set(codes).count == 1000)
        #expect(!codes.joined().contains { "01IO".contains($0) })
        // Every symbol turns up in every position: no position is stuck or narrowed.
        for i in 0..<10 {
            #expect(Set(codes.map { Array($0)[i] }).count == 32, "position \(i)")
        }
    }
}
