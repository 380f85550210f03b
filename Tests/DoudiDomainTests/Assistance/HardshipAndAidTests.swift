import Testing
@testable import DoudiDomain

@Suite("特困 (R-TK-1), temporary aid (R-LS-1) and the same-month share (R-DB-5)")
struct HardshipAndAidTests {
    static let day = CivilDate("2026-11-15")!
    static func born(_ s: String) -> CivilDate { CivilDate(s)! }

    @Test("the three conditions at once, over the groups and their limits", arguments: [
        // (birth date, disability, income a person a month, able supporter, full-time education, already receiving, qualifies)
        ("1956-01-01", nil, 0, false, false, false, true),                                   // 70, nothing, no one
        ("1981-01-01", Disability(.physical, grade: 2), 0, false, false, false, true),        // 45, grade 2 physical
        ("1981-01-01", Disability(.physical, grade: 3), 0, false, false, false, false),       // grade 3 physical can work
        ("1981-01-01", Disability(.intellectual, grade: 3), 0, false, false, false, true),
        ("1981-01-01", Disability(.visual, grade: 2), 0, false, false, false, false),
        ("2009-01-01", nil, 0, false, false, false, true),                                    // 17: a minor (under 18 since 2021)
        ("2008-01-01", nil, 0, false, true, true, true),                                      // 18 in full-time education, already receiving
        ("2008-01-01", nil, 0, false, true, false, false),                                    // 18, asking for the first time
        ("1956-01-01", nil, 0, true, false, false, false),                                    // a son able to support
        ("1956-01-01", nil, 500, false, false, false, false),                                 // income at the standard
    ] as [(String, Disability?, Int, Bool, Bool, Bool, Bool)])
    func extremeHardship(_ birth: String, _ disability: Disability?, _ income: Int, _ supporter: Bool, _ school: Bool, _ receiving: Bool, _ ok: Bool) {
        let p = ExtremeHardshipApplicant(birthDate: Self.born(birth), disability: disability, perCapitaMonthly: .yuan(income), ableSupporter: supporter, fullTimeEducation: school)
        #expect(p.unmet(on: Self.day, dibaoStandard: 500, alreadyReceiving: receiving).isEmpty == ok)
    }

    @Test("特困: 130 % of the dibao standard and a care allowance by capacity")
    func extremeHardshipAmount() {
        let rules = ExtremeHardshipRules(careAllowance: [.full: 0, .partlyLost: 150, .lost: 300])
        #expect(rules.monthly(dibaoStandard: 500, care: .lost) == (650, 300))
        #expect(rules.monthly(dibaoStandard: 497, care: .partlyLost) == (646, 150))
        #expect(ExtremeHardshipRules(basicPercentOfDibao: 150).monthly(dibaoStandard: 500, care: .full) == (750, 0))
    }

    @Test("temporary aid: who approves an amount, as multiples of the monthly standard", arguments: [
        (1_500, AidApprover.township), (1_501, .county), (6_000, .county), (6_001, .jointMeeting), (18_000, .jointMeeting), (18_001, nil),
    ] as [(Int, AidApprover?)])
    func tiers(_ amount: Int, _ approver: AidApprover?) {
        #expect(TemporaryAidTier.approver(for: amount, monthlyStandard: 500, tiers: TemporaryAidTier.typical) == approver)
    }

    @Test("aid first: the paperwork's deadline in working days, across National Day 2025")
    func aidFirst() {
        let holidays = (1...8).map { CalendarDay(date: CivilDate("2025-10-0\($0)")!, kind: .holiday, name: "国庆节") }
            + [CalendarDay(date: CivilDate("2025-10-11")!, kind: .workday, name: "国庆节调休上班")]
        let calendar = WorkingDayCalendar(holidays)
        let paid = AidFirst(paidOn: CivilDate("2025-09-30")!, limit: TimeLimit(days: 10, count: .workingDays))
        // 9, 10, 11 (Saturday, worked), 13–17, 20, 21 October.
        #expect(paid.due(calendar) == CivilDate("2025-10-21"))
        #expect(!paid.late(today: CivilDate("2025-10-21")!, calendar) && paid.late(today: CivilDate("2025-10-22")!, calendar))
        var done = paid
        done.completedOn = CivilDate("2025-10-20")
        #expect(!done.late(today: CivilDate("2026-01-01")!, calendar))
    }

    @Test("the township's reserve fund")
    func reserveFund() {
        let fund = ReserveFund(deposits: [20_000], payments: [3_000, 2_000])
        #expect(fund.balance == 15_000 && fund.canPay(15_000) && !fund.canPay(15_001) && !fund.canPay(0))
    }

