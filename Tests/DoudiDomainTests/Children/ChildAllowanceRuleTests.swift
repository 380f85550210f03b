import DoudiDomain
import Testing

@Suite("The child's allowance (R-CH-4): who draws it, until when, the months owed, the county's form")
struct ChildAllowanceRuleTests {
    @Test func whoDrawsIt() {
        #expect(ChildCategory.allCases.filter(ChildAllowance.qualifies) == [.orphan, .defactoUnsupportedChild])
        #expect(!ChildAllowance.qualifies(nil))
    }

    /// Paid through the month of the eighteenth birthday; 29 February's child turns 18 on 1 March.
    @Test(arguments: [("2015-02-02", "2033-02"), ("2008-12-31", "2026-12"), ("2008-02-29", "2026-03"), ("2012-02-29", "2030-03")])
    func lastMonth(_ birth: String, _ last: String) {
        #expect(ChildAllowance.lastMonth(birth: CivilDate(birth)) == YearMonth(last))
        #expect(ChildAllowance.lastMonth(birth: nil) == nil)
    }

    /// (start, end, through, paid months) → months owed.
    @Test(arguments: [
        ("2026-11", nil, "2026-11", 0, 1),  // approved and paid in the same month
        ("2026-11", nil, "2026-12", 0, 2),  // November's roll was approved before: paid with December's
        ("2026-11", nil, "2026-12", 1, 1),  // November paid: December alone
        ("2026-11", "2026-12", "2027-01", 2, 0),  // ended in December, all paid
        ("2026-11", "2026-12", "2027-01", 1, 1),  // ended in December, December not yet paid
        ("2026-12", nil, "2026-11", 0, 0),  // a roll before the start
        ("2026-11", nil, "2026-11", 3, 0),  // never below nothing
    ] as [(String, String?, String, Int, Int)])
    func monthsDue(_ start: String, _ end: String?, _ through: String, _ paid: Int, _ owed: Int) throws {
        let due = ChildAllowance.monthsDue(start: try #require(YearMonth(start)), end: end.flatMap { YearMonth($0) }, through: try #require(YearMonth(through)), paidMonths: paid)
        #expect(due == owed)
    }

    /// Whatever was paid before, the months owed and paid never exceed the months in force.
    @Test func monthsNeverPaidTwice() throws {
        let start = try #require(YearMonth("2026-01"))
        for endOffset in [nil, 0, 3, 11] as [Int?] {
            var paid = 0
            for k in 0..<24 {
                let month = start.adding(months: k)
                // Some rolls skipped (approved before the allowance, or not built): the next one catches up.
                if k % 5 == 2 { continue }
                paid += ChildAllowance.monthsDue(start: start, end: endOffset.map { start.adding(months: $0) }, through: month, paidMonths: paid)
                #expect(paid == min(k, endOffset ?? k) + 1)
            }
        }
    }

    @Test func theCountysForm() {
        guard case .success(let g) = AllowanceGrant.check(payee: " 吴某 ", bankAccount: "6217 0029 2000 1234 567", papers: "pledge") else { Issue.record("refused"); return }
        #expect(g.payee == "吴某" && g.bankAccount.digits == "6217002920001234567" && g.pledged)
        guard case .failure(let p) = AllowanceGrant.check(payee: "", bankAccount: "123", papers: nil) else { Issue.record("accepted"); return }
        #expect(p.problems.map(\.field) == ["payee", "bankAccount", "papers"])
    }
}
