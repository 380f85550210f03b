import Testing
@testable import DoudiDomain

@Suite("Measures: the catalogue, every hand-over by every party from every status, the one-month rule (R-MON-8)")
struct MeasureTests {
    static func d(_ s: String) -> CivilDate { CivilDate(s)! }

    static let parties: [MeasureParty] = [.owner] + Department.allCases.map { .department($0) }

    /// What each move does, written out here rather than read from the code under test: from which statuses, by
    /// whom (the owner, or the department the measure is with), to which status and unit.
    static func expected(_ move: MeasureMove, from s: MeasureState, by party: MeasureParty) -> MeasureState? {
        let isReceiver = party == .department(s.unit) && s.unit != .civilAffairs
        switch move {
        case .refer(let to, _):
            guard party == .owner, [.inProgress, .declined].contains(s.status), to != .civilAffairs else { return nil }
            return MeasureState(status: .referred, unit: to)
        case .accept:
            guard s.status == .referred, isReceiver else { return nil }
            return MeasureState(status: .inProgress, unit: s.unit)
        case .decline:
            guard s.status == .referred, isReceiver else { return nil }
            return MeasureState(status: .declined, unit: .civilAffairs)
        case .finish:
            guard s.status == .inProgress, party == .owner || isReceiver else { return nil }
            return MeasureState(status: .done, unit: s.unit)
        case .withdraw:
            guard party == .owner, [.inProgress, .referred, .declined].contains(s.status) else { return nil }
            return MeasureState(status: .withdrawn, unit: s.status == .referred ? .civilAffairs : s.unit)
        }
    }

    @Test("every move from every status and unit by every party", arguments: MeasureStatus.allCases)
    func everyMove(_ status: MeasureStatus) {
        let moves: [MeasureMove] = Department.allCases.map { .refer(to: $0, note: "转介") }
            + [.accept(note: "接收"), .decline(reason: "不符合条件"), .finish(result: "已发放"), .withdraw(reason: "不再需要")]
        for unit in Department.allCases {
            let s = MeasureState(status: status, unit: unit)
            for party in Self.parties {
                for move in moves {
                    let want = Self.expected(move, from: s, by: party)
                    switch s.applying(move, by: party) {
                    case .success(let next): #expect(next == want, "\(s) \(party) \(move)")
                    case .failure(let p):
                        #expect(want == nil, "\(s) \(party) \(move): \(p.message.zh)")
                        #expect(!p.message.zh.isEmpty && !p.message.en.isEmpty)
                    }
                }
            }
        }
    }

    @Test("a referral round trip: referred, declined, referred elsewhere, accepted, given; the owner never changes")
    func roundTrip() throws {
        var s = MeasureState()
        s = try s.applying(.refer(to: .housing, note: "危房改造"), by: .owner).get()
        #expect(s == MeasureState(status: .referred, unit: .housing))
        // Another department cannot answer for the one asked.
        guard case .failure(let p) = s.applying(.accept(note: "接收"), by: .department(.education)) else { Issue.record("education answered for housing"); return }
        #expect(p.message.zh == "此措施转介给住房和城乡建设部门，由其接收或退回")
        s = try s.applying(.decline(reason: "不属于本部门职责"), by: .department(.housing)).get()
        #expect(s == MeasureState(status: .declined, unit: .civilAffairs))
        s = try s.applying(.refer(to: .emergencyManagement, note: "受灾房屋"), by: .owner).get()
        s = try s.applying(.accept(note: "纳入灾后重建"), by: .department(.emergencyManagement)).get()
        s = try s.applying(.finish(result: "已完成修缮"), by: .department(.emergencyManagement)).get()
        #expect(s == MeasureState(status: .done, unit: .emergencyManagement))
    }

    @Test("each move needs a note of at most 2000 characters", arguments: ["", "  ", String(repeating: "字", count: 2001)])
    func notes(_ note: String) {
        guard case .failure(let p) = MeasureState().applying(.finish(result: note), by: .owner) else { Issue.record("finished without a note"); return }
        #expect(p.field == "note")
    }

    @Test("a form's fields", arguments: [
        // service, start, end, amount, goods, note → the fields at fault
        ("medical", "2026-11-02", "", "3000", "", "住院自付部分", [String]()),
        ("医疗救助", "2026-11-02", "2026-12-31", "", "", "住院自付部分", []),
        ("dentistry", "2026-11-02", "", "", "", "看牙", ["service"]),
        ("living", "2026-02-30", "", "", "", "生活费", ["startOn"]),
        ("living", "2026-11-02", "2026-11-01", "", "", "生活费", ["endOn"]),
        ("living", "2026-11-02", "", "-5", "", "生活费", ["amount"]),
        ("living", "2026-11-02", "", "10000001", "", "生活费", ["amount"]),
        ("living", "2026-11-02", "", "12.5", "", "生活费", ["amount"]),
        ("care", "2026-11-02", "", "", String(repeating: "护", count: 201), "护理", ["goods"]),
        ("care", "2026-11-02", "", "", "", " ", ["note"]),
        ("x", "x", "x", "x", "", "", ["service", "startOn", "endOn", "amount", "note"]),
    ])
    func parse(_ c: (String, String, String, String, String, String, [String])) {
        switch MeasureInput.parse(service: c.0, startOn: c.1, endOn: c.2, amount: c.3, goods: c.4, note: c.5) {
        case .success(let m):
            #expect(c.6.isEmpty, "accepted \(c)")
            #expect(m.service == .medical && m.startOn == Self.d("2026-11-02"))
        case .failure(let list): #expect(list.problems.map(\.field) == c.6)
        }
    }

