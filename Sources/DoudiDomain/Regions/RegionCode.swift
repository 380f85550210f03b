/// 统计用区划代码: 12 digits, province 2 + prefecture 2 + county 2 + township 3 + village 3 (R-DATA-3).
///
/// A code's level is given by its last non-zero group; its parent is the code with that group zeroed.
/// Prefectures without counties (东莞 4419, 中山 4420, 儋州 4604) fall out of this naturally: their
/// townships' parent is the prefecture code.
public struct RegionCode: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// The 12 digits as an integer (leading zeros are impossible: province codes start at 11).
    public let value: UInt64

    public enum Level: Int, Sendable, CaseIterable, Comparable, Codable {
        case province = 1, prefecture, county, township, village

        /// Significant digits of a code at this level.
        public var digits: Int { [2, 4, 6, 9, 12][rawValue - 1] }
        public var codeName: String { String(describing: self) }
        public init?(codeName: String) {
            guard let l = Self.allCases.first(where: { $0.codeName == codeName }) else { return nil }
            self = l
        }
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
        var parentLevel: Level { Level(rawValue: Swift.max(rawValue - 1, 1))! }
    }

    public init?(_ text: some StringProtocol) {
        let utf8 = Array(text.utf8)
        guard utf8.count == 12 else { return nil }
        self.init(digits: utf8[...])
    }

    /// Parses exactly 12 ASCII digits; no allocation, for bulk import.
    public init?(digits bytes: ArraySlice<UInt8>) {
        guard bytes.count == 12 else { return nil }
        var v: UInt64 = 0
        for b in bytes {
            guard b >= 48, b <= 57 else { return nil }
            v = v * 10 + UInt64(b - 48)
        }
        self.init(value: v)
    }

    public init?(value: UInt64) {
        // Province codes run 11..82 (R-DATA-2); anything else is not a division code.
        let province = value / 10_000_000_000
        guard value < 1_000_000_000_000, province >= 11, province <= 99 else { return nil }
        self.value = value
    }

    /// Builds a full code from its significant prefix ("4304", "430481102"), as the shipped table stores it.
    public init?(prefix: some StringProtocol) {
        guard [2, 4, 6, 9, 12].contains(prefix.count), prefix.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        self.init(prefix + String(repeating: "0", count: 12 - prefix.count))
        guard self.prefix == String(prefix) else { return nil }
    }

    public var description: String {
        let s = String(value)
        return String(repeating: "0", count: 12 - s.count) + s
    }

    public var level: Level {
        if value % 1_000 != 0 { return .village }
        if value % 1_000_000 != 0 { return .township }
        if value % 100_000_000 != 0 { return .county }
        if value % 10_000_000_000 != 0 { return .prefecture }
        return .province
    }

    /// The significant digits: what a user's subtree is matched on.
    public var prefix: String { isCountry ? "" : String(description.prefix(level.digits)) }

    /// The whole country: the scope of the command line and of a national administrator.
    public static let country = RegionCode(unchecked: 0)
    public var isCountry: Bool { value == 0 }
    init(unchecked value: UInt64) { self.value = value }

    public var parent: RegionCode? {
        guard level != .province else { return nil }
        // Zero the last non-zero group; a township directly under a prefecture has county digits 00.
        return RegionCode(value: value - value % Self.subtreeSpan(level.parentLevel))
    }

    /// Parent, grandparent, ... up to the province, nearest first.
    public var ancestors: [RegionCode] {
        var out: [RegionCode] = []
        var c = parent
        while let p = c { out.append(p); c = p.parent }
        return out
    }

    /// True when `other` is this region or lies below it: they share this code's significant digits.
    public func contains(_ other: RegionCode) -> Bool {
        if isCountry { return true }
        return other.value / Self.subtreeSpan(level) == value / Self.subtreeSpan(level)
    }

    /// The region at `level` that holds this one (itself at its own level or below).
    public func truncated(to level: Level) -> RegionCode { RegionCode(unchecked: value - value % Self.subtreeSpan(level)) }

    /// How many full codes share the significant digits of a code at `level`.
    static func subtreeSpan(_ level: Level) -> UInt64 {
        switch level {
        case .province: 10_000_000_000
        case .prefecture: 100_000_000
        case .county: 1_000_000
        case .township: 1_000
        case .village: 1
        }
    }

    /// The range of codes in this subtree, for indexed range queries in storage.
    public var subtreeRange: ClosedRange<UInt64> {
        if isCountry { return 0...999_999_999_999 }
        let span = Self.subtreeSpan(level)
        return value...(value + span - 1)
    }

    /// 区划类型 derived from the code ranges (R-DATA-3). For display only: never used to reject a listed code.
    public var displayType: DisplayType {
        let digits = description
        switch level {
        case .province: return .province
        case .prefecture:
            let p = Int(digits.dropFirst(2).prefix(2))!
            if p == 90 { return .provinceAdministered }
            if (21...50).contains(p) { return .prefectureRegion }
            return .prefectureCity
        case .county:
            let c = Int(digits.dropFirst(4).prefix(2))!
            switch c {
            case 1...20: return .district
            case 21...70: return .countyProper
            case 71...80: return .developmentZone
            default: return .countyCity
            }
        case .township:
            let t = Int(digits.dropFirst(6).prefix(3))!
            switch t {
            case 0...99: return .subdistrict
            case 100...199: return .town
            case 200...299: return .ruralTownship
            default: return .otherTownshipUnit
            }
        case .village:
            let v = Int(digits.suffix(3))!
            switch v {
            case 1...199: return .residentsCommittee
            case 200...399: return .villagersCommittee
            case 400...499: return .residentsLike
            default: return .villagersLike
            }
        }
    }

    public enum DisplayType: String, Sendable {
        case province, prefectureCity, prefectureRegion, provinceAdministered
        case district, countyProper, developmentZone, countyCity
        case subdistrict, town, ruralTownship, otherTownshipUnit
        case residentsCommittee, villagersCommittee, residentsLike, villagersLike

        public var chinese: String {
            switch self {
            case .province: "省级"
            case .prefectureCity: "地级市"
            case .prefectureRegion: "地区/自治州/盟"
            case .provinceAdministered: "省直辖县级单位"
            case .district: "市辖区"
            case .countyProper: "县/旗"
            case .developmentZone: "开发区/园区"
            case .countyCity: "县级市"
            case .subdistrict: "街道"
            case .town: "镇"
            case .ruralTownship: "乡"
            case .otherTownshipUnit: "其他乡级单位"
            case .residentsCommittee: "居委会"
            case .villagersCommittee: "村委会"
            case .residentsLike: "类似居委会"
            case .villagersLike: "类似村委会"
            }
        }
    }

    public static func < (a: RegionCode, b: RegionCode) -> Bool { a.value < b.value }

    public init(from decoder: any Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let c = RegionCode(s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a 12-digit region code: \(s)"))
        }
        self = c
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// A named region from the division table.
public struct Region: Sendable, Hashable, Codable {
    public var code: RegionCode
    public var name: String
    public init(code: RegionCode, name: String) { self.code = code; self.name = name }
    public var level: RegionCode.Level { code.level }
}
