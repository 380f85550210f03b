import Foundation
import Testing
@testable import DoudiDomain

/// Files saved by Excel: "CSV UTF-8" (with a BOM), "CSV" on Chinese Windows (GBK), and GB18030's four-byte
/// characters; and a file valid in none of them.
@Suite("Text encodings of imported files")
struct TextEncodingTests {
    static let utf8 = Array("姓名,地址\n张三,耒阳市\n".utf8)
    // 张三 D5C5 C8FD, 耒阳市 F1E7 D1F4 CAD0, 姓名 D0D5 C3FB, 地址 B5D8 D6B7 in GBK.
    static let gbk: [UInt8] = [0xD0, 0xD5, 0xC3, 0xFB, 0x2C, 0xB5, 0xD8, 0xD6, 0xB7, 0x0A,
                               0xD5, 0xC5, 0xC8, 0xFD, 0x2C, 0xF1, 0xE7, 0xD1, 0xF4, 0xCA, 0xD0, 0x0A]

    @Test("each is read as the same text", arguments: [
        ("UTF-8", utf8, TextEncoding.utf8),
        ("UTF-8 with BOM", [0xEF, 0xBB, 0xBF] + utf8, .utf8),
        ("GBK", gbk, .gb18030),
    ] as [(String, [UInt8], TextEncoding)])
    func detected(_ name: String, _ bytes: [UInt8], _ encoding: TextEncoding) {
        let d = TextEncoding.decode(bytes)
        #expect(d.encoding == encoding)
        #expect(String(decoding: d.bytes, as: UTF8.self) == "姓名,地址\n张三,耒阳市\n")
        #expect(d.badLines.isEmpty)
    }

    @Test func gb18030FourByteCharactersBeyondGBK() {
        // 㐀 (U+3400) is 81 39 EE 39 and 𠀀 (U+20000) is 95 32 82 36: only GB18030 has them.
        let d = TextEncoding.decode([0x61, 0x2C, 0x81, 0x39, 0xEE, 0x39, 0x95, 0x32, 0x82, 0x36, 0x0A])
        #expect(d.encoding == .gb18030 && String(decoding: d.bytes, as: UTF8.self) == "a,㐀𠀀\n")
    }

    @Test func aLineValidInNoneIsNamedAndKeptUndecoded() {
        // Line 3 has 0xFF, which starts no character in UTF-8 or in GB18030.
        let bytes = Self.gbk + [0x41, 0xFF, 0x42, 0x0A] + [0xD5, 0xC5, 0x0A]
        let d = TextEncoding.decode(bytes)
        #expect(d.encoding == .gb18030 && d.badLines == [3])
        let lines = d.bytes.split(separator: 10, omittingEmptySubsequences: false)
        #expect(String(validating: lines[2], as: UTF8.self) == nil)
        #expect(String(decoding: lines[3], as: UTF8.self) == "张")
        // Told it is UTF-8, the GBK lines are the bad ones.
        #expect(TextEncoding.decode(bytes, as: .utf8).badLines == [1, 2, 3, 4])
    }

    @Test("names as people write them", arguments: [("UTF-8", TextEncoding.utf8), ("utf8", .utf8), ("GBK", .gb18030), ("gb18030", .gb18030), ("GB2312", .gb18030)])
    func names(_ name: String, _ e: TextEncoding) { #expect(TextEncoding(name: name) == e) }

    @Test func anUnknownNameIsRefused() { #expect(TextEncoding(name: "big5") == nil) }

    static let village = RegionCode("430481001001")!
    static let register = RegisterImport.Register(knownRegion: { $0 == village }, householdOfPerson: { _ in nil }, existing: [:])

    /// The register's check over files in GBK: the names come through, and a row with bytes valid in no
    /// encoding is rejected naming its field, never stored empty.
    @Test func importChecksGBKFilesAndRefusesUndecodableFields() throws {
        let today = CivilDate(year: 2026, month: 11, day: 22)!
        let a = rid("43048119700101001"), b = rid("43048119720202002")
        let h = Array("household_id,region_code,poverty_status,dibao,income_per_capita,address\nH1,430481001001,exited,0,8000,".utf8)
            + [0xF1, 0xE7, 0xD1, 0xF4, 0xCA, 0xD0] + Array("\nH2,430481001001,none,0,8000,x\n".utf8)
        let m = Array("resident_id,household_id,relation,labor_ability,name\n\(a),H1,head,full,".utf8) + [0xD5, 0xC5, 0xC8, 0xFD]
            + Array("\n\(b),H2,head,full,".utf8) + [0xD5, 0xFF] + [0x0A]
        let ht = try RegisterImport.table(h, file: "h.csv", required: RegisterImport.householdColumns)
        let mt = try RegisterImport.table(m, file: "m.csv", required: RegisterImport.memberColumns)
        let p = RegisterImport.plan(households: "h.csv", ht, members: "m.csv", mt, register: Self.register, today: today)
        #expect(p.accepted.map(\.household.id) == ["H1"])
        #expect(p.accepted.first?.household.address == "耒阳市")
        #expect(p.accepted.first?.members.first?.name == "张三")
        let bad = try #require(p.rejections.first { $0.file == "m.csv" })
        #expect(bad.line == 3 && bad.field == "name" && bad.message.zh.contains("GB18030"))
        #expect(p.leftOut == ["H2"])
    }
}
