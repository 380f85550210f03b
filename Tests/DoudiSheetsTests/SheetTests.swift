import DoudiDomain
import DoudiSheets
import Foundation
import Testing
import ZIPFoundation

@Suite("Sheets: CSV and XLSX downloads keep codes as text and formulas inert; XLSX reads back")
struct SheetTests {
    static let sample = Sheet(name: "监测对象", headers: ["户编号", "区划代码", "户主", "人数"], rows: [
        [.text("H430481001001-0"), .text("430481001001"), .text("王大"), .number(4)],
        [.text("001234567890"), .text("430481001002"), .text("=HYPERLINK(\"http://x\")"), .number(0)],
        [.text("a<b>&\"c\""), .text(""), .text("第一行\n第二行"), .number(-3)],
    ])

    @Test func anXLSXReadsBackAsWritten() throws {
        let data = try Self.sample.xlsx()
        #expect(data.prefix(2) == Data("PK".utf8))
        let rows = try XLSXReader.rows(data)
        #expect(rows[0] == ["户编号", "区划代码", "户主", "人数"])
        #expect(rows[1] == ["H430481001001-0", "430481001001", "王大", "4"])
        // Leading zeros kept, a formula kept as its text, markup and line breaks as typed.
        #expect(rows[2] == ["001234567890", "430481001002", "=HYPERLINK(\"http://x\")", "0"])
        #expect(rows[3] == ["a<b>&\"c\"", "", "第一行\n第二行", "-3"])
    }

    @Test func textCellsAreSharedStringsUnderTheTextFormat() throws {
        let data = try Self.sample.xlsx()
        let sheet = try #require(String(data: try Self.part(data, "xl/worksheets/sheet1.xml"), encoding: .utf8))
        #expect(sheet.contains(#"<c t="s" s="1">"#) && sheet.contains(#"<c><v>4</v></c>"#))
        #expect(!sheet.contains("<f>"), "no cell is a formula")
        let styles = try #require(String(data: try Self.part(data, "xl/styles.xml"), encoding: .utf8))
        #expect(styles.contains(#"numFmtId="49""#))
    }

    @Test func theCSVHasAByteOrderMarkAndDefusesFormulas() {
        let csv = Self.sample.csv
        #expect(csv.hasPrefix("\u{FEFF}户编号,区划代码,户主,人数\n"))
        #expect(csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\""))
        #expect(csv.contains("\"第一行\n第二行\""))
    }

    @Test func aFileThatIsNoWorkbookIsRefusedInWords() {
        #expect(throws: Message.notAWorkbook) { try XLSXReader.rows(Data("household_id,region_code\n".utf8)) }
        #expect(throws: Message.notAWorkbook) { try XLSXReader.rows(Data()) }
    }

    @Test func thirtyThousandRowsReadBackWhole() throws {
        // Past the size where XMLParser(data:) gives up on Linux.
        let rows: [[Sheet.Cell]] = (0..<30_000).map { i in [.text("H430481001001-\(i)"), .text("430481001001"), .text("户主\(i)"), .number(i % 7)] }
        let big = Sheet(name: "big", headers: ["户编号", "区划代码", "户主", "人数"], rows: rows)
        let back = try XLSXReader.rows(try big.xlsx())
        #expect(back.count == 30_001 && back[30_000] == ["H430481001001-29999", "430481001001", "户主29999", String(29_999 % 7)])
    }

    static func part(_ data: Data, _ path: String) throws -> Data {
        let archive = try Archive(data: data, accessMode: .read, pathEncoding: nil)
        var out = Data()
        _ = try archive.extract(try #require(archive[path]), skipCRC32: true) { out.append($0) }
        return out
    }
}
