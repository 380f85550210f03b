import Foundation
import PropertyBased
import Testing
@testable import DoudiDomain

@Suite("ResidentID (R-DATA-1, GB 11643-1999)")
struct ResidentIDTests {
    @Test("published test vectors", arguments: [
        ("11010519491231002X", true), ("440524188001010014", true), ("11010119900307803X", true),
        ("110101199003077934", true), ("440524188001015368", true), ("53010219200508011X", true),
        ("110105194912310029", false), ("110105194912310021", false),
    ])
    func vectors(_ text: String, _ valid: Bool) {
        #expect(((try? ResidentID(text)) != nil) == valid)
    }

    @Test func wrongCheckNamesTheExpectedCharacter() {
        #expect(throws: ResidentID.Problem.checkCharacter(expected: "X")) { try ResidentID("110105194912310029") }
    }

    @Test func lowercaseXIsStoredUpper() throws {
        let id = try ResidentID("11010519491231002x")
        #expect(id.text == "11010519491231002X")
    }

    @Test func birthDateAndSexComeFromTheNumber() throws {
        let f = try ResidentID("11010519491231002X")
        #expect(f.birthDate == CivilDate(year: 1949, month: 12, day: 31))
        #expect(f.sex == .female)
        let m = try ResidentID("440524188001010014")
        #expect(m.sex == .male)
        #expect(m.birthDate == CivilDate(year: 1880, month: 1, day: 1))
    }

    @Test func fifteenDigitFormIsConvertedWithAFlag() throws {
        // 15-digit form of 11010519491231002X is 110105491231002.
        let id = try ResidentID("110105491231002")
        #expect(id.text == "11010519491231002X")
        #expect(id.convertedFrom15)
        #expect(try ResidentID("11010519491231002X").convertedFrom15 == false)
    }

    @Test("malformed numbers are rejected with the reason", arguments: [
        ("1101051949123100", ResidentID.Problem.length(16)),
        ("11010519491331002X", .birthDate),
        ("11010519490229002X", .birthDate),
        ("1101051949123A002X", .character(position: 14)),
        ("11010519491231002Y", .character(position: 18)),
        ("一二三四五六七八九十一二三四五六七八", .character(position: 1)),  // characters, not 54 bytes
        ("1101051949123１００２X甲", .length(19)),
        ("11010519491231００２Y", .character(position: 18)),
    ])
    func malformed(_ text: String, _ problem: ResidentID.Problem) {
        #expect(throws: problem) { try ResidentID(text) }
    }

    @Test("typed as an input method gives it: full-width digits and letters, spaces anywhere", arguments: [
        "１１０１０５１９４９１２３１００２Ｘ", "１１０１０５１９４９１２３１００２ｘ", " 110105 19491231 002X ", "\u{3000}110105１９４９1231002X\u{A0}",
    ])
    func typed(_ text: String) throws {
        #expect(try ResidentID(text).text == "11010519491231002X")
    }

    @Test func typedNumbers() {
        #expect("１３９ １２３４\u{3000}５６７８".typedNumber == "13912345678")
        #expect("0734-1234567".typedNumber == "0734-1234567")
        #expect("王强".typedNumber == "王强")
    }

    @Test func futureBirthIsRejectedWhenTodayIsGiven() {
        let today = CivilDate(year: 2026, month: 11, day: 22)!
        let body = "43048120270101001"
        let id = body + String(UnicodeScalar(ResidentID.checkCharacter(for: Array(body.utf8))))
        #expect(throws: ResidentID.Problem.birthInFuture) { try ResidentID(id, today: today) }
        #expect((try? ResidentID(id)) != nil)
    }

    @Test func masking() throws {
        #expect(try ResidentID("11010519491231002X").masked == "110105**********2X")
        #expect(Masking.birthDate(CivilDate(year: 1949, month: 12, day: 31)!) == "1949-**-**")
        #expect(Masking.phone("13812345678") == "138****5678")
        // The number above, as a page shows it: one in thousands.
        #expect((3_000...3_400).contains(Self.candidates(masked: "110105**********2X", birthYear: 1949, sex: .female)))
    }

