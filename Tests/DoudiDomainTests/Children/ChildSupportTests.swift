import DoudiDomain
import Testing

@Suite("R-CH-6 and the orphan: the category both parents' situations give")
struct ChildSupportTests {
    static func d(_ s: String) -> CivilDate { CivilDate(s)! }
    static let today = d("2026-06-15"), child = d("2015-04-01")

    /// Each situation as papers that make it count today (a measure of a year under way, contact lost a year ago).
    static func proven(_ s: ParentSituation) -> ParentStatus {
        switch s {
        case .imprisoned, .compulsoryDrugRehab, .otherDetention: ParentStatus(s, since: d("2026-01-01"), until: d("2027-01-01"))
        case .lostContact: ParentStatus(s, since: d("2025-06-15"))
        default: ParentStatus(s)
        }
    }

    /// The whole matrix, both parents: O orphan, D de-facto unsupported, . neither. Rows and columns in the order
    /// none, dead, missing, severeDisability, seriousIllness, imprisoned, compulsoryDrugRehab, otherDetention,
    /// lostContact, guardianshipRevoked, deported.
    static let matrix = [
        "...........",
        ".OODDDDDDDD",
        ".OODDDDDDDD",
        ".DDDDDDDDDD",
        ".DDDDDDDDDD",
        ".DDDDDDDDDD",
        ".DDDDDDDDDD",
        ".DDDDDDDDDD",
        ".DDDDDDDDDD",
        ".DDDDDDDDDD",
        ".DDDDDDDDDD",
    ]

    @Test("every pair of situations, both ways round") func wholeMatrix() {
        let order = ParentSituation.allCases
        #expect(order.count == Self.matrix.count)
        for (i, a) in order.enumerated() {
            for (j, b) in order.enumerated() {
                let expected = Array(Self.matrix[i])[j]
                let got = ChildSupport.category(Self.proven(a), Self.proven(b), birth: Self.child, today: Self.today)
                let letter: Character = got == .orphan ? "O" : got == .defactoUnsupportedChild ? "D" : "."
                #expect(letter == expected, "\(a.rawValue) × \(b.rawValue)")
                #expect(ChildSupport.isDefactoUnsupported(Self.proven(a), Self.proven(b), birth: Self.child, today: Self.today)
                        == ChildSupport.isDefactoUnsupported(Self.proven(b), Self.proven(a), birth: Self.child, today: Self.today), "the order of the parents does not matter")
            }
        }
    }

    @Test("the situations that count by time count from six months", arguments: [
        // A sentence of less than six months does not count; of six, from its first day to its last.
        (ParentStatus(.imprisoned, since: d("2026-03-01"), until: d("2026-08-31")), d("2026-06-15"), false),
        (ParentStatus(.imprisoned, since: d("2026-03-01"), until: d("2026-09-01")), d("2026-06-15"), true),
        (ParentStatus(.imprisoned, since: d("2026-03-01"), until: d("2026-09-01")), d("2026-02-28"), false),
        (ParentStatus(.imprisoned, since: d("2026-03-01"), until: d("2026-09-01")), d("2026-09-02"), false),
        (ParentStatus(.otherDetention, since: d("2026-01-01"), until: nil), d("2026-06-15"), false),
        // Lost contact: six months from the day the police accepted the report (29 February → 29 August).
        (ParentStatus(.lostContact, since: d("2020-02-29")), d("2020-08-28"), false),
        (ParentStatus(.lostContact, since: d("2020-02-29")), d("2020-08-29"), true),
        (ParentStatus(.lostContact, since: d("2025-08-31")), d("2026-02-27"), false),
        (ParentStatus(.lostContact, since: d("2025-08-31")), d("2026-02-28"), true),
        (ParentStatus(.lostContact), d("2026-06-15"), false),
        (ParentStatus(.seriousIllness), d("2026-06-15"), true),
        (ParentStatus(.dead), d("2026-06-15"), false),
    ])
    func sixMonths(_ parent: ParentStatus, on day: CivilDate, counts: Bool) {
        #expect(parent.inSituation(on: day) == counts)
        // With the other parent dead, the child is de-facto unsupported exactly when this parent's situation counts.
        #expect(ChildSupport.isDefactoUnsupported(parent, ParentStatus(.dead), birth: Self.child, today: day) == counts)
    }

    @Test("the eighteenth birthday ends it, 29 February's on 1 March", arguments: [
        ("2008-03-01", "2026-02-28", true), ("2008-03-01", "2026-03-01", false),
        ("2008-02-29", "2026-02-28", true), ("2008-02-29", "2026-03-01", false),
        ("2026-07-01", "2026-06-15", false),  // not born yet: no case
    ])
    func age(_ birth: String, _ day: String, minor: Bool) {
        #expect(ChildSupport.isMinor(birth: Self.d(birth), today: Self.d(day)) == minor)
        let both = ChildSupport.isOrphan(ParentStatus(.dead), ParentStatus(.missing), birth: Self.d(birth), today: Self.d(day))
        #expect(both == minor)
    }

    @Test("a month on is the same day, or the month's last") func months() {
        #expect(Self.d("2026-08-31").addingMonths(6) == Self.d("2027-02-28"))
        #expect(Self.d("2023-08-31").addingMonths(6) == Self.d("2024-02-29"))
        #expect(Self.d("2026-01-15").addingMonths(-1) == Self.d("2025-12-15"))
        #expect(Self.d("2008-02-29").addingMonths(216) == Self.d("2026-02-28"))
    }
}
