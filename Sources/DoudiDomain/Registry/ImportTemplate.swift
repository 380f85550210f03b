/// The register's files as a county keeps them in a spreadsheet: Chinese column names and values are taken as
/// well as the code names (户主 for head, 是 for 1), and a template of each file shows both.
public enum ImportTemplate {
    /// Each column: its code name, its Chinese name, whether the file must have it, and an example value.
    public struct Column: Sendable, Hashable {
        public var code: String
        public var chinese: String
        public var required: Bool
        public var example: String
    }

    public static let households: [Column] = [
        .init(code: "household_id", chinese: "户编号", required: true, example: "H430481001001-0001"),
        .init(code: "region_code", chinese: "区划代码", required: true, example: "430481001001"),
        .init(code: "poverty_status", chinese: "脱贫状态", required: true, example: "已脱贫"),
        .init(code: "dibao", chinese: "低保户", required: true, example: "否"),
        .init(code: "income_per_capita", chinese: "家庭年人均纯收入", required: true, example: "9800"),
        .init(code: "near_dibao", chinese: "低保边缘户", required: false, example: "否"),
        .init(code: "extreme_hardship", chinese: "特困供养", required: false, example: "否"),
        .init(code: "address", chinese: "住址", required: false, example: "牌楼居委会3组"),
    ]

    public static let members: [Column] = [
        .init(code: "resident_id", chinese: "身份证号码", required: true, example: "430481198001010013"),
        .init(code: "household_id", chinese: "户编号", required: true, example: "H430481001001-0001"),
        .init(code: "relation", chinese: "与户主关系", required: true, example: "户主"),
        .init(code: "labor_ability", chinese: "劳动能力", required: true, example: "有劳动力"),
        .init(code: "name", chinese: "姓名", required: false, example: "王大"),
        .init(code: "sex", chinese: "性别", required: false, example: "男"),
        .init(code: "phone", chinese: "联系电话", required: false, example: "13812345678"),
        .init(code: "birth_date", chinese: "出生日期", required: false, example: "1980-01-01"),
        .init(code: "health", chinese: "健康状况", required: false, example: "健康"),
        .init(code: "disability_grade", chinese: "残疾等级", required: false, example: ""),
        .init(code: "schooling", chinese: "在校生状况", required: false, example: "非在校生"),
        .init(code: "employment", chinese: "务工情况", required: false, example: "县内务工"),
        .init(code: "child_category", chinese: "儿童类别", required: false, example: ""),
    ]

    /// Chinese column name → code name, for both files (户编号 is in both, with the same meaning).
    public static let aliases: [String: String] = {
        var out = aliases(of: households + members)
        out["村（社区）代码"] = "region_code"
        out["手机号码"] = "phone"; out["户主关系"] = "relation"; out["是否低保户"] = "dibao"
        return out
    }()

    /// A file's Chinese column names (and the usual other names of a resident ID) → code names.
    public static func aliases(of columns: [Column]) -> [String: String] {
        var out: [String: String] = ["身份证号": "resident_id", "公民身份号码": "resident_id"]
        for c in columns { out[c.chinese] = c.code }
        return out
    }

    /// The Chinese word for a code name column, for messages that name a column.
    public static func chinese(_ code: String) -> String? { (households + members).first { $0.code == code }?.chinese }
}

extension CodeNamed {
    /// A value as a file or a person writes it: the code name, or the Chinese word (户主 for head).
    public init?(text: String) {
        if let v = Self(rawValue: text) { self = v; return }
        guard let v = Self.allCases.first(where: { $0.chinese == text }) else { return nil }
        self = v
    }
}