    @Test("当月审批、当月发放: approved in the month and first paid in it, over those approved in it")
    func sameMonth() {
        let nov = YearMonth("2026-11")!
        let approvals = [("2026-11-03", "2026-11"), ("2026-11-10", "2026-11"), ("2026-11-28", "2026-12"), ("2026-11-30", nil), ("2026-10-30", "2026-11")]
            .map { SameMonthShare.Approval(approvedOn: CivilDate($0.0)!, firstPaid: $0.1.flatMap { YearMonth($0) }) }
        let s = SameMonthShare(month: nov, approvals: approvals)
        #expect(s.approved == 4 && s.approvedAndPaidSameMonth == 2 && s.share == 0.5)
        #expect(SameMonthShare(month: YearMonth("2026-09")!, approvals: approvals).share == nil)
    }
}

@Suite("Aid first as the township records it (R-LS-1): the ceiling from the region's standard and tiers, what must be given")
struct AidFirstInputTests {
    @Test("the township's ceiling: its tier times the standard of where the person lives", arguments: [
        ([PolicyKey.dibaoUrban: "678", .dibaoRural: "497"], AreaKind.urban, 2_034),
        ([.dibaoUrban: "678", .dibaoRural: "497"], .rural, 1_491),
        ([.dibaoUrban: "678", .aidTownshipMultiple: "2"], .urban, 1_356),
    ] as [([PolicyKey: String], AreaKind, Int)])
    func ceiling(_ values: [PolicyKey: String], _ area: AreaKind, _ ceiling: Int) {
        #expect(Policy(values: values, sources: [:]).aidFirstCeiling(area) == ceiling)
    }

    @Test("the tiers fall back to the typical ones key by key, and the paperwork to ten working days")
    func tiers() {
        let p = Policy(values: [.aidCountyMultiple: "10", .aidFirstDays: "5"], sources: [:])
        #expect(p.aidTiers.map(\.maxMultiple) == [3, 10, 36] && p.aidTiers.map(\.approver) == [.township, .county, .jointMeeting])
        #expect(p.aidFirstLimit == TimeLimit(days: 5, count: .workingDays) && Policy(values: [:], sources: [:]).aidFirstLimit.days == 10)
        #expect(Policy(values: [:], sources: [:]).aidFirstCeiling(.urban) == nil)
    }

    @Test("what is refused, field by field", arguments: [
        (1_000, "因火灾房屋受损", "赵外来", 2_034 as Int?, [String]()),
        (2_035, "因火灾房屋受损", "赵外来", 2_034, ["amount"]),
        (0, "因火灾房屋受损", "赵外来", 2_034, ["amount"]),
        (100, "  ", "赵外来", 2_034, ["reason"]),
        (100, "因火灾房屋受损", " ", 2_034, ["name"]),
        (100, "因火灾房屋受损", "赵外来", nil, ["amount"]),
    ])
    func problems(_ amount: Int, _ reason: String, _ name: String, _ ceiling: Int?, _ fields: [String]) {
        let recipient = AidRecipient.outside(name: name, residentID: try! ResidentID("11010519491231002X"), registeredAt: "")
        let input = AidFirstInput(recipient: recipient, place: RegionCode("430481001001")!, kind: .emergency, amount: amount, reason: reason)
        #expect(input.problems(ceiling: ceiling).map(\.field) == fields)
    }
}

@Suite("Temporary aid's approval goes to the tier of its amount (R-LS-1)")
struct AidApprovalTests {
    @Test("who approves", arguments: [
        (AidApprover?.some(.township), false, Role.townshipOfficer), (.county, false, .countyOfficer), (.jointMeeting, false, .countyOfficer),
        (nil, false, .countyOfficer), (nil, true, .townshipOfficer),
    ])
    func approver(_ approver: AidApprover?, _ delegated: Bool, _ role: Role) {
        var s = ApplicationState(submittedOn: CivilDate("2026-10-01")!, spotCheck: false, delegated: delegated)
        s.step = .approval
        s.approver = approver
        #expect(s.actors == [role])
        let other: Role = role == .townshipOfficer ? .countyOfficer : .townshipOfficer
        #expect(throws: Never.self) { try s.applying(.approve(amount: 100), by: role, today: CivilDate("2026-10-20")!, limits: ApplicationTimeLimits()).get() }
        #expect(throws: FieldProblem.self) { try s.applying(.approve(amount: 100), by: other, today: CivilDate("2026-10-20")!, limits: ApplicationTimeLimits()).get() }
    }
}
