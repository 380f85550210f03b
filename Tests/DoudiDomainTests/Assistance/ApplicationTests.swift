import Testing
@testable import DoudiDomain

@Suite("An application's procedure (R-DB-5): each step's actor, the order, the notice, spot checks, deadlines in working days")
struct ApplicationTests {
    static let limits = ApplicationTimeLimits()
    static func d(_ s: String) -> CivilDate { CivilDate(s)! }
    typealias Move = (Role, ApplicationAction, String)

    /// Runs the moves from a fresh application, each on its day; the state and outcome after the last, or the
    /// first refusal with the index of the move refused.
    static func run(_ moves: [Move], spotCheck: Bool = false, delegated: Bool = false) -> Result<(ApplicationState, ApplicationState.Outcome), RunFailure> {
        var s = ApplicationState(submittedOn: d("2026-11-02"), spotCheck: spotCheck, delegated: delegated)
        var outcome = ApplicationState.Outcome.running
        for (i, m) in moves.enumerated() {
            switch s.applying(m.1, by: m.0, today: d(m.2), limits: limits) {
            case .success(let r): (s, outcome) = r
            case .failure(let p): return .failure(RunFailure(index: i, problem: p))
            }
        }
        return .success((s, outcome))
    }
    struct RunFailure: Error, Equatable { var index: Int; var problem: FieldProblem }

    static let toNotice: [Move] = [(.townshipOfficer, .accept, "2026-11-03"), (.townshipOfficer, .recordHomeVisit(note: "入户核实：无稳定收入"), "2026-11-05"),
                                   (.townshipOfficer, .opinion(approve: true, amount: 600, reasons: ""), "2026-11-10")]
    static let notice: [Move] = [(.villageCadre, .startNotice(from: d("2026-11-11"), to: d("2026-11-18")), "2026-11-11"), (.villageCadre, .closeNotice, "2026-11-19")]

    @Test func theWholeWayToApproval() throws {
        let (s, outcome) = try Self.run(Self.toNotice + Self.notice + [(.countyOfficer, .approve(amount: 600), "2026-11-20")]).get()
        #expect(outcome == .approved(amount: 600) && s.step == .approval && s.proposedAmount == 600)
    }

    @Test("a move refused, and why", arguments: [
        // (moves, index refused, field)
        ([(Role.villageCadre, ApplicationAction.accept, "2026-11-03")], 0, "step"),
        ([(.countyOfficer, .accept, "2026-11-03")], 0, "step"),
        ([(.townshipOfficer, .approve(amount: 600), "2026-11-03")], 0, "step"),
        ([(.townshipOfficer, .accept, "2026-11-03"), (.townshipOfficer, .opinion(approve: true, amount: 600, reasons: ""), "2026-11-04")], 1, "step"),
        ([(.townshipOfficer, .accept, "2026-11-03"), (.townshipOfficer, .recordHomeVisit(note: " "), "2026-11-04")], 1, "note"),
        (toNotice.dropLast() + [(.townshipOfficer, .opinion(approve: false, amount: 0, reasons: ""), "2026-11-10")], 2, "reasons"),
        (toNotice.dropLast() + [(.townshipOfficer, .opinion(approve: true, amount: 0, reasons: ""), "2026-11-10")], 2, "amount"),
        (toNotice + [(.villageCadre, .startNotice(from: d("2026-11-11"), to: d("2026-11-17")), "2026-11-11")], 3, "to"),
        (toNotice + [(.villageCadre, .startNotice(from: d("2026-11-01"), to: d("2026-11-09")), "2026-11-11")], 3, "from"),
        (toNotice + [(.villageCadre, .startNotice(from: d("2026-11-11"), to: d("2026-11-18")), "2026-11-11"), (.villageCadre, .closeNotice, "2026-11-18")], 4, "notice"),
        (toNotice + [(.villageCadre, .startNotice(from: d("2026-11-11"), to: d("2026-11-18")), "2026-11-11"), (.villageCadre, .objection(text: "有车"), "2026-11-12"),
                     (.villageCadre, .closeNotice, "2026-11-19")], 5, "notice"),
        (toNotice + [(.countyOfficer, .startNotice(from: d("2026-11-11"), to: d("2026-11-18")), "2026-11-11")], 3, "step"),
        (toNotice + notice + [(.townshipOfficer, .approve(amount: 600), "2026-11-20")], 5, "step"),
        (toNotice + notice + [(.countyOfficer, .approve(amount: 0), "2026-11-20")], 5, "amount"),
        (toNotice + notice + [(.countyOfficer, .refuse(reasons: ""), "2026-11-20")], 5, "reasons"),
        ([(.townshipOfficer, .accept, "2026-11-03"), (.townshipOfficer, .extend(reason: "需核对外地存款"), "2026-11-04"),
          (.townshipOfficer, .extend(reason: "再延"), "2026-11-05")], 2, "step"),
        ([(.townshipOfficer, .accept, "2026-11-03"), (.countyOfficer, .recordCountyVisit(note: "抽查"), "2026-11-04")], 1, "step"),
    ] as [([Move], Int, String)])
    func refused(_ moves: [Move], _ index: Int, _ field: String) {
        guard case .failure(let f) = Self.run(moves) else { Issue.record("all moves were taken"); return }
        #expect(f.index == index && f.problem.field == field)
    }

