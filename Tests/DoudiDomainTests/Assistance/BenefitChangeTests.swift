import PropertyBased
import Testing
@testable import DoudiDomain

@Suite("A change during dibao (R-DB-3, R-DB-8): a new amount from next month, a phased exit, or a stop; the region's standard and schedule")
struct BenefitChangeOutcomeTests {
    static let from = YearMonth("2027-02")!
    static func assess(_ incomePerYear: Int, persons: Int, standard: Int, assets: [String: Int] = [:]) -> DibaoAssessment {
        DibaoAssessment.assess(income: IncomeStatement([IncomeItem(.wages, incomePerYear)], months: 12), persons: DibaoTests.adults(persons),
                               assets: AssetCheck(limits: [AssetLimit(item: "机动车", limit: 0)], values: assets), rules: DibaoRules(standard: standard),
                               on: from.firstDay)
    }

    @Test("worked examples", arguments: [
        // (income over the year, persons, standard, amount before, schedule, cars, outcome, amounts from February, last month paid)
        (10_800, 3, 500, 900, [100, 100, 100, 50, 50, 50], 0, "amount", [600], nil as String?),       // R-DB-3: 300 a person → 600
        (21_600, 3, 500, 600, [100, 100, 100, 50, 50, 50], 0, "phasedExit", [600, 600, 600, 300, 300, 300], "2027-07"),  // 600 a person
        (18_000, 3, 500, 601, [100, 50], 0, "phasedExit", [601, 301], "2027-03"),                    // exactly the standard: not below it
        (21_600, 3, 500, 600, [], 0, "stop", [], "2027-01"),                                          // no phased exit here: January is the last
        (21_600, 3, 500, 600, [0, 0], 0, "stop", [], "2027-01"),                                      // a schedule of zeros is none
        (21_600, 3, 500, 600, [100], 1, "stop", [], "2027-01"),                                       // a car as well: stops at once
        (10_800, 3, 500, 600, [100], 1, "stop", [], "2027-01"),                                       // below the standard, but a car
    ])
    func outcomes(_ income: Int, _ persons: Int, _ standard: Int, _ before: Int, _ schedule: [Int], _ cars: Int, _ code: String,
                  _ amounts: [Int], _ last: String?) {
        let o = BenefitChangeOutcome.decide(Self.assess(income, persons: persons, standard: standard, assets: ["机动车": cars]), before: before,
                                            schedule: schedule, from: Self.from)
        #expect(o.code == code)
        #expect(o.amounts(from: Self.from, before: before).map(\.amount) == amounts)
        #expect(o.amounts(from: Self.from, before: before).first?.month == (amounts.isEmpty ? nil : Self.from))
        #expect(o.lastMonth(from: Self.from) == last.flatMap { YearMonth($0) })
    }

    @Test("a phased exit pays the schedule's months, never more than before, and ends on its last month")
    func phasedExitProperties() async {
        await propertyCheck(input: Gen.int(in: 1...3_000), Gen.int(in: 0...100).array(of: 1...24), Gen.int(in: 18_000...80_000)) { before, schedule, income in
            let o = BenefitChangeOutcome.decide(Self.assess(income, persons: 3, standard: 500), before: before, schedule: schedule, from: Self.from)
            let paid = o.amounts(from: Self.from, before: before)
            if schedule.contains(where: { $0 > 0 }) {
                #expect(o.code == "phasedExit" && paid.count == schedule.count)
                #expect(o.lastMonth(from: Self.from) == Self.from.adding(months: schedule.count - 1))
            } else {
                #expect(o.code == "stop" && paid.isEmpty)
            }
            #expect(paid.allSatisfy { $0.amount >= 0 && $0.amount <= before })
        }
    }

    @Test("the standard by where a household lives: residents' committees and streets are towns", arguments: [
        ("430481001001", AreaKind.urban), ("430481001201", .rural), ("430481001401", .urban), ("430481001501", .rural),
        ("430481001000", .urban), ("430481100000", .rural), ("430481200000", .rural),
    ])
    func area(_ code: String, _ area: AreaKind) { #expect(AreaKind.of(RegionCode(code)!) == area) }

    @Test("the region's policy gives the standard, the allowances and the schedule")
    func policy() {
        let p = Policy(values: [.dibaoUrban: "678", .dibaoRural: "497", .allowanceElderly: "50", .phasedExitSchedule: "100,100,50"], sources: [:])
        #expect(p.dibaoRules(.urban) == DibaoRules(standard: 678, allowances: [.elderly: 50]))
        #expect(p.dibaoRules(.rural)?.standard == 497)
        #expect(p.phasedExitSchedule == [100, 100, 50])
        #expect(Policy(values: [:], sources: [:]).dibaoRules(.rural) == nil && Policy(values: [.phasedExitSchedule: "0"], sources: [:]).phasedExitSchedule.isEmpty)
    }

    @Test("a schedule typed by hand", arguments: [
        ("100，100 50", "100,100,50", true), ("100、50", "100,50", true), ("0", "0", true), ("101", "101", false), ("", "", false),
        ("半,50", "半,50", false), (Array(repeating: "100", count: 25).joined(separator: ","), Array(repeating: "100", count: 25).joined(separator: ","), false),
    ])
    func schedule(_ typed: String, _ stored: String, _ ok: Bool) {
        #expect(PolicyKey.phasedExitSchedule.normalized(typed) == stored)
        #expect((PolicyKey.phasedExitSchedule.problem(typed) == nil) == ok)
    }

    @Test("what a change needs: a reason always, members and income unless it stops")
    func input() {
        let income = IncomeStatement([IncomeItem(.wages, 1_000)])
        #expect(BenefitChangeInput(covered: [1], income: income, reason: "收入变化").problems(kind: .dibao).isEmpty)
        #expect(BenefitChangeInput(covered: [1], income: income, reason: "  ").problems(kind: .dibao).map(\.field) == ["reason"])
        #expect(BenefitChangeInput(covered: [], income: income, reason: "收入变化").problems(kind: .dibao).map(\.field) == ["covered"])
        #expect(BenefitChangeInput(covered: [1, 2], income: income, reason: "收入变化").problems(kind: .singlePersonDibao).map(\.field) == ["covered"])
        #expect(BenefitChangeInput(covered: [], income: IncomeStatement([]), reason: "死亡", stop: true).problems(kind: .dibao).isEmpty)
    }
}
