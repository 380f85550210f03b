/// A calendar month (YYYY-MM): the unit of standards, payment rolls and reviews.
public struct YearMonth: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year; self.month = month
    }

    /// Exactly `YYYY-MM`.
    public init?(_ text: some StringProtocol) {
        guard text.utf8.count == 7, let d = CivilDate(text + "-01") else { return nil }
        self.init(year: d.year, month: d.month)
    }

    public init(_ date: CivilDate) { year = date.year; month = date.month }

    /// Months since January of year 0: differences of two months are plain subtraction.
    public var index: Int { year * 12 + month - 1 }
    public init(index: Int) { year = index / 12; month = index % 12 + 1 }

    public func adding(months n: Int) -> YearMonth { YearMonth(index: index + n) }
    public var firstDay: CivilDate { CivilDate(year: year, month: month, day: 1)! }
    public var lastDay: CivilDate { CivilDate(year: year, month: month, day: CivilDate.daysIn(month: month, year: year))! }
    public func contains(_ date: CivilDate) -> Bool { date.year == year && date.month == month }

    public var description: String { month < 10 ? "\(year)-0\(month)" : "\(year)-\(month)" }
    public static func < (a: YearMonth, b: YearMonth) -> Bool { a.index < b.index }

    public init(from decoder: any Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let m = YearMonth(s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a YYYY-MM month: \(s)"))
        }
        self = m
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// Money in fen (分, 1/100 yuan): incomes divided by months and persons stay exact until a benefit is rounded.
public struct Fen: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var value: Int
    public init(_ value: Int) { self.value = value }
    public static func yuan(_ y: Int) -> Fen { Fen(y * 100) }

    /// Whole yuan, half a yuan and more rounded up (四舍五入到元), as benefits are paid.
    public var roundedYuan: Int { value >= 0 ? (value + 50) / 100 : -((-value + 50) / 100) }
    /// 1234.5 → "1234.50".
    public var description: String {
        let a = abs(value), cents = a % 100
        return "\(value < 0 ? "-" : "")\(a / 100).\(cents < 10 ? "0" : "")\(cents)"
    }
    public static func < (a: Fen, b: Fen) -> Bool { a.value < b.value }
}
