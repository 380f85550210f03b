import Testing
@testable import DoudiDomain

@Suite("A 3866 case's six steps: every move for every role, the returns, closing, deadlines in working days")
struct CaseTests {
    static func d(_ s: String) -> CivilDate { CivilDate(s)! }
    static let today = d("2026-11-16")

    /// Who finishes each step, written out here rather than read from the code under test.
    static let finishers: [CaseStep: Set<Role>] = [
        .survey: [.villageCadre, .townshipOfficer], .file: [.villageCadre, .townshipOfficer], .approve: [.townshipOfficer, .countyOfficer],
        .aid: [.townshipOfficer, .countyOfficer], .serve: [.villageCadre, .townshipOfficer], .monitor: [.townshipOfficer, .countyOfficer],
    ]
    static let after: [CaseStep: CaseStep] = [.survey: .file, .file: .approve, .approve: .aid, .aid: .serve, .serve: .monitor]
    static let backTo: [CaseStep: Set<CaseStep>] = [.approve: [.file], .serve: [.aid], .monitor: [.aid, .serve]]
    static let closable: Set<CaseStep> = [.survey, .file, .monitor]

    /// Every move (advance, back to each step, close) from every step by every role: allowed exactly where the
    /// table says, and then to the step the table says, dated today.
    @Test("every move from every step by every role", arguments: CaseStep.allCases)
    func everyMove(_ step: CaseStep) {
        let s = CaseState(step: step, since: Self.d("2026-11-02"))
        let moves: [CaseMove] = [.advance(note: "已入户核实")] + CaseStep.allCases.map { .sendBack(to: $0, reason: "材料不全") } + [.close(reason: "户情稳定")]
        for role in Role.allCases {
            for move in moves {
                let result = s.applying(move, by: role, today: Self.today)
                let expected: CaseState? = {
                    guard Self.finishers[step]!.contains(role) else { return nil }
                    switch move {
                    case .advance: return Self.after[step].map { CaseState(step: $0, since: Self.today) }
                    case .sendBack(let to, _): return Self.backTo[step, default: []].contains(to) ? CaseState(step: to, since: Self.today) : nil
                    case .close: return Self.closable.contains(step) ? CaseState(step: step, status: .closed, since: Self.today) : nil
                    }
                }()
                switch result {
                case .success(let next): #expect(next == expected, "\(step) \(role) \(move)")
                case .failure(let p):
                    #expect(expected == nil, "\(step) \(role) \(move): \(p.message.zh)")
                    #expect(!p.message.zh.isEmpty && !p.message.en.isEmpty)
                }
            }
        }
    }

    @Test("a refusal names who does the step, in both languages")
    func refusalNamesTheActors() throws {
        let s = CaseState(step: .approve, since: Self.today)
        guard case .failure(let p) = s.applying(.advance(note: "同意"), by: .villageCadre, today: Self.today) else { Issue.record("a village cadre approved"); return }
        #expect(p.message.zh == "“审批”环节由县级审批人员或乡镇干部办理")
        #expect(p.message.en == "the approval step is done by county officer or township officer")
    }

    @Test("a move needs a note; a closed case takes no move", arguments: ["", "   ", String(repeating: "字", count: 2001)])
    func notes(_ note: String) {
        let s = CaseState(step: .survey, since: Self.today)
        guard case .failure(let p) = s.applying(.advance(note: note), by: .villageCadre, today: Self.today) else { Issue.record("moved without a note"); return }
        #expect(p.field == "note")
        let closed = CaseState(step: .monitor, status: .closed, since: Self.today)
        guard case .failure = closed.applying(.advance(note: "继续"), by: .townshipOfficer, today: Self.today) else { Issue.record("a closed case moved"); return }
    }

    @Test("walked through all six steps and closed stable; monitoring sends a household with new hardship back to aid")
    func walk() throws {
        var s = CaseState(since: Self.d("2026-11-02"))
        let walk: [(Role, CaseStep)] = [(.villageCadre, .file), (.villageCadre, .approve), (.countyOfficer, .aid), (.townshipOfficer, .serve), (.villageCadre, .monitor)]
        for (role, next) in walk {
            s = try s.applying(.advance(note: "办结"), by: role, today: Self.today).get()
            #expect(s.step == next)
        }
        if case .success = s.applying(.advance(note: "继续"), by: .townshipOfficer, today: Self.today) { Issue.record("moved past monitoring") }
        let back = try s.applying(.sendBack(to: .aid, reason: "家庭成员突发重病"), by: .countyOfficer, today: Self.today).get()
        #expect(back.step == .aid && back.status == .open)
        let closed = try s.applying(.close(reason: "收入稳定超过监测标准"), by: .townshipOfficer, today: Self.today).get()
        #expect(closed.status == .closed && closed.due(CaseTimeLimits(), WorkingDayCalendar()) == nil)
    }

    @Test("each step's deadline counts working days from the day it began, across National Day 2025")
    func deadlines() {
        let calendar = WorkingDayCalendar((1...8).map { CalendarDay(date: Self.d("2025-10-0\($0)"), kind: .holiday, name: "国庆节") }
                                          + [CalendarDay(date: Self.d("2025-09-28"), kind: .workday, name: "调休"), CalendarDay(date: Self.d("2025-10-11"), kind: .workday, name: "调休")])
        let limits = CaseTimeLimits()
        // Survey, 5 working days from Friday 26 September: 28, 29, 30 September, 9, 10 October.
        #expect(CaseState(step: .survey, since: Self.d("2025-09-26")).due(limits, calendar) == Self.d("2025-10-10"))
        // Approval, 10 working days from 30 September: 9, 10, 11, 13–17, 20, 21 October.
        #expect(CaseState(step: .approve, since: Self.d("2025-09-30")).due(limits, calendar) == Self.d("2025-10-21"))
        // A region's own limit replaces the shipped one.
        #expect(CaseState(step: .survey, since: Self.d("2025-09-26")).due(CaseTimeLimits([.survey: 1]), calendar) == Self.d("2025-09-28"))
        let policy = Policy(values: [.caseAidDays: "3"], calendar: calendar, sources: [:])
        #expect(policy.caseLimits.days(.aid) == 3 && policy.caseLimits.days(.serve) == 20)
    }
}

@Suite("R-MON-8: a visit a month, and who may be a helper")
struct HelperRuleTests {
    @Test("the next visit a month after the last, on the month's last day where the day is missing",
          arguments: [("2026-01-31", "2026-02-28"), ("2024-01-31", "2024-02-29"), ("2026-12-15", "2027-01-15"), ("2026-03-31", "2026-04-30"), ("2026-11-01", "2026-12-01")])
    func monthly(_ last: String, _ due: String) {
        #expect(MonthlyVisit.due(after: CivilDate(last)!) == CivilDate(due)!)
    }

    @Test("a village cadre of the village or a township officer of the township; no one else")
    func whoMayHelp() {
        let village = RegionCode("430481001001")!, township = RegionCode("430481001000")!, other = RegionCode("430481002001")!
        for role in Role.allCases {
            #expect(MonthlyVisit.mayHelp(role: role, region: village, household: village) == (role == .villageCadre || role == .townshipOfficer))
            #expect(!MonthlyVisit.mayHelp(role: role, region: other, household: village))
            #expect(MonthlyVisit.mayHelp(role: role, region: township, household: village) == (role == .villageCadre || role == .townshipOfficer))
        }
    }
}
