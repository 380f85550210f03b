import PropertyBased
import Testing
@testable import DoudiDomain

@Suite("Economic-status checks (R-DB-1/2): a department's file read strictly, each source against its limit")
struct EconomicCheckTests {
    static let today = CivilDate("2026-11-20")!
    static let limits = CheckLimits(depositsPerPerson: 12_000, vehicles: 0, housing: 1, business: 0)
    static let declared = IncomeStatement([IncomeItem(.wages, 10_800), IncomeItem(.excluded, 2_000)], months: 12)
    static func answer(_ s: CheckSource, _ v: Int, member: Int64 = 1) -> CheckAnswer {
        CheckAnswer(memberID: member, source: s, item: "", value: v, asOf: today)
    }
    static func id(_ body17: String) -> String { body17 + String(UnicodeScalar(ResidentID.checkCharacter(for: Array(body17.utf8)))) }

    @Test("each source against its limit", arguments: [
        // (answers, persons, source, found, limit, over)
        ([answer(.deposits, 20_000), answer(.deposits, 15_000, member: 2)], 3, CheckSource.deposits, 35_000, 36_000, false),
        ([answer(.deposits, 20_000), answer(.deposits, 16_001, member: 2)], 3, .deposits, 36_001, 36_000, true),
        ([answer(.vehicles, 30_000)], 2, .vehicles, 1, 0, true),
        ([answer(.housing, 90)], 2, .housing, 1, 1, false),
        ([answer(.housing, 90), answer(.housing, 60)], 2, .housing, 2, 1, true),
        ([answer(.business, 100_000)], 1, .business, 1, 0, true),
        // A yearly taxable income over a 12-month period against the counted income (the excluded 2,000 is not counted).
        ([answer(.tax, 10_800)], 3, .tax, 10_800, 10_800, false),
        ([answer(.tax, 12_000)], 3, .tax, 12_000, 10_800, true),
        ([answer(.socialInsurance, 36_000)], 3, .socialInsurance, 36_000, 10_800, true),
    ] as [([CheckAnswer], Int, CheckSource, Int, Int, Bool)])
    func finding(_ answers: [CheckAnswer], _ persons: Int, _ source: CheckSource, _ found: Int, _ limit: Int, _ over: Bool) throws {
        let f = try #require(EconomicCheck.findings(answers, persons: persons, declared: Self.declared, limits: Self.limits).first { $0.source == source })
        #expect(f.found == found && f.limit == limit && f.over == over)
        // Over: "超过" or "高于", never "未"; within: "未超过" or "未高于".
        #expect(f.message.zh.contains("未") == !over && (f.message.zh.contains("超过") || f.message.zh.contains("高于")))
    }

    @Test("a yearly income found is taken over the application's own period: six months of 24,000 a year is 12,000")
    func shorterPeriod() throws {
        let half = IncomeStatement([IncomeItem(.wages, 6_000)], months: 6)
        let f = try #require(EconomicCheck.findings([Self.answer(.tax, 24_000)], persons: 1, declared: half, limits: Self.limits).first)
        #expect(f.found == 12_000 && f.limit == 6_000 && f.over)
        #expect(f.message.zh == "纳税显示收入12000元，高于申报的6000元")
    }

    @Test("no answer, no finding; findings come in the order of the sources")
    func order() {
        #expect(EconomicCheck.findings([], persons: 2, declared: Self.declared, limits: Self.limits).isEmpty)
        let f = EconomicCheck.findings([Self.answer(.tax, 1), Self.answer(.deposits, 1), Self.answer(.housing, 1)], persons: 2, declared: Self.declared, limits: Self.limits)
        #expect(f.map(\.source) == [.deposits, .housing, .tax])
    }

    static func table(_ text: String) throws -> CSVTable {
        try RegisterImport.table(Array(text.utf8), file: "bank.csv", required: CheckFile.required, columns: CheckFile.columns)
    }

    @Test("a file with Chinese headers: only the applicants' rows kept, every bad row named by its line and field")
    func reading() throws {
        let a = Self.id("43048119800101001"), b = Self.id("43048119900202002"), c = Self.id("43048119700303003")
        let wanted = try ResidentID(a).key
        let csv = """
            身份证号码,核对类别,数值,核对日期,项目说明
            \(a),银行存款,8600,2026-11-01,活期
            \(b),deposits,100,2026-11-01,
            \(a),机动车辆,30000,2026-10-01,小型轿车
            43048119800101001X,银行存款,1,2026-11-01,
            \(c),彩票,1,2026-11-01,
            \(c),纳税,-5,2026-11-01,
            \(c),纳税,5,2026-13-01,
            \(c),纳税,5,2026-12-01,
            \(c),纳税,5
            """
        let r = CheckFile.read(try Self.table(csv), today: Self.today, parts: 3) { $0 == wanted }
        #expect(r.rows == 9 && r.rejected == 6)
        #expect(r.matched.map(\.line) == [2, 4] && r.matched.map(\.source) == [.deposits, .vehicles] && r.matched[0].item == "活期" && r.matched[1].value == 30_000)
        #expect(r.rejections.map(\.line) == [5, 6, 7, 8, 9, 10])
        #expect(r.rejections.map(\.field) == ["resident_id", "source", "value", "as_of", "as_of", ""])
        #expect(r.rejections[1].message.zh.contains("银行存款"))
        #expect(r.rejections[4].message.zh == "核对日期不能晚于今天")
    }

    @Test("a missing column is named in Chinese, before any row is read")
    func missingColumn() {
        #expect(throws: Message("bank.csv：缺少列 核对日期（as_of）", "bank.csv: missing column(s) as_of")) {
            try Self.table("身份证号码,核对类别,数值\n")
        }
    }

    @Test("property: however the file is cut into parts, the same rows are kept and the same lines refused")
    func partsDoNotMatter() async {
        await propertyCheck(input: Gen.int(in: 1...400), Gen.int(in: 1...8)) { n, parts in
            var lines = ["resident_id,source,value,as_of"]
            for i in 0..<n {
                let body = "4304811980010" + String(1000 + i)
                lines.append(i % 7 == 3 ? "\(body)9,tax,1,2026-01-01" : "\(Self.id(body)),tax,\(i),2026-01-01")
            }
            let t = try! Self.table(lines.joined(separator: "\n"))
            let one = CheckFile.read(t, today: Self.today, parts: 1) { $0 % 2 == 0 }
            let many = CheckFile.read(t, today: Self.today, parts: parts) { $0 % 2 == 0 }
            #expect(one.matched == many.matched && one.rejections == many.rejections && one.rows == n && many.rows == n)
        }
    }
}