    @Test("the catalogue: a region offers what it sets, all eight when it sets none, the household's risks first")
    func catalogue() throws {
        #expect(Policy(values: [:], sources: [:]).services == ServiceKind.allCases)
        #expect(PolicyKey.services.normalized("医疗救助、教育救助 living") == "medical,education,living")
        #expect(PolicyKey.services.problem("medical,dentistry")?.field == "services")
        #expect(PolicyKey.services.problem("medical,education") == nil)
        let offered = Policy(values: [.services: "living,medical,education"], sources: [:]).services
        #expect(offered == [.living, .medical, .education])
        #expect(ServiceKind.housing.notOffered(offered)?.message.zh == "本地帮扶服务目录中没有“住房救助”")
        #expect(ServiceKind.ordered(offered, for: [.educationCost]) == [.education, .living, .medical])
        #expect(ServiceKind.ordered(ServiceKind.allCases, for: [.illness]) == [.medical, .care, .living, .emergency, .education, .housing, .employment, .disasterRelief])
        // Every risk kind of R-MON-4 is answered by some service.
        for r in RiskKind.allCases { #expect(ServiceKind.allCases.contains { $0.risks.contains(r) }, "\(r)") }
    }

    /// R-MON-8's data check: "识别后1个月及以上未落实帮扶措施" — listed from the same day of the next month on (the
    /// month's last day where it has no such day).
    @Test("a month after identification", arguments: [
        ("2026-10-15", "2026-11-14", false), ("2026-10-15", "2026-11-15", true), ("2026-10-15", "2027-03-01", true),
        ("2026-01-31", "2026-02-27", false), ("2026-01-31", "2026-02-28", true), ("2028-01-31", "2028-02-29", true),
        ("2026-12-20", "2027-01-19", false), ("2026-12-20", "2027-01-20", true),
    ])
    func deadline(_ c: (String, String, Bool)) {
        #expect(MeasureDeadline.missing(identifiedOn: Self.d(c.0), today: Self.d(c.1)) == c.2, "\(c)")
    }

    @Test("property: the deadline is never before 28 days nor after 31 days from the identification")
    func deadlineBounds() {
        var day = Self.d("2024-01-01")
        for _ in 0..<1200 {
            let gap = MeasureDeadline.due(identifiedOn: day).daysSinceEpoch - day.daysSinceEpoch
            #expect((28...31).contains(gap), "\(day)")
            day = day.adding(days: 1)
        }
    }

    @Test("forms and requests name moves by code; a referral needs a department other than civil affairs")
    func moveCodes() {
        #expect((try? MeasureMove.parse("refer", to: "health", note: "n").get()) == .refer(to: .health, note: "n"))
        #expect((try? MeasureMove.parse("accept", to: nil, note: "n").get()) == .accept(note: "n"))
        for (code, to) in [("refer", "civilAffairs"), ("refer", nil), ("refer", "army"), ("approve", nil)] {
            guard case .failure = MeasureMove.parse(code, to: to, note: "n") else { Issue.record("\(code) \(to ?? "-")"); continue }
        }
    }
}

@Suite("Quarterly reviews: quarters, the form's fields, the township's decision")
struct EffectReviewTests {
    @Test("quarters", arguments: [("2026-Q1", "2026-01-01", "2026-03-31", "2025-Q4"), ("2026-Q4", "2026-10-01", "2026-12-31", "2026-Q3"),
                                  ("2028-Q1", "2028-01-01", "2028-03-31", "2027-Q4")])
    func quarters(_ c: (String, String, String, String)) throws {
        let q = try #require(Quarter(c.0))
        #expect(q.firstDay.description == c.1 && q.lastDay.description == c.2 && q.previous.description == c.3 && q.description == c.0)
        #expect(Quarter(q.firstDay) == q && Quarter(q.lastDay) == q)
        for bad in ["2026-Q5", "2026-Q0", "2026Q1", "2026-q1", "26-Q1", ""] { #expect(Quarter(bad) == nil, "\(bad)") }
    }

    @Test("a review's fields", arguments: [
        ("2026-Q4", "9800", "8600", ["food", "住房安全有保障"], "临时救助", "继续走访", [String]()),
        ("2027-Q1", "9800", "8600", [], "临时救助", "继续走访", ["quarter"]),
        ("2026-Q4", "-1", "x", [], "临时救助", "继续走访", ["incomeNow", "incomeBefore"]),
        ("2026-Q4", "9800", "8600", ["wifi"], " ", "", ["guarantees", "measuresTaken", "nextSteps"]),
    ])
    func fields(_ c: (String, String, String, [String], String, String, [String])) {
        switch EffectReviewInput.parse(quarter: c.0, incomeNow: c.1, incomeBefore: c.2, guarantees: c.3, measuresTaken: c.4, nextSteps: c.5, today: CivilDate("2026-12-04")!) {
        case .success(let r):
            #expect(c.6.isEmpty)
            #expect(r.guarantees == [.food, .housing] && r.incomeChange == 1200)
        case .failure(let p): #expect(p.problems.map(\.field) == c.6)
        }
    }

    @Test("the township decides a review awaiting it, once; a return says why")
    func decisions() {
        for s in EffectReviewStatus.allCases {
            let confirm = EffectReviewDecision.confirm.applied(to: s), back = EffectReviewDecision.returnToHelper(reason: "补充").applied(to: s)
            #expect((try? confirm.get()) == (s == .recorded ? .confirmed : nil))
            #expect((try? back.get()) == (s == .recorded ? .returned : nil))
        }
        guard case .failure(let p) = EffectReviewDecision.returnToHelper(reason: "  ").applied(to: .recorded) else { Issue.record("returned without a reason"); return }
        #expect(p.field == "reason")
    }
}
