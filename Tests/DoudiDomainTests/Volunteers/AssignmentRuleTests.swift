import DoudiDomain
import Testing

@Suite("Volunteers' assignments (R-VOL-1): each refusal rule, the ranking, hours and the inputs")
struct AssignmentRuleTests {
    static let today = CivilDate("2026-12-05")!
    static let village = RegionCode("430481100201")!  // a village of 430481
    static let otherTownship = RegionCode("430481101000")!
    static let otherCounty = RegionCode("430482000000")!
    static let insured = Insurance(insurer: "人保", policyNumber: "P1", from: CivilDate("2026-12-01")!, to: CivilDate("2026-12-31")!)

    static func task(_ mode: ServiceMode = .offline, _ risk: TaskRisk = .low, minutes: Int = 120, day: CivilDate = today) -> TaskFacts {
        TaskFacts(region: village, day: day, mode: mode, risk: risk, minutes: minutes, dailyLimit: 240, weeklyLimit: 600, skills: [.delivery])
    }
    static func volunteer(_ id: Int64 = 1, home: RegionCode = village, insurance: Insurance? = insured, health: HealthDeclaration? = .init(day: today, temperature: 36.6, symptoms: []),
                          day: Int = 0, week: Int = 0, online: Bool = false, skills: Set<VolunteerSkill> = [.delivery], reach: [RegionCode] = []) -> VolunteerFacts {
        VolunteerFacts(id: id, home: home, reach: reach, skills: skills, online: online, insurance: insurance, health: health, minutesOnDay: day, minutesInWeek: week)
    }

    /// One row per situation: the task, the volunteer, the level in force → the rules broken.
    @Test(arguments: [
        ("all well", task(), volunteer(), ResponseLevel.level2, [AssignmentRule]()),
        ("other county, offline, response in force", task(), volunteer(home: otherCounty), .level3, [.crossRegion]),
        ("other county, offline, no response", task(), volunteer(home: otherCounty), ResponseLevel.none, []),
        ("other county, online, response in force", task(.online), volunteer(home: otherCounty), .level1, []),
        ("other township of the same county", task(), volunteer(home: otherTownship), .level1, []),
        ("personal risk, no insurance", task(.offline, .moderate), volunteer(insurance: nil), .level2, [.noInsurance]),
        ("personal risk, insurance ended before the day", task(.offline, .high, day: CivilDate("2027-01-02")!), volunteer(), .level2, [.noInsurance]),
        ("low risk, no insurance", task(), volunteer(insurance: nil), .level2, []),
        ("no declaration", task(), volunteer(health: nil), .level2, [.notFitToday]),
        ("yesterday's declaration", task(), volunteer(health: .init(day: CivilDate("2026-12-04")!, temperature: nil, symptoms: [])), .level2, [.notFitToday]),
        ("a cough today", task(), volunteer(health: .init(day: today, temperature: nil, symptoms: [.cough])), .level2, [.notFitToday]),
        ("37.3 °C today", task(), volunteer(health: .init(day: today, temperature: 37.3, symptoms: [])), .level2, [.notFitToday]),
        ("37.2 °C today", task(), volunteer(health: .init(day: today, temperature: 37.2, symptoms: [])), .level2, []),
        ("day limit reached exactly", task(), volunteer(day: 120, week: 120), .level2, []),
        ("day limit passed by half an hour", task(), volunteer(day: 150, week: 150), .level2, [.hourLimit]),
        ("week limit passed", task(), volunteer(day: 0, week: 500), .level2, [.hourLimit]),
        ("everything at once", task(.offline, .high), volunteer(home: otherCounty, insurance: nil, health: nil, week: 599), .level1,
         [.crossRegion, .noInsurance, .notFitToday, .hourLimit]),
    ] as [(String, TaskFacts, VolunteerFacts, ResponseLevel, [AssignmentRule])])
    func refusals(_ what: String, _ task: TaskFacts, _ v: VolunteerFacts, _ level: ResponseLevel, _ expected: [AssignmentRule]) {
        #expect(AssignmentRules.refusals(task, v, level: level, today: Self.today) == expected, "\(what)")
    }

    @Test func everyRuleSpeaksBothLanguages() {
        for r in AssignmentRule.allCases {
            #expect(r.message.zh.unicodeScalars.contains { $0.value >= 0x4E00 } && r.message.en.count > 20)
        }
        #expect(Set(AssignmentRule.allCases.map(\.rawValue)) == ["crossRegion", "noInsurance", "notFitToday", "hourLimit"])
    }

    @Test(arguments: [("430481100201", Nearness.village), ("430481100000", .township), ("430481100202", .township), ("430481101201", .county),
                      ("430481000000", .county), ("430482100201", .farther), ("430400000000", .farther)])
    func nearness(_ home: String, _ expected: Nearness) {
        #expect(Nearness.between(RegionCode(home)!, Self.village) == expected)
    }

    /// A task of a whole township: its villages and the township itself are the same township, never the same village.
    @Test(arguments: [("430481100201", Nearness.township), ("430481100000", .township), ("430481101000", .county), ("430481000000", .county)])
    func nearnessToATownship(_ home: String, _ expected: Nearness) {
        #expect(Nearness.between(RegionCode(home)!, RegionCode("430481100000")!) == expected)
    }

