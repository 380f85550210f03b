import Foundation
import ZIPFoundation

/// A sheet as an XLSX workbook (Office Open XML), built in memory with ZIPFoundation: the seven parts that
/// Excel, WPS, LibreOffice and openpyxl need. Text cells are shared strings under the text format "@" (numFmt 49),
/// so a code stays text when edited too; a text cell is never a formula, whatever it starts with.
extension Sheet {
    public func xlsx() throws -> Data {
        var strings: [String] = [], index: [String: Int] = [:]
        func shared(_ s: String) -> Int {
            if let i = index[s] { return i }
            index[s] = strings.count
            strings.append(s)
            return strings.count - 1
        }
        // Written as bytes: a bank's roll of sixty thousand lines is half a million cells, and a string built by
        // interpolation per cell cost more than the compression. Rows and cells go in order without their
        // references (`r`, optional in the schema): the bank's roll's sheet is 12.6 MB of XML instead of 18.3 MB,
        // and openpyxl, LibreOffice and XLSXReader read it back the same.
        let width = max(headers.count, rows.map(\.count).max() ?? 0)
        var sheet: [UInt8] = []
        sheet.reserveCapacity(256 + (rows.count + 1) * (16 + width * 20))
        sheet.append(contentsOf: #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#.utf8)
        sheet.append(contentsOf: "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews>".utf8)
        sheet.append(contentsOf: "<cols><col min=\"1\" max=\"\(max(1, headers.count))\" width=\"16\" style=\"1\" customWidth=\"1\"/></cols><sheetData>".utf8)
        for row in [headers.map(Cell.text)] + rows {
            sheet.append(contentsOf: "<row>".utf8)
            for cell in row {
                switch cell {
                case .text(let s): sheet.append(contentsOf: "<c t=\"s\" s=\"1\"><v>".utf8); sheet.append(contentsOf: String(shared(s)).utf8)
                case .number(let n): sheet.append(contentsOf: "<c><v>".utf8); sheet.append(contentsOf: String(n).utf8)
                }
                sheet.append(contentsOf: "</v></c>".utf8)
            }
            sheet.append(contentsOf: "</row>".utf8)
        }
        sheet.append(contentsOf: "</sheetData></worksheet>".utf8)
        var sst = Array(#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="\#(strings.count)" uniqueCount="\#(strings.count)">"#.utf8)
        for s in strings {
            sst.append(contentsOf: "<si><t xml:space=\"preserve\">".utf8)
            Self.escape(s, into: &sst)
            sst.append(contentsOf: "</t></si>".utf8)
        }
        sst.append(contentsOf: "</sst>".utf8)
        let parts: [(String, [UInt8])] = [
            ("[Content_Types].xml", Array(#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#.utf8)),
            ("_rels/.rels", Array(#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.utf8)),
            ("xl/workbook.xml", Array(#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="\#(Self.escape(Self.sheetName(name)))" sheetId="1" r:id="rId1"/></sheets></workbook>"#.utf8)),
            ("xl/_rels/workbook.xml.rels", Array(#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.utf8)),
            ("xl/styles.xml", Array(#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#.utf8)),
            ("xl/sharedStrings.xml", sst),
            ("xl/worksheets/sheet1.xml", sheet),
        ]
        let archive = try Archive(data: Data(), accessMode: .create, pathEncoding: nil)
        for (path, part) in parts {
            let bytes = Data(part)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate) { position, size in
                bytes.subdata(in: Int(position)..<(Int(position) + size))
            }
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }

    /// XML text; characters XML 1.0 cannot hold (control characters a file may carry) are dropped.
    static func escape(_ s: String) -> String {
        var out: [UInt8] = []
        escape(s, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func escape(_ s: String, into out: inout [UInt8]) {
        var utf8 = s.utf8.makeIterator()
        while let b = utf8.next() {
            switch b {
            case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
            case 0x09, 0x0A, 0x0D: out.append(b)
            case 0..<0x20: continue
            case 0xEF:
                // U+FFFE and U+FFFF (EF BF BE, EF BF BF) are not XML characters either.
                guard let b2 = utf8.next(), let b3 = utf8.next() else { return }
                if !(b2 == 0xBF && (b3 == 0xBE || b3 == 0xBF)) { out += [b, b2, b3] }
            default: out.append(b)
            }
        }
    }

    /// Excel's limits on a sheet's name: 31 characters, none of []:*?/\.
    static func sheetName(_ s: String) -> String {
        let kept = s.filter { !"[]:*?/\\".contains($0) }
        return kept.isEmpty ? "Sheet1" : String(kept.prefix(31))
    }
}
