import PropertyBased
import Testing
@testable import DoudiDomain

@Suite("Policy parameters: per region and year, inherited down the tree")
struct PolicyTests {
    static let hunan = RegionCode("430000000000")!, leiyang = RegionCode("430481000000")!, village = RegionCode("430481100201")!
    static let settings = [
        PolicySetting(region: .country, year: 2023, key: .monitoringLine, value: "7100"),
        PolicySetting(region: .country, year: 2025, key: .monitoringLine, value: "7500"),
        PolicySetting(region: hunan, year: 2024, key: .monitoringLine, value: "8000"),
        PolicySetting(region: leiyang, year: 2024, key: .monitoringLine, value: "8400"),
        PolicySetting(region: .country, year: 2020, key: .verificationDays, value: "7"),
        PolicySetting(region: leiyang, year: 2022, key: .verificationDays, value: "5"),
    ]

    @Test("the latest year wins, then the nearest region", arguments: [
        (village, 2023, "7100"), (village, 2024, "8400"), (leiyang, 2024, "8400"), (hunan, 2024, "8000"),
        (RegionCode("430100000000")!, 2024, "8000"), (RegionCode("440100000000")!, 2024, "7100"), (village, 2025, "7500"), (village, 2022, nil),
    ] as [(RegionCode, Int, String?)])
    func line(_ region: RegionCode, _ year: Int, _ expected: String?) {
        #expect(Policy.resolve(region: region, year: year, settings: Self.settings).values[.monitoringLine] == expected)
    }

    @Test func aCountysDeadlineHoldsBelowItOnly() {
        #expect(Policy.resolve(region: Self.village, year: 2026, settings: Self.settings).verification.days == 5)
        #expect(Policy.resolve(region: Self.hunan, year: 2026, settings: Self.settings).verification.days == 7)
        #expect(Policy.resolve(region: Self.village, year: 2026, settings: Self.settings).sources[.verificationDays]?.region == Self.leiyang)
    }