    /// Allowed first, then (online tasks) online volunteers, nearest, with the skill, most hours left, lowest number.
    @Test func ranking() {
        let vs = [
            Self.volunteer(1, home: Self.otherTownship),  // county
            Self.volunteer(2, home: RegionCode("430481100000")!),  // township
            Self.volunteer(3, health: nil),  // same village but not fit today
            Self.volunteer(4, week: 300),  // same village, fewer hours left
            Self.volunteer(5),  // same village
            Self.volunteer(6, skills: [.publicity]),  // same village, no skill
            Self.volunteer(7, home: Self.otherTownship, reach: [RegionCode("430481100000")!]),  // reaches the township
        ]
        let offline = Matching.rank(Self.task(), vs, level: { _ in .level2 }, today: Self.today).map(\.volunteer.id)
        #expect(offline == [5, 4, 6, 2, 7, 1, 3])
        let online = Matching.rank(Self.task(.online), vs + [Self.volunteer(8, home: Self.otherCounty, online: true)], level: { _ in .level2 }, today: Self.today)
        #expect(online.map(\.volunteer.id) == [8, 5, 4, 6, 2, 7, 1, 3])
        #expect(online.first?.nearness == .farther && online.last?.refusals == [.notFitToday])
    }

    /// Whatever the volunteers, the ranking is a permutation and no refused one comes before an allowed one.
    @Test func rankingProperty() {
        var g = SystemRandomNumberGenerator()
        let homes = [Self.village, Self.otherTownship, Self.otherCounty, RegionCode("430481100000")!]
        for _ in 0..<200 {
            let vs = (1...Int.random(in: 1...12, using: &g)).map { i in
                Self.volunteer(Int64(i), home: homes.randomElement(using: &g)!, insurance: Bool.random(using: &g) ? Self.insured : nil,
                               health: Bool.random(using: &g) ? .init(day: Self.today, temperature: nil, symptoms: []) : nil,
                               week: Int.random(in: 0...10, using: &g) * 60, online: Bool.random(using: &g))
            }
            let task = Self.task(Bool.random(using: &g) ? .online : .offline, TaskRisk.allCases.randomElement(using: &g)!)
            let ranked = Matching.rank(task, vs, level: { _ in .level1 }, today: Self.today)
            #expect(Set(ranked.map(\.volunteer.id)) == Set(vs.map(\.id)) && ranked.count == vs.count)
            let allowed = ranked.map(\.refusals.isEmpty)
            #expect(allowed == allowed.sorted { $0 && !$1 })
            #expect(ranked.allSatisfy { $0.refusals == AssignmentRules.refusals(task, $0.volunteer, level: .level1, today: Self.today) })
        }
    }

    @Test(arguments: [("2026-12-05", "2026-11-30"), ("2026-11-30", "2026-11-30"), ("2026-12-06", "2026-11-30"), ("2026-12-07", "2026-12-07"), ("1970-01-01", "1969-12-29")])
    func weekStartsOnMonday(_ day: String, _ monday: String) {
        #expect(AssignmentRules.weekStart(CivilDate(day)!) == CivilDate(monday)!)
    }

    @Test(arguments: [("2", 120), ("1.5", 90), ("0.5", 30), ("0", nil), ("1.25", nil), ("25", nil), ("x", nil), ("12", 720)] as [(String, Int?)])
    func hours(_ text: String, _ minutes: Int?) {
        #expect(Hours.minutes(text) == minutes)
        if let minutes { #expect(Hours.minutes(Hours.text(minutes)) == minutes) }
    }

    @Test func inputsNameEveryProblem() throws {
        let v = VolunteerDraft.check(name: "王", mobile: "123", joinedThrough: "bus", joinedVia: "", home: "4304", reach: ["x"], skills: ["flying"], languages: "",
                                     online: false, availability: "", insurer: "人保", policyNumber: "", insuredFrom: "2026-12-31", insuredTo: "2026-12-01",
                                     username: "wang", password: "")
        guard case .failure(let p) = v else { Issue.record("accepted"); return }
        #expect(Set(p.problems.map(\.field)) == ["name", "mobile", "joinedThrough", "homeRegion", "reachRegions", "skills", "insurer", "insuredTo", "username"])
        let t = TaskDraft.check(postID: "1", region: "430481100201", day: "2026-12-04", hours: "13", mode: "walk", risk: "low", needed: "0", note: "",
                                household: "H1", childCase: "2", today: Self.today)
        guard case .failure(let q) = t else { Issue.record("accepted"); return }
        #expect(Set(q.problems.map(\.field)) == ["day", "hours", "mode", "needed", "householdId"])
        let ok = try PostDraft.check(name: "", kind: "necessities", region: "430481100000", skills: [], dailyHours: "4", weeklyHours: "10").get()
        #expect(ok.name == "生活用品配送" && ok.skills == [.delivery] && ok.dailyLimit == 240)
        let fever = try HealthDeclaration.check(temperature: "38.1", symptoms: [], today: Self.today).get()
        #expect(!fever.fit)
    }
}
