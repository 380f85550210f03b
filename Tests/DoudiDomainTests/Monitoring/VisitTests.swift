import Testing
@testable import DoudiDomain

@Suite("A visit's fields: date, findings, who was met, needs, and the key a phone gives a visit made offline")
struct VisitTests {
    static let today = CivilDate("2026-12-04")!

    @Test("each field checked", arguments: [
        // date, findings, met, needs, key, hardship with kinds → the fields at fault
        ("2026-12-04", "户主在家", "户主本人", "", "3c73fdad-53ad-4f7c-90fb-e09c1578e00a", [String](), [String]()),
        ("2026-12-04", "户主在家", "", "", "", [], []),
        ("2026-12-05", "户主在家", "", "", "", [], ["date"]),
        ("2026-12-04", " ", "", "", "", [], ["findings"]),
        ("2026-12-04", "户主在家", String(repeating: "人", count: 101), String(repeating: "需", count: 1001), "", [], ["met", "needs"]),
        ("2026-12-04", "户主在家", "", "", "short", [], ["key"]),
        ("2026-12-04", "户主在家", "", "", "has space in it", [], ["key"]),
        ("2026-12-04", "户主在家", "", "", String(repeating: "a", count: 65), [], ["key"]),
        ("2026-12-04", "户主在家", "", "", "钥匙钥匙钥匙钥匙", [], ["key"]),
        ("2026-12-04", "户主患病", "", "", "", ["illness"], []),
    ])
    func fields(_ c: (String, String, String, String, String, [String], [String])) {
        let v = Visit(date: c.0, findings: c.1, riskKinds: c.5, hardship: !c.5.isEmpty, met: c.2, needs: c.3, key: c.4)
        switch v.check(today: Self.today) {
        case .success(let checked):
            #expect(c.6.isEmpty, "accepted \(c)")
            #expect(checked.key == (c.4.isEmpty ? nil : c.4) && checked.met == c.2)
        case .failure(let p): #expect(p.problems.map(\.field) == c.6)
        }
    }
}