    @Test("every role at every step: only the step's actors move it", arguments: Role.allCases)
    func everyRole(_ role: Role) {
        let atStep: [(ApplicationStep, [Move], Move, Set<Role>)] = [
            (.acceptance, [], (role, .accept, "2026-11-03"), [.townshipOfficer]),
            (.investigation, Array(Self.toNotice.prefix(1)), (role, .recordHomeVisit(note: "入户"), "2026-11-05"), [.townshipOfficer]),
            (.townshipOpinion, Array(Self.toNotice.prefix(2)), (role, .opinion(approve: true, amount: 600, reasons: ""), "2026-11-10"), [.townshipOfficer]),
            (.publicNotice, Self.toNotice, (role, .startNotice(from: Self.d("2026-11-11"), to: Self.d("2026-11-18")), "2026-11-11"), [.villageCadre, .townshipOfficer]),
            (.approval, Self.toNotice + Self.notice, (role, .approve(amount: 600), "2026-11-20"), [.countyOfficer]),
        ]
        for (step, before, move, actors) in atStep {
            let moved = (try? Self.run(before + [move]).get()) != nil
            #expect(moved == actors.contains(role), "\(step) by \(role)")
        }
    }

    @Test func refusalsEndWithTheirReasonsForTheLetter() throws {
        let township = try Self.run(Self.toNotice.dropLast() + [(.townshipOfficer, .opinion(approve: false, amount: 0, reasons: "家庭人均收入高于标准"), "2026-11-10")]).get()
        #expect(township.1 == .refused(reasons: "家庭人均收入高于标准"))
        let upheld = try Self.run(Self.toNotice + [(.villageCadre, .startNotice(from: Self.d("2026-11-11"), to: Self.d("2026-11-18")), "2026-11-11"),
                                                   (.villageCadre, .objection(text: "家有小轿车"), "2026-11-12"),
                                                   (.townshipOfficer, .resolveObjection(upheld: true, text: "复核属实：有非营运车辆"), "2026-11-14")]).get()
        #expect(upheld.1 == .refused(reasons: "复核属实：有非营运车辆"))
        let dismissed = try Self.run(Self.toNotice + [(.villageCadre, .startNotice(from: Self.d("2026-11-11"), to: Self.d("2026-11-18")), "2026-11-11"),
                                                      (.villageCadre, .objection(text: "家有小轿车"), "2026-11-12"),
                                                      (.townshipOfficer, .resolveObjection(upheld: false, text: "车辆为残疾人代步车"), "2026-11-14"),
                                                      (.villageCadre, .closeNotice, "2026-11-19")]).get()
        #expect(dismissed.0.step == .approval && dismissed.1 == .running)
    }

    @Test func aSpotCheckedApplicationWaitsForTheCountysVisit() throws {
        let before = Self.run(Self.toNotice + Self.notice + [(.countyOfficer, .approve(amount: 600), "2026-11-20")], spotCheck: true)
        #expect((try? before.get()) == nil)
        let visited = try Self.run([(.townshipOfficer, .accept, "2026-11-03"), (.countyOfficer, .recordCountyVisit(note: "县级入户抽查：属实"), "2026-11-04")]
                                   + Self.toNotice.dropFirst() + Self.notice + [(.countyOfficer, .approve(amount: 600), "2026-11-20")], spotCheck: true).get()
        #expect(visited.1 == .approved(amount: 600) && visited.0.countyVisited)
    }

    @Test func whereApprovalIsDelegatedTheTownshipApproves() throws {
        let moves = Self.toNotice + Self.notice
        #expect(try Self.run(moves + [(.townshipOfficer, .approve(amount: 600), "2026-11-20")], delegated: true).get().1 == .approved(amount: 600))
        #expect((try? Self.run(moves + [(.countyOfficer, .approve(amount: 600), "2026-11-20")], delegated: true).get()) == nil)
    }

    @Test("each step's deadline in working days, across National Day 2025")
    func deadlines() {
        let calendar = WorkingDayCalendar((1...8).map { CalendarDay(date: Self.d("2025-10-0\($0)"), kind: .holiday, name: "国庆节") }
                                          + [CalendarDay(date: Self.d("2025-09-28"), kind: .workday, name: "调休"), CalendarDay(date: Self.d("2025-10-11"), kind: .workday, name: "调休")])
        var s = ApplicationState(submittedOn: Self.d("2025-09-26"), spotCheck: false)
        #expect(s.due(Self.limits, calendar) == Self.d("2025-10-10"))   // 28, 29, 30 Sept, 9, 10 Oct
        s.step = .investigation; s.acceptedOn = Self.d("2025-09-30")
        #expect(s.due(Self.limits, calendar) == Self.d("2025-10-28"))   // 15 working days from 9 October
        s.extended = true
        #expect(s.due(Self.limits, calendar) == Self.d("2025-11-18"))
        s.step = .approval; s.noticeTo = Self.d("2025-11-10")
        #expect(s.due(Self.limits, calendar) == Self.d("2025-11-24"))
    }

    @Test("spot checks: the county's share, and every relative of staff", arguments: [(29, false, true), (30, false, false), (99, true, true), (0, false, true)])
    func spotChecks(_ draw: Int, _ relative: Bool, _ checked: Bool) {
        #expect(spotChecked(percent: 30, draw: draw, relativeOfStaff: relative) == checked)
        #expect((0..<100).count(where: { spotChecked(percent: 30, draw: $0, relativeOfStaff: false) }) == 30)
    }
}