    @Test("values are checked by key", arguments: [
        (PolicyKey.monitoringLine, "7100", true), (.monitoringLine, "-1", false), (.monitoringLine, "7k", false), (.noticeDays, "4", false),
        (.noticeDays, "5", true), (.riskKinds, "illness,disaster", true), (.riskKinds, "illness,flu", false), (.riskKinds, "", false),
        (.verificationDays, "0", false), (.supervisionPhone, "0734-4322100", true), (.supervisionPhone, "(0734) 432 2100", true),
        (.supervisionPhone, "12345", true), (.supervisionPhone, "1234", false), (.supervisionPhone, "打12345", false),
    ])
    func values(_ key: PolicyKey, _ value: String, _ ok: Bool) { #expect((key.problem(value) == nil) == ok) }

    @Test("a catalogue typed in Chinese is stored as its code names", arguments: [
        ("因病、因灾", "illness,disaster"), ("因病，因学 ", "illness,educationCost"), ("illness,因疫情", "illness,epidemic"), ("因病、感冒", "illness,感冒"),
    ])
    func catalogueInChinese(_ typed: String, _ stored: String) {
        #expect(PolicyKey.riskKinds.normalized(typed) == stored)
        #expect((PolicyKey.riskKinds.problem(stored) == nil) == !stored.contains("感冒"))
    }

    @Test func theCatalogueLimitsTheKinds() {
        let p = Policy.resolve(region: Self.village, year: 2026, settings: [PolicySetting(region: .country, year: 2020, key: .riskKinds, value: "illness,epidemic")])
        #expect(p.riskKinds == [.illness, .epidemic])
    }

    /// Whatever the settings, the value in force comes from a setting on the region's own path, of a year
    /// not after the one asked, and no setting on that path is both newer and nearer.
    @Test func resolutionPicksAnApplicableNewestNearestSetting() async {
        let regions: [RegionCode] = [.country, Self.hunan, Self.leiyang, Self.village, RegionCode("440100000000")!]
        let gen = zip(Gen.int(in: 0...4), Gen.int(in: 2019...2026), Gen.int(in: 1...9999)).map { r, y, v in
            PolicySetting(region: regions[r], year: y, key: .monitoringLine, value: String(v))
        }.array(of: 0...8)
        await propertyCheck(input: gen, Gen.int(in: 2019...2027)) { settings, year in
            let p = Policy.resolve(region: Self.village, year: year, settings: settings)
            let applicable = settings.filter { $0.year <= year && $0.region.contains(Self.village) }
            guard let won = p.sources[.monitoringLine] else { #expect(applicable.isEmpty); return }
            #expect(won.year <= year && won.region.contains(Self.village))
            #expect(!applicable.contains { ($0.year, $0.region.depth) > (won.year, won.region.depth) })
        }
    }
}

@Suite("Identification and risk clearing (R-MON-7, R-MON-9/10)")
struct ProcedureTests {
    static let start = CivilDate("2026-11-01")!

    func run(_ kind: ProcedureKind, _ steps: [(Role, ProcedureAction, Int)]) -> Result<(ProcedureState, ProcedureState.Outcome), FieldProblem> {
        var state = ProcedureState(kind: kind, startedOn: Self.start)
        var last: (ProcedureState, ProcedureState.Outcome) = (state, .running)
        for (role, action, day) in steps {
            switch state.applying(action, by: role, today: Self.start.adding(days: day), noticeDays: 5) {
            case .failure(let p): return .failure(p)
            case .success(let r): last = r; state = r.0
            }
        }
        return .success(last)
    }

    static let notice = ProcedureAction.startNotice(from: start.adding(days: 3), to: start.adding(days: 8))

    @Test func theWholeChainIdentifiesTheHousehold() throws {
        let r = try run(.identification, [(.villageCadre, .complete(note: "签字"), 1), (.villageCadre, .complete(note: "通过"), 2),
                                          (.villageCadre, Self.notice, 3), (.villageCadre, .complete(note: ""), 8),
                                          (.townshipOfficer, .complete(note: ""), 9), (.countyOfficer, .complete(note: ""), 10)]).get()
        #expect(r.1 == .approved)
        #expect(r.0.status(after: r.1) == .monitored)
    }

    @Test("each step has its actor", arguments: [Role.townshipOfficer, .countyOfficer, .admin, .hotlineOperator])
    func onlyTheVillageTakesThePledge(_ role: Role) {
        #expect(throws: FieldProblem.self) { try run(.identification, [(role, .complete(note: ""), 1)]).get() }
    }

    @Test("the township cannot act while the notice runs, nor after it until the village closes it", arguments: [3, 5, 8, 9])
    func theTownshipCannotActBeforeTheNoticeIsOver(_ day: Int) throws {
        let posted: [(Role, ProcedureAction, Int)] = [(.villageCadre, .complete(note: ""), 1), (.villageCadre, .complete(note: ""), 2), (.villageCadre, Self.notice, 3)]
        #expect(try run(.identification, posted).get().0.step == .publicNotice)
        let refused = #expect(throws: FieldProblem.self) { try run(.identification, posted + [(.townshipOfficer, .complete(note: ""), day)]).get() }
        #expect(refused?.field == "step")
        // Closed by the village on the notice's last day, the township's step is open.
        #expect(try run(.identification, posted + [(.villageCadre, .complete(note: ""), 8), (.townshipOfficer, .complete(note: ""), max(day, 8))]).get().0.step == .countyConfirmation)
    }

    @Test("a notice lasts at least five days and ends only after its last day", arguments: [
        (3, 7, 8, false), (3, 8, 7, false), (3, 8, 8, true), (3, 20, 21, true), (-1, 5, 6, false),
    ])
    func noticeLength(_ from: Int, _ to: Int, _ endedOn: Int, _ ok: Bool) {
        let r = run(.identification, [(.villageCadre, .complete(note: ""), 1), (.villageCadre, .complete(note: ""), 2),
                                      (.villageCadre, .startNotice(from: Self.start.adding(days: from), to: Self.start.adding(days: to)), 2),
                                      (.villageCadre, .complete(note: ""), endedOn)])
        #expect((try? r.get()) != nil ? ok : !ok)
    }

    @Test func anOpenObjectionHoldsTheNoticeAndAnUpheldOneEndsIt() throws {
        let before: [(Role, ProcedureAction, Int)] = [(.villageCadre, .complete(note: ""), 1), (.villageCadre, .complete(note: ""), 2),
                                                       (.villageCadre, Self.notice, 3), (.villageCadre, .objection(text: "收入不实"), 4)]
        #expect(throws: FieldProblem.self) { try run(.identification, before + [(.villageCadre, .complete(note: ""), 9)]).get() }
        let dismissed = try run(.identification, before + [(.villageCadre, .resolveObjection(id: 1, upheld: false, text: "经核实属实"), 5),
                                                           (.villageCadre, .complete(note: ""), 9)]).get()
        #expect(dismissed.0.step == .townshipReview)
        let upheld = try run(.identification, before + [(.villageCadre, .resolveObjection(id: 1, upheld: true, text: "收入超标"), 5)]).get()
        #expect(upheld.1 == .turnedDown && upheld.0.status(after: upheld.1) == .notIdentified)
    }

    @Test func theNoticeIsPostedOnce() {
        let r = run(.identification, [(.villageCadre, .complete(note: ""), 1), (.villageCadre, .complete(note: ""), 2),
                                      (.villageCadre, Self.notice, 3), (.villageCadre, Self.notice, 3)])
        #expect(throws: FieldProblem.self) { try r.get() }
    }

    @Test func aTurnedDownClearingLeavesTheHouseholdMonitored() throws {
        let r = try run(.clearing, [(.villageCadre, .complete(note: ""), 1), (.villageCadre, Self.notice, 3), (.villageCadre, .complete(note: ""), 8),
                                    (.townshipOfficer, .reject(reason: "收入不稳定"), 9)]).get()
        #expect(r.0.status(after: r.1) == .monitored)
        let ok = try run(.clearing, [(.villageCadre, .complete(note: ""), 1), (.villageCadre, Self.notice, 3), (.villageCadre, .complete(note: ""), 8),
                                     (.townshipOfficer, .complete(note: ""), 9), (.countyOfficer, .complete(note: ""), 10)]).get()
        #expect(ok.0.status(after: ok.1) == .cleared)
    }

    @Test("step deadlines come from the policy", arguments: [
        (ProcedureStep.pledge, "2026-11-08"), (.democraticReview, "2026-11-09"), (.publicNotice, "2026-11-14"), (.townshipReview, "2026-11-15"),
        (.countyConfirmation, "2026-11-16"),
    ])
    func deadlines(_ step: ProcedureStep, _ due: String) throws {
        let settings: [PolicySetting] = [(PolicyKey.pledgeDays, "7"), (.reviewDays, "8"), (.noticeDays, "5"), (.townshipDays, "14"), (.decisionDays, "15")]
            .map { PolicySetting(region: .country, year: 2020, key: $0.0, value: $0.1) }
        let policy = Policy.resolve(region: RegionCode("430481100201")!, year: 2026, settings: settings)
        #expect(try step.due(startedOn: Self.start, policy: policy) == CivilDate(due))
        #expect(throws: PolicyMissing.self) { try step.due(startedOn: Self.start, policy: Policy.resolve(region: .country, year: 2026, settings: [])) }
    }
}

@Suite("Risk-clearing criteria (R-MON-9)")
struct ClearingCriteriaTests {
    static func criteria(_ income: [Int], all: Bool = true) -> ClearingCriteria {
        ClearingCriteria(monthlyIncome: income, food: true, clothing: true, education: true, medical: all, housing: true, drinkingWater: true,
                         rigidExpensesResolved: true, risksRemoved: true, noNewRisk: true)
    }

    @Test("income above the line for the months asked", arguments: [
        ([8000, 8000, 8000, 8000, 8000, 8000], true), ([8000, 8000, 8000, 8000, 8000], false), ([6000, 8000, 8000, 8000, 8000, 8000, 8000], true),
        ([8000, 8000, 7000, 8000, 8000, 8000], false), ([7500, 7500, 7500, 7500, 7500, 7500], true),
    ])
    func income(_ months: [Int], _ ok: Bool) {
        #expect(Self.criteria(months).problems(monitoringLine: 7500, months: 6, labour: [.full]).isEmpty == ok)
    }

    @Test func everyGuaranteeMustHold() {
        #expect(Self.criteria(Array(repeating: 9000, count: 6), all: false).problems(monitoringLine: 7500, months: 6, labour: [.full]).map(\.field) == ["medical"])
    }

    @Test("a household without labour capacity stays monitored", arguments: [
        ([LaborAbility.none], false), ([.none, .none], false), ([.none, .partial], true), ([.full], true),
    ])
    func labour(_ labour: [LaborAbility], _ ok: Bool) {
        #expect(Self.criteria(Array(repeating: 9000, count: 6)).problems(monitoringLine: 7500, months: 6, labour: labour).isEmpty == ok)
    }
}
