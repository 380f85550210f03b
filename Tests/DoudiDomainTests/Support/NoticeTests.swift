import PropertyBased
import Testing
@testable import DoudiDomain

@Suite("Public notices (R-MON-7, R-DB-5): one mechanism, each kind with the fields it may show and no other")
struct NoticeTests {
    static let day = CivilDate("2026-11-02")!
    /// A record offering every field, each with a value that says which it is.
    static let everything = Dictionary(uniqueKeysWithValues: NoticeField.allCases.map { ($0, "«\($0.rawValue)»") })
    static let never: Set<NoticeField> = [.residentID, .phone, .bankAccount, .health, .address]

    @Test("each kind shows its fields, in order, and nothing else of a record that offers everything", arguments: NoticeKind.allCases)
    func whitelist(_ kind: NoticeKind) {
        let sheet = NoticeSheet(kind: kind, from: Self.day, to: Self.day.adding(days: 7), entries: [Self.everything])
        #expect(sheet.columns == kind.fields && sheet.rows == [kind.fields.map { "«\($0.rawValue)»" }])
        let shown = Set(sheet.rows.joined())
        for f in NoticeField.allCases where !kind.fields.contains(f) { #expect(!shown.contains("«\(f.rawValue)»"), "\(kind) shows \(f)") }
        #expect(Self.never.isDisjoint(with: kind.fields))
    }

    @Test("R-DB-5's notice: the head's name, the persons covered, the income and the proposed amount")
    func dibao() {
        #expect(NoticeKind.dibao.fields == [.headName, .persons, .incomePerCapita, .amount])
        #expect(NoticeKind(.singlePersonDibao) == .dibao && NoticeKind(.extremeHardship) == .extremeHardship && NoticeKind(.temporaryAid) == .temporaryAid)
    }

    @Test("property: whatever a record offers, a sheet holds only its kind's fields, one row per record")
    func anyRecord() async {
        await propertyCheck(input: Gen.int(in: 0...(1 << NoticeField.allCases.count) - 1), Gen.int(in: 0...(NoticeKind.allCases.count - 1))) { mask, k in
            let kind = NoticeKind.allCases[k]
            let offered = NoticeField.allCases.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element)
            let entry = Dictionary(uniqueKeysWithValues: offered.map { ($0, "«\($0.rawValue)»") })
            let sheet = NoticeSheet(kind: kind, from: Self.day, to: Self.day, entries: [entry, entry])
            #expect(sheet.rows.count == 2)
            for cell in sheet.rows[0] where !cell.isEmpty { #expect(kind.fields.map { "«\($0.rawValue)»" }.contains(cell)) }
            for f in Self.never { #expect(!sheet.rows[0].contains("«\(f.rawValue)»")) }
        }
    }
}
