import Testing
@testable import DoudiDomain

@Suite("Verification of leads (R-MON-2, R-MON-6)")
struct VerificationTests {
    @Test("monitored type against the household's poverty status", arguments: [
        (MonitoringType.unstableExited, PovertyStatus.exited, true), (.unstableExited, .none, false), (.unstableExited, .notExited, false),
        (.marginalAtRisk, .none, true), (.marginalAtRisk, .exited, false), (.suddenHardship, .exited, true), (.suddenHardship, .none, true),
        (.suddenHardship, .notExited, false),
    ])
    func types(_ t: MonitoringType, _ s: PovertyStatus, _ allowed: Bool) {
        #expect((t.problem(for: s) == nil) == allowed)
    }

    @Test("deadline and escalation: village within 7 days, then township, then county", arguments: [
        (0, VerificationDeadline.Escalation.village), (7, .village), (8, .township), (14, .township), (15, .county), (60, .county),
    ])
    func escalation(_ daysLater: Int, _ who: VerificationDeadline.Escalation) {
        let created = CivilDate("2026-11-01")!
        #expect(VerificationDeadline().escalation(createdOn: created, today: created.adding(days: daysLater)) == who)
        #expect(VerificationDeadline().due(createdOn: created) == CivilDate("2026-11-08"))
    }

    @Test("the village verifies; the township once overdue, the county overdue twice over", arguments: [
        (Role.villageCadre, 0, true), (.villageCadre, 30, true), (.townshipOfficer, 7, false), (.townshipOfficer, 8, true),
        (.countyOfficer, 14, false), (.countyOfficer, 15, true), (.townshipOfficer, 20, true), (.admin, 30, false), (.hotlineOperator, 30, false),
    ])
    func whoVerifies(_ role: Role, _ daysLater: Int, _ allowed: Bool) {
        let created = CivilDate("2026-11-01")!
        #expect(VerificationDeadline().mayVerify(role, createdOn: created, today: created.adding(days: daysLater)) == allowed)
    }

    @Test("a lead filed at a township (no village list) is the township's from its first day, the county's once overdue twice", arguments: [
        (Role.townshipOfficer, 0, true), (.townshipOfficer, 20, true), (.countyOfficer, 7, false), (.countyOfficer, 15, true), (.admin, 0, false),
    ])
    func townshipLead(_ role: Role, _ daysLater: Int, _ allowed: Bool) {
        let created = CivilDate("2026-11-01")!
        #expect(VerificationDeadline().mayVerify(role, createdOn: created, today: created.adding(days: daysLater), level: .township) == allowed)
    }

    @Test func theDeadlineIsAParameter() {
        let created = CivilDate("2026-11-01")!
        #expect(VerificationDeadline(limit: TimeLimit(days: 3)).escalation(createdOn: created, today: CivilDate("2026-11-05")!) == .township)
    }

    @Test func decisionsAreReadWithTheirRequiredParts() {
        #expect(throws: Never.self) { try LeadDecision.parse(decision: "confirmed", monitoringType: "suddenHardship", riskKinds: ["illness"], reason: nil, mergeInto: nil).get() }
        for (d, t, k, r, m, field) in [("confirmed", "x", ["illness"], nil, nil, "monitoringType"), ("confirmed", "suddenHardship", [], nil, nil, "riskKinds"),
                                       ("notConfirmed", nil, [], " ", nil, "reason"), ("merged", nil, [], nil, nil, "mergeInto"),
                                       ("maybe", nil, [], nil, nil, "decision")] as [(String, String?, [String], String?, Int64?, String)] {
            guard case .failure(let p) = LeadDecision.parse(decision: d, monitoringType: t, riskKinds: k, reason: r, mergeInto: m) else {
                Issue.record("\(d) accepted"); continue
            }
            #expect(p.problems.first?.field == field)
        }
    }
}

@Suite("Screening signals as risk kinds")
struct SignalKindTests {
    @Test("each department signal names a risk kind of R-MON-4", arguments: [
        ("illness", RiskKind.illness), ("disaster", .disaster), ("disability", .disability), ("unemployment", .unstableEmployment), ("death", .lackOfLabour),
    ])
    func mapping(_ signal: String, _ kind: RiskKind) { #expect(ScreeningSignal(rawValue: signal)?.riskKind == kind) }

    @Test func everySignalIsMapped() { #expect(Set(ScreeningSignal.allCases.map(\.riskKind)).count == ScreeningSignal.allCases.count) }
}

@Suite("CSV cells")
struct CSVCellTests {
    @Test("quoted when needed; a typed text that a spreadsheet would run is defused", arguments: [
        ("王强", "王强"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("=1+2", "'=1+2"), ("+86", "'+86"), ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"), ("=a,b", "\"'=a,b\""),
    ])
    func cells(_ text: String, _ written: String) { #expect(CSVCell.text(text) == written) }

    @Test func plainFieldsStayAsTheyAre() { #expect(CSVCell.field("-5") == "-5" && CSVCell.field("x\ny") == "\"x\ny\"") }
}
