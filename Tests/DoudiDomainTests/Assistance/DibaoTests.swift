import PropertyBased
import Testing
@testable import DoudiDomain

@Suite("Dibao (R-DB-1/2/3/4/7/8): eligibility, the amount, standards in force, reviews, phased exit")
struct DibaoTests {
    static let day = CivilDate("2026-11-15")!
    static func adults(_ n: Int) -> [CoveredPerson] { Array(repeating: CoveredPerson(birthDate: CivilDate("1980-05-01")!), count: n) }
    static let noAssets = AssetCheck(limits: [], values: [:])

    @Test("R-DB-3's worked example: standard 500 a month, 300 a person, 3 persons: 600 a month")
    func workedExample() {
        let a = DibaoAssessment.assess(income: IncomeStatement([IncomeItem(.wages, 10_800)], months: 12), persons: Self.adults(3), assets: Self.noAssets,
                                       rules: DibaoRules(standard: 500), on: Self.day)
        #expect(a.eligible && a.perCapitaMonthly == .yuan(300) && a.monthly == 600)
    }

    @Test("the amount by the difference, rounded to the yuan", arguments: [
        // (income over the year, persons, standard, eligible, monthly)
        (10_800, 3, 500, true, 600),
        (18_000, 3, 500, false, 0),          // 500 a person: not below the standard
        (17_999, 3, 500, true, 0),           // just below: eligible, the shortfall under half a yuan
        (10_000, 3, 497, true, 658),         // 1,491 − 833.33
        (0, 1, 678, true, 678),              // no income at all: the whole standard
        (6_000, 2, 497, true, 494),          // 994 − 500
    ])
    func difference(_ income: Int, _ persons: Int, _ standard: Int, _ eligible: Bool, _ monthly: Int) {
        let a = DibaoAssessment.assess(income: IncomeStatement([IncomeItem(.wages, income)]), persons: Self.adults(persons), assets: Self.noAssets,
                                       rules: DibaoRules(standard: standard), on: Self.day)
        #expect(a.eligible == eligible && a.monthly == monthly)
    }

    @Test("R-DB-2: income not counted is left out and rigid expenses are deducted")
    func incomeCategories() {
        let income = IncomeStatement([IncomeItem(.wages, 12_000), IncomeItem(.business, 2_400), IncomeItem(.excluded, 5_000, note: "城乡居民基本养老金"),
                                      IncomeItem(.rigidExpense, 3_600, note: "透析自付")], months: 12)
        #expect(income.counted == 14_400 && income.deducted == 3_600 && income.net == 10_800)
        #expect(DibaoAssessment.assess(income: income, persons: Self.adults(3), assets: Self.noAssets, rules: DibaoRules(standard: 500), on: Self.day).monthly == 600)
        // A reference period of six months: the same income counts twice as much a month.
        #expect(IncomeStatement([IncomeItem(.wages, 5_400)], months: 6).perCapitaMonthly(persons: 3) == .yuan(300))
        #expect(IncomeStatement([IncomeItem(.rigidExpense, 9_000), IncomeItem(.wages, 1_000)]).net == 0)
    }

    @Test("R-DB-1: an asset over its limit refuses, and says which")
    func assets() {
        let limits = [AssetLimit(item: "存款（元）", limit: 30_000), AssetLimit(item: "非营运机动车（辆）", limit: 0)]
        let check = AssetCheck(limits: limits, values: ["存款（元）": 60_000, "非营运机动车（辆）": 0])
        let a = DibaoAssessment.assess(income: IncomeStatement([]), persons: Self.adults(2), assets: check, rules: DibaoRules(standard: 500), on: Self.day)
        #expect(!a.eligible && a.monthly == 0 && a.reasons.count == 1 && a.reasons[0].zh.contains("存款"))
        #expect(AssetCheck(limits: limits, values: ["存款（元）": 30_000]).passes)
    }

