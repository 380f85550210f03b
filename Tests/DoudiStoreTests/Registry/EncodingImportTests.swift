import DoudiDomain
import DoudiStore
import DoudiTestSupport
import Foundation
import Testing

/// Files as Excel saves them on a county's computers: "CSV UTF-8" (with a BOM), plain UTF-8, "CSV" on Chinese
/// Windows (GBK), GB18030 with a character GBK lacks; and a file with bytes valid in none of them.
@Suite("Import of files in each encoding, on each backend")
struct EncodingImportTests {
    enum Saved: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case utf8, utf8BOM, gbk, gb18030
        var testDescription: String { rawValue }
        /// The rare character only GB18030 (and UTF-8) can carry: 㐀, U+3400.
        var name: String { self == .gb18030 ? "王㐀" : "王小明" }
        func bytes(_ text: String) -> [UInt8] {
            switch self {
            case .utf8: Array(text.utf8)
            case .utf8BOM: [0xEF, 0xBB, 0xBF] + Array(text.utf8)
            case .gbk, .gb18030: Array(text.data(using: String.Encoding(rawValue: 0x8000_0632))!)
            }
        }
    }

    static let person = validID("43048119800101001"), other = validID("43048119820202002")

    static func files(name: String) -> (h: String, m: String) {
        ("household_id,region_code,poverty_status,dibao,income_per_capita,address\nH1,430481001001,exited,0,8000,耒阳市蔡子池街道牌楼居委会\n",
         "resident_id,household_id,relation,labor_ability,name\n\(person.text),H1,head,full,\(name)\n")
    }

    static let cases: [(Backend, Saved)] = Backend.available.flatMap { b in Saved.allCases.map { (b, $0) } }

    @Test("names and addresses arrive as written", arguments: cases)
    func each(_ backend: Backend, _ saved: Saved) async throws {
        try await withFreshDatabase(backend) { db in
            let county = try await Fixture.actor(db, "county", .countyOfficer, Fixture.county)
            let (h, m) = Self.files(name: saved.name)
            let r = try await RegisterImporter(db).run(households: "h.csv", saved.bytes(h), members: "m.csv", saved.bytes(m), by: county)
            #expect(r.rejections.isEmpty && r.importedHouseholds == 1)
            let stored = try #require(try await HouseholdStore(db).get("H1", by: county))
            #expect(stored.household.address == "耒阳市蔡子池街道牌楼居委会")
            #expect(stored.members.map(\.member.name) == [saved.name])
        }
    }

    @Test("a row with bytes that are text in no encoding is refused, naming file, line and field; nothing of it is stored", arguments: Backend.available)
    func undecodable(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let county = try await Fixture.actor(db, "county", .countyOfficer, Fixture.county)
            let h = Saved.gbk.bytes("household_id,region_code,poverty_status,dibao,income_per_capita\nH1,430481001001,exited,0,8000\nH2,430481001001,none,0,9000\n")
            let m = Saved.gbk.bytes("resident_id,household_id,relation,labor_ability,name\n\(Self.person.text),H1,head,full,张三\n\(Self.other.text),H2,head,full,")
                + [0xC0, 0xFF, 0x0A]
            let r = try await RegisterImporter(db).run(households: "h.csv", h, members: "m.csv", m, by: county)
            #expect(r.importedHouseholds == 1 && r.leftOutHouseholds == 1)
            let bad = try #require(r.rejections.first { $0.file == "m.csv" })
            #expect(bad.line == 3 && bad.field == "name" && bad.message.en.contains("GB18030"))
            #expect(try await HouseholdStore(db).get("H2", by: county) == nil)
            #expect(try await HouseholdStore(db).get("H1", by: county)?.members.first?.member.name == "张三")
            // Told the files are UTF-8, the GBK rows are refused too, not stored as something else.
            let told = try await RegisterImporter(db).run(households: "h.csv", h, members: "m.csv", Saved.gbk.bytes("resident_id,household_id,relation,labor_ability,name\n\(Self.other.text),H2,head,full,李四\n"),
                                                          by: county, encoding: .utf8)
            #expect(told.importedHouseholds == 0 && told.rejections.contains { $0.field == "name" })
        }
    }
}
