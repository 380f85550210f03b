import DoudiDomain
import Testing

@Suite("A child's category assessed from both parents' situations (R-CH-6), or judged where they give none")
struct ChildAssessmentTests {
    static let today = CivilDate("2020-03-01")!, birth = CivilDate("2012-05-05")!

    static func parent(_ s: String, _ since: String = "", _ until: String = "") -> ParentStatus? {
        var problems: [FieldProblem] = []
        return ChildAssessment.parent("parentA", situation: s, since: since, until: until, &problems)
    }

    @Test("the category", arguments: [
        ("dead", "", "", "missing", "", "", "", ChildCategory?.some(.orphan)),
        ("dead", "", "", "imprisoned", "2019-01-01", "2023-12-31", "", .defactoUnsupportedChild),
        ("seriousIllness", "", "", "severeDisability", "", "", "", .defactoUnsupportedChild),
        // Four months of detention do not count, whatever is judged: the judgement stands.
        ("dead", "", "", "imprisoned", "2020-01-01", "2020-05-01", "leftBehindChild", .leftBehindChild),
        ("none", "", "", "lostContact", "2019-10-01", "", "", nil),
        ("none", "", "", "lostContact", "2019-09-01", "", "childInDifficulty", .childInDifficulty),
        // Papers decide before judgement: a child proven de-facto unsupported stays so.
        ("lostContact", "2019-01-01", "", "deported", "", "", "leftBehindChild", .defactoUnsupportedChild),
    ] as [(String, String, String, String, String, String, String, ChildCategory?)])
    func category(_ a: String, _ aSince: String, _ aUntil: String, _ b: String, _ bSince: String, _ bUntil: String, _ judged: String, _ expected: ChildCategory?) throws {
        let pa = try #require(Self.parent(a, aSince, aUntil)), pb = try #require(Self.parent(b, bSince, bUntil))
        #expect(try ChildAssessment.assess(pa, pb, judged: judged, birth: Self.birth, today: Self.today).get().category == expected)
    }

    @Test("refused, naming the field")
    func refused() {
        var problems: [FieldProblem] = []
        _ = ChildAssessment.parent("parentA", situation: "imprisoned", since: "", until: "", &problems)
        #expect(problems.map(\.field) == ["parentASince", "parentAUntil"])
        problems = []
        _ = ChildAssessment.parent("parentB", situation: "asleep", since: "", until: "", &problems)
        #expect(problems.map(\.field) == ["parentB"])
        problems = []
        _ = ChildAssessment.parent("parentB", situation: "lostContact", since: "2020-02-30", until: "", &problems)
        #expect(problems.map(\.field) == ["parentBSince"], "not a real day: said once")
        let none = ParentStatus(.none)
        #expect(throws: ProblemList.self, "orphans follow from the papers, not from judgement") { try ChildAssessment.assess(none, none, judged: "orphan", birth: Self.birth, today: Self.today).get() }
        #expect(throws: ProblemList.self, "no birth date, no category") { try ChildAssessment.assess(none, none, judged: "", birth: nil, today: Self.today).get() }
    }

    @Test("a parent's situation is stored and read back whole")
    func stored() {
        for p in [ParentStatus(.imprisoned, since: CivilDate("2019-01-01"), until: CivilDate("2021-01-01")), ParentStatus(.dead), ParentStatus(.lostContact, since: CivilDate("2020-02-29"))] {
            #expect(ParentStatus(stored: p.stored) == p)
        }
        #expect(ParentStatus(stored: "asleep||") == nil)
    }
}
