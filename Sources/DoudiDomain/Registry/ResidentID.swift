/// 公民身份号码 (GB 11643-1999, R-DATA-1): 6-digit address code, birth date YYYYMMDD, 3-digit sequence
/// (odd = male), ISO 7064 MOD 11-2 check character. Stored in its 18-character form with an upper-case X.
public struct ResidentID: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let text: String
    /// True when it was given in the old 15-digit form and converted.
    public let convertedFrom15: Bool
    /// Read once from the number: bulk imports ask for them for every person.
    public let birthDate: CivilDate
    public let sex: Sex
    /// 64-bit key for joins: the 17 digits times 11 plus the check value (X = 10).
    public let key: UInt64

    public enum Problem: Error, Equatable, Sendable {
        case length(Int)
        case character(position: Int)
        case birthDate
        case birthInFuture
        case checkCharacter(expected: Character)

        public var message: Message {
            switch self {
            case .length(let n):
                Message("身份证号码应为18位（或旧版15位），实际为\(n)位", "a resident ID has 18 characters (or the old 15 digits), this one has \(n)")
            case .character(let p):
                Message("身份证号码第\(p)位不是数字", "character \(p) of the resident ID is not a digit")
            case .birthDate:
                Message("身份证号码中的出生日期不存在", "the birth date inside the resident ID is not a real date")
            case .birthInFuture:
                Message("身份证号码中的出生日期晚于今天", "the birth date inside the resident ID is in the future")
            case .checkCharacter(let e):
                Message("身份证号码校验位错误（应为\(e)）", "wrong check character in the resident ID (expected \(e))")
            }
        }
    }

    static let weights: [Int] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkMap: [UInt8] = Array("10X98765432".utf8)

    /// The check character for the first 17 digits (ASCII bytes).
    public static func checkCharacter<C: Collection>(for digits17: C) -> UInt8 where C.Element == UInt8 {
        var sum = 0
        for (w, b) in zip(weights, digits17) { sum += w * Int(b &- 48) }
        return checkMap[sum % 11]
    }

    /// Validates and normalises. `today` bounds the birth date; pass nil to skip that check.
    /// Typed: full-width digits and spaces are taken as the digits meant.
    public init(_ raw: some StringProtocol, today: CivilDate? = nil) throws(Problem) {
        let typed = raw.typedNumber
        // Counted in characters, not bytes: 18 Chinese characters are not "54".
        if let i = typed.firstIndex(where: { !$0.isASCII }) {
            guard typed.count == 15 || typed.count == 18 else { throw .length(typed.count) }
            throw .character(position: typed.distance(from: typed.startIndex, to: i) + 1)
        }
        try self.init(bytes: typed.utf8, today: today)
    }

    /// The same from UTF-8 bytes, as a file gives them.
    public init(bytes raw: some Collection<UInt8>, today: CivilDate? = nil) throws(Problem) {
        var bytes = Array(raw)
        var converted = false
        if bytes.count == 15 {
            for (i, b) in bytes.enumerated() where b < 48 || b > 57 { throw .character(position: i + 1) }
            // Old form: 2-digit year of the 1900s and no check character.
            bytes = Array(bytes[0..<6]) + Array("19".utf8) + Array(bytes[6..<15])
            bytes.append(Self.checkCharacter(for: bytes))
            converted = true
        }
        guard bytes.count == 18 else { throw .length(bytes.count) }
        for i in 0..<17 where bytes[i] < 48 || bytes[i] > 57 { throw .character(position: i + 1) }
        if bytes[17] == UInt8(ascii: "x") { bytes[17] = UInt8(ascii: "X") }
        guard (bytes[17] >= 48 && bytes[17] <= 57) || bytes[17] == UInt8(ascii: "X") else { throw .character(position: 18) }
        guard let birth = Self.date(bytes[6..<14]) else { throw .birthDate }
        if let today, birth > today { throw .birthInFuture }
        let expected = Self.checkCharacter(for: bytes[0..<17])
        guard bytes[17] == expected else { throw .checkCharacter(expected: Character(Unicode.Scalar(expected))) }
        self.text = String(decoding: bytes, as: UTF8.self)
        self.convertedFrom15 = converted
        self.birthDate = birth
        self.sex = (bytes[16] - 48) % 2 == 1 ? .male : .female
        var v: UInt64 = 0
        for b in bytes[0..<17] { v = v * 10 + UInt64(b - 48) }
        self.key = v * 11 + (bytes[17] == UInt8(ascii: "X") ? 10 : UInt64(bytes[17] - 48))
    }

    /// The key of an 18-character ID that `init(bytes:)` takes as it is (check character, a real birth date not
    /// after `today`), read where it lies with no copy; nil for anything else, which `init` then explains.
    @inline(__always)
    public static func plainKey(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, today: CivilDate) -> UInt64? {
        guard r.count == 18 else { return nil }
        let s = r.lowerBound
        var v: UInt64 = 0, sum = 0
        for i in 0..<17 {
            let d = b[s + i] &- 48
            guard d <= 9 else { return nil }
            v = v * 10 + UInt64(d)
            sum += weights[i] * Int(d)
        }
        var last = b[s + 17]
        if last == UInt8(ascii: "x") { last = UInt8(ascii: "X") }
        guard last == checkMap[sum % 11] else { return nil }
        func num(_ from: Int, _ count: Int) -> Int { (0..<count).reduce(0) { $0 * 10 + Int(b[s + from + $1] - 48) } }
        guard let birth = CivilDate(year: num(6, 4), month: num(10, 2), day: num(12, 2)), birth <= today else { return nil }
        return v * 11 + (last == UInt8(ascii: "X") ? 10 : UInt64(last - 48))
    }

    public static func == (a: ResidentID, b: ResidentID) -> Bool { a.key == b.key }
    public func hash(into h: inout Hasher) { h.combine(key) }

    private static func date(_ b: ArraySlice<UInt8>) -> CivilDate? {
        func num(_ r: Range<Int>) -> Int { r.reduce(0) { $0 * 10 + Int(b[b.startIndex + $1] - 48) } }
        return CivilDate(year: num(0..<4), month: num(4..<6), day: num(6..<8))
    }

    public var description: String { text }
    public var addressCode: String { String(text.prefix(6)) }

    /// `430481**********3X`: region of registration and the last two kept; the birth date and the serial hidden.
    public var masked: String { Masking.residentID(text) }


    public static func < (a: ResidentID, b: ResidentID) -> Bool { a.key < b.key }

    public init(from decoder: any Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(s) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message.en))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(text)
    }
}

public enum Masking {
    /// Keeps the 6-digit address code and the last 2 characters. Hidden are the birth date (8 digits) and two of
    /// the three serial digits: with the birth year and sex shown beside it (the 17th digit's parity), some
    /// 3,650 numbers still fit, so no page or answer that also shows those lets the number be rebuilt.
    public static func residentID(_ s: String) -> String {
        guard s.count > 8 else { return String(repeating: "*", count: s.count) }
        return String(s.prefix(6)) + String(repeating: "*", count: s.count - 8) + String(s.suffix(2))
    }

    /// A birth date as shown beside a masked resident ID: the year only (`1985-**-**`).
    public static func birthDate(_ d: CivilDate) -> String { "\(d.year)-**-**" }

    /// `138****5678`: first 3 and last 4 digits of a mobile number.
    public static func phone(_ s: String) -> String {
        guard s.count > 7 else { return String(repeating: "*", count: s.count) }
        return String(s.prefix(3)) + String(repeating: "*", count: s.count - 7) + String(s.suffix(4))
    }
}
