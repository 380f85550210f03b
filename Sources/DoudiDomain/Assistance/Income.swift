/// R-DB-2: a household's income over the reference period, by what is counted and what is not.
public enum IncomeCategory: String, CodeNamed {
    /// Counted: 工资性收入, 经营净收入, 财产净收入, 转移净收入, 其他收入.
    case wages, business, property, transfer, other
    /// Not counted (优抚金, 计划生育奖励, 奖学金、见义勇为奖金, 社会救助金, 城乡居民基本养老金 …).
    case excluded
    /// Deducted: rigid expenses of disability or serious illness, necessary costs of working (刚性支出).
    case rigidExpense

    public var chinese: String {
        switch self {
        case .wages: "工资性收入"; case .business: "经营净收入"; case .property: "财产净收入"; case .transfer: "转移净收入"
        case .other: "其他收入"; case .excluded: "不计入的收入"; case .rigidExpense: "可扣减的刚性支出"
        }
    }
    public var english: String {
        switch self {
        case .wages: "Wages"; case .business: "Net business income"; case .property: "Net property income"
        case .transfer: "Net transfer income"; case .other: "Other income"; case .excluded: "Income not counted"
        case .rigidExpense: "Deductible rigid expenses"
        }
    }
    public var counted: Bool { self != .excluded && self != .rigidExpense }
}

public struct IncomeItem: Sendable, Hashable {
    public var category: IncomeCategory
    public var yuan: Int
    public var note: String
    public init(_ category: IncomeCategory, _ yuan: Int, note: String = "") { self.category = category; self.yuan = yuan; self.note = note }
}

/// What a household declared and the checks found, over a reference period the region sets (commonly 12
/// months, some use 6 or 3).
public struct IncomeStatement: Sendable, Hashable {
    public var items: [IncomeItem]
    public var months: Int
    public init(_ items: [IncomeItem], months: Int = 12) { self.items = items; self.months = max(1, months) }

    public var counted: Int { items.filter(\.category.counted).reduce(0) { $0 + $1.yuan } }
    public var deducted: Int { items.filter { $0.category == .rigidExpense }.reduce(0) { $0 + $1.yuan } }
    /// Counted less deducted, never below nothing.
    public var net: Int { max(0, counted - deducted) }

    /// The household's income per month, in fen.
    public var monthly: Fen { Fen(net * 100 / months) }
    /// Per person per month, in fen (R-DB-1 compares it with the standard).
    public func perCapitaMonthly(persons: Int) -> Fen { Fen(net * 100 / (months * max(1, persons))) }
}

/// R-DB-1: one item of the region's asset checklist (no car but a work or disability vehicle, deposits below so
/// much, no second house, no registered company …) with its limit; 0 means the household may not have any.
public struct AssetLimit: Sendable, Hashable {
    public var item: String
    public var limit: Int
    public init(item: String, limit: Int) { self.item = item; self.limit = limit }
}

public struct AssetCheck: Sendable, Hashable {
    public struct Over: Sendable, Hashable { public var item: String; public var value: Int; public var limit: Int }
    /// The items over their limit, with the value found: the reviewer sees each.
    public var over: [Over]
    public var passes: Bool { over.isEmpty }

    /// Declared or found values against the region's limits; an item not declared counts as none.
    public init(limits: [AssetLimit], values: [String: Int]) {
        over = limits.compactMap { l in values[l.item].flatMap { $0 > l.limit ? Over(item: l.item, value: $0, limit: l.limit) : nil } }
    }
}