    /// Every valid number that agrees with what a page shows beside the mask: the masked number itself, the
    /// birth year and the sex (the 17th digit's parity); counting stops at `enough`.
    static func candidates(masked: String, birthYear: Int, sex: Sex, enough: Int = .max) -> Int {
        let head = Array(masked.utf8.prefix(6)), tail = Array(masked.utf8.suffix(2))
        var n = 0
        var day = CivilDate(year: birthYear, month: 1, day: 1)!
        while day.year == birthYear {
            let date = Array(String(format: "%04d%02d%02d", day.year, day.month, day.day).utf8)
            var body = head + date + [48, 48, tail[0]]
            for serial in 0..<100 {
                body[14] = UInt8(48 + serial / 10)
                body[15] = UInt8(48 + serial % 10)
                guard (Int(tail[0] - 48) % 2 == 1) == (sex == .male), ResidentID.checkCharacter(for: body) == tail[1] else { continue }
                n += 1
                if n == enough { return n }
            }
            day = day.adding(days: 1)
        }
        return n
    }

    /// No masked number, with the birth year and sex shown beside it, narrows the person down to fewer than a
    /// thousand numbers: nothing a page shows together lets the number be rebuilt without the audited reveal.
    @Test func theMaskWithTheBirthYearAndSexLeavesThousandsOfNumbers() async {
        await propertyCheck(count: 25, input: Self.seventeenDigits) { body in
            let id = try! ResidentID(body + String(UnicodeScalar(ResidentID.checkCharacter(for: Array(body.utf8)))))
            #expect(id.masked.count == 18 && id.masked.filter { $0 == "*" }.count == 10)
            #expect(Self.candidates(masked: id.masked, birthYear: id.birthDate.year, sex: id.sex, enough: 1_000) == 1_000)
        }
    }

    static let seventeenDigits = Gen.int(in: 0...99_999_999_999).map { tail -> String in
        // A valid birth date in the middle keeps every generated number well-formed.
        let s = String(tail)
        let t = String(repeating: "0", count: 11 - s.count) + s
        return "430481" + "19" + String(50 + Int(t.prefix(2))! % 50) + "0" + String(1 + Int(t.dropFirst(2).prefix(1))! % 9) + "1" + String(Int(t.dropFirst(3).prefix(1))! % 9) + String(t.suffix(3))
    }

    @Test func computedCheckCharacterAlwaysValidates() async {
        await propertyCheck(input: Self.seventeenDigits) { body in
            #expect(body.count == 17)
            let check = ResidentID.checkCharacter(for: Array(body.utf8))
            let id = try? ResidentID(body + String(UnicodeScalar(check)))
            #expect(id != nil)
            #expect(id?.key != nil)
        }
    }

    @Test func anySingleDigitChangeIsCaught() async {
        await propertyCheck(input: Self.seventeenDigits, Gen.int(in: 0...16), Gen.int(in: 1...9)) { body, position, delta in
            let check = ResidentID.checkCharacter(for: Array(body.utf8))
            var bytes = Array(body.utf8)
            bytes[position] = UInt8(48 + (Int(bytes[position] - 48) + delta) % 10)
            bytes.append(check)
            let changed = String(decoding: bytes, as: UTF8.self)
            // Either the date breaks or the check character catches it: MOD 11-2 detects every single-digit error.
            #expect((try? ResidentID(changed)) == nil)
        }
    }

    @Test func keysAreDistinctForDistinctIDs() async {
        await propertyCheck(input: Self.seventeenDigits, Self.seventeenDigits) { a, b in
            let ia = try! ResidentID(a + String(UnicodeScalar(ResidentID.checkCharacter(for: Array(a.utf8)))))
            let ib = try! ResidentID(b + String(UnicodeScalar(ResidentID.checkCharacter(for: Array(b.utf8)))))
            #expect((ia.key == ib.key) == (ia == ib))
        }
    }
}

@Suite("CivilDate")
struct CivilDateTests {
    @Test("parses only real YYYY-MM-DD days", arguments: [
        ("2024-02-29", true), ("2023-02-29", false), ("2024-2-01", false), ("2024-13-01", false), ("2024-04-31", false), ("20240101", false),
    ])
    func parse(_ s: String, _ ok: Bool) { #expect((CivilDate(s) != nil) == ok) }

    @Test func daysRoundTrip() async {
        await propertyCheck(input: Gen.int(in: -200_000...200_000)) { n in
            let d = CivilDate(daysSinceEpoch: n)
            #expect(d.daysSinceEpoch == n)
            #expect(CivilDate(d.description) == d)
            #expect(d.adding(days: 1) > d)
        }
    }

    @Test func age() {
        let b = CivilDate(year: 2008, month: 11, day: 23)!
        #expect(b.age(on: CivilDate(year: 2026, month: 11, day: 22)!) == 17)
        #expect(b.age(on: CivilDate(year: 2026, month: 11, day: 23)!) == 18)
    }
}
