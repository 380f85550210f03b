import DoudiDomain
import Testing

@Suite("R-CH-3 with no gap: care from acknowledgement to closure, acknowledgement in hours, follow-ups by risk")
struct CareTimelineTests {
    static let hour: Int64 = 3_600_000
    static let t0: Int64 = 1_780_000_000_000  // the acknowledgement
    static func at(_ h: Int64) -> Int64 { t0 + h * hour }
    static func p(_ from: Int64, _ to: Int64?, _ kind: CareArrangementKind = .relativeCare) -> CarePeriod {
        CarePeriod(kind: kind, carer: "外祖母", from: at(from), to: to.map(at))
    }
    typealias Gap = CareTimeline.Gap

    @Test("the stretches no arrangement covers", arguments: [
        // (periods, until (hours, nil: open), the gaps in hours)
        ([p(0, nil)], nil, []),
        ([p(0, 24, .isolationObservation), p(24, nil)], nil, []),
        ([p(0, 24, .isolationObservation), p(30, nil)], nil, [Gap(from: at(24), to: at(30))]),
        ([p(2, nil)], nil, [Gap(from: at(0), to: at(2))]),
        ([p(0, 24), p(10, 48, .designatedCarer)], nil, [Gap(from: at(48), to: nil)]),
        ([p(0, 24), p(10, 48, .designatedCarer)], 48, []),
        ([p(0, 24), p(10, 48, .designatedCarer)], 60, [Gap(from: at(48), to: at(60))]),
        ([p(0, 12), p(20, 30), p(40, nil, .agencyTemporaryGuardianship)], nil, [Gap(from: at(12), to: at(20)), Gap(from: at(30), to: at(40))]),
        ([p(0, 12), p(20, nil)], 15, [Gap(from: at(12), to: at(15))]),
        ([CarePeriod](), 5, [Gap(from: at(0), to: at(5))]),
        ([CarePeriod](), nil, [Gap(from: at(0), to: nil)]),
    ] as [([CarePeriod], Int64?, [Gap])])
    func gaps(_ periods: [CarePeriod], until: Int64?, expected: [Gap]) {
        #expect(CareTimeline.gaps(periods, from: Self.t0, until: until.map(Self.at)) == expected)
        #expect(CareTimeline.gaps(periods.reversed(), from: Self.t0, until: until.map(Self.at)) == expected, "in any order")
    }

    @Test("a child whose care ends within 48 hours with nothing after it is listed", arguments: [
        // (periods, now (hours), when the child is first without care)
        ([p(0, 60)], 20, at(60)),          // ends in 40 hours
        ([p(0, 80)], 20, nil),             // ends in 60 hours: not yet
        ([p(0, 60), p(60, nil)], 20, nil), // the next one is arranged
        ([p(0, 60), p(62, nil)], 20, at(60)),
        ([p(0, 10)], 20, at(10)),          // ended ten hours ago: without care now
        ([CarePeriod](), 20, at(20)),      // never placed
        ([p(0, nil)], 20, nil),
    ] as [([CarePeriod], Int64, Int64?)])
    func endingSoon(_ periods: [CarePeriod], now: Int64, expected: Int64?) {
        #expect(CareTimeline.uncovered(periods, now: Self.at(now)) == expected)
    }

    @Test("acknowledgement within 24 hours (or the region's), counted in hours") func acknowledgement() {
        let rule = AcknowledgementDeadline(), reported = Self.at(0)
        #expect(rule.due(reportedAt: reported) == Self.at(24))
        #expect(!rule.isOverdue(reportedAt: reported, acknowledgedAt: nil, now: Self.at(24)))
        #expect(rule.isOverdue(reportedAt: reported, acknowledgedAt: nil, now: Self.at(24) + 1))
        #expect(!rule.isOverdue(reportedAt: reported, acknowledgedAt: Self.at(30), now: Self.at(40)), "acknowledged late is no longer waiting")
        #expect(AcknowledgementDeadline(hours: 6).isOverdue(reportedAt: reported, acknowledgedAt: nil, now: Self.at(7)))
    }

    @Test("follow-ups daily while high risk, less often as the risk falls", arguments: [
        (ChildRisk.high, 24 as Int64), (.medium, 72), (.low, 168),
    ])
    func followUps(_ risk: ChildRisk, hours: Int64) {
        let s = FollowUpSchedule()
        #expect(s.due(after: Self.at(0), risk: risk) == Self.at(hours))
        #expect(!s.isOverdue(last: Self.at(0), risk: risk, now: Self.at(hours)) && s.isOverdue(last: Self.at(0), risk: risk, now: Self.at(hours) + 1))
        #expect(FollowUpSchedule(days: [.high: 2]).due(after: Self.at(0), risk: .high) == Self.at(48), "a region's own setting")
    }

    @Test("an arrangement as typed: every problem at once, from now where no start is given") func parse() {
        #expect(CarePeriod.parse(kind: "relativeCare", carer: " 外婆 ", from: nil, to: nil, now: Self.t0) == .success(Self.p(0, nil)).map { var c = $0; c.carer = "外婆"; return c })
        guard case .failure(let p) = CarePeriod.parse(kind: "aunt", carer: " ", from: Self.at(5), to: Self.at(5), now: Self.t0) else { Issue.record("accepted"); return }
        #expect(p.problems.map(\.field) == ["kind", "carer", "to"])
    }

    @Test("the words people see") func words() {
        #expect(CareArrangementKind.allCases.map(\.chinese) == ["集中隔离医学观察", "亲属临时照料", "指定人员临时照料", "村（居）委会照料", "民政部门临时监护（机构安置）"])
        #expect(ChildRisk.allCases.sorted() == [.high, .medium, .low])
        #expect(Set(ParentSituation.allCases.map(\.chinese)).count == ParentSituation.allCases.count, "each situation has its own words")
    }
}