    @Test("by grade where the region grades; allowances per member")
    func gradesAndAllowances() {
        let rules = DibaoRules(standard: 500, grades: [DibaoGrade(name: "A", percentOfStandard: 100), DibaoGrade(name: "B", percentOfStandard: 70),
                                                       DibaoGrade(name: "C", percentOfStandard: 40)],
                               allowances: [.elderly: 50, .minor: 30, .severeDisability: 80, .seriousIllness: 100])
        let people = [CoveredPerson(birthDate: CivilDate("1955-03-01")!, disabilityGrade: 1), CoveredPerson(birthDate: CivilDate("2016-09-01")!)]
        let b = DibaoAssessment.assess(income: IncomeStatement([]), persons: people, assets: Self.noAssets, rules: rules, grade: "B", on: Self.day)
        #expect(b.base == 700 && b.allowances == 50 + 80 + 30 && b.monthly == 860)
        let none = DibaoAssessment.assess(income: IncomeStatement([]), persons: people, assets: Self.noAssets, rules: rules, on: Self.day)
        #expect(!none.eligible && none.reasons.first?.zh.contains("档次") == true)
        // The child turns 18: the minor's allowance ends that day.
        #expect(people[1].allowances(on: CivilDate("2034-09-01")!, elderlyAge: 60).isEmpty)
        #expect(people[1].allowances(on: CivilDate("2034-08-31")!, elderlyAge: 60) == [.minor])
    }

    @Test("the standard in force: the latest from before the month, then the nearest region; towns and countryside apart", arguments: [
        ("2020-03", AreaKind.rural, 450), ("2020-07", .rural, 480), ("2020-12", .rural, 480), ("2021-01", .rural, 510), ("2021-01", .urban, 690),
        ("2019-12", .rural, nil),
    ] as [(String, AreaKind, Int?)])
    func standards(_ month: String, _ area: AreaKind, _ expected: Int?) {
        let hunan = RegionCode("430000000000")!, leiyang = RegionCode("430481000000")!
        let all = [DibaoStandard(region: hunan, area: .rural, from: YearMonth("2020-01")!, yuanPerMonth: 450),
                   DibaoStandard(region: leiyang, area: .rural, from: YearMonth("2020-07")!, yuanPerMonth: 480),
                   DibaoStandard(region: hunan, area: .rural, from: YearMonth("2021-01")!, yuanPerMonth: 510),
                   DibaoStandard(region: hunan, area: .urban, from: YearMonth("2020-01")!, yuanPerMonth: 690)]
        #expect(DibaoStandard.inForce(region: RegionCode("430481001001")!, area: area, month: YearMonth(month)!, among: all)?.yuanPerMonth == expected)
    }

    @Test("R-DB-7: reviews due by class", arguments: [(ReviewClass.yearly, "2026-11"), (.halfYearly, "2026-05"), (.quarterly, "2026-02")])
    func reviews(_ c: ReviewClass, _ due: String) { #expect(c.due(after: YearMonth("2025-11")!) == YearMonth(due)) }

    @Test("R-DB-8: phased exit, three months whole, three at half, then nothing")
    func phasedExit() {
        let exit = PhasedExit(start: YearMonth("2026-01")!, schedule: [100, 100, 100, 50, 50, 50])
        #expect(["2025-12", "2026-01", "2026-03", "2026-04", "2026-06", "2026-07"].map { exit.amount(in: YearMonth($0)!, before: 601) }
                == [nil, 601, 601, 301, 301, nil])
        #expect(exit.lastMonth == YearMonth("2026-06"))
    }

    @Test("the difference never goes below nothing, never grows with income, and tops income up to the standard")
    func properties() async {
        await propertyCheck(input: Gen.int(in: 0...60_000), Gen.int(in: 1...6), Gen.int(in: 300...1_200)) { income, persons, standard in
            let rules = DibaoRules(standard: standard)
            let a = DibaoAssessment.assess(income: IncomeStatement([IncomeItem(.wages, income)]), persons: Self.adults(persons), assets: Self.noAssets, rules: rules, on: Self.day)
            let more = DibaoAssessment.assess(income: IncomeStatement([IncomeItem(.wages, income + 1_200)]), persons: Self.adults(persons), assets: Self.noAssets, rules: rules, on: Self.day)
            #expect(a.monthly >= 0 && more.monthly <= a.monthly)
            if a.eligible { #expect(abs(a.monthly * 12 + income - standard * persons * 12) <= 12) }
        }
    }

    @Test func months() {
        #expect(YearMonth("2026-12")!.adding(months: 1) == YearMonth("2027-01") && YearMonth("2026-01")!.adding(months: -1) == YearMonth("2025-12"))
        #expect(YearMonth("2026-13") == nil && YearMonth("2026-1") == nil && YearMonth("2024-02")!.lastDay == CivilDate("2024-02-29"))
        #expect(Fen(123_450).description == "1234.50" && Fen(149).roundedYuan == 1 && Fen(150).roundedYuan == 2)
    }
}
