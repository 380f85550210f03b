import DoudiDomain
import Foundation

/// A table people download and open in a spreadsheet: a header row in the reader's language, then rows of cells.
/// Codes (region codes, household numbers, resident IDs) are text, so that no spreadsheet turns 430481001001
/// into 4.30481E+11; only counts and amounts are numbers.
public struct Sheet: Sendable, Hashable {
    public enum Cell: Sendable, Hashable {
        case text(String)
        case number(Int)
    }

    public var name: String
    public var headers: [String]
    public var rows: [[Cell]]

    public init(name: String, headers: [String], rows: [[Cell]] = []) {
        self.name = name; self.headers = headers; self.rows = rows
    }

    /// UTF-8 with a byte-order mark, so that spreadsheet programs read the Chinese right; text that would run as a
    /// formula is defused (CSVCell.text).
    public var csv: String {
        var out = "\u{FEFF}" + headers.map(CSVCell.text).joined(separator: ",") + "\n"
        for row in rows {
            out += row.map { cell in
                switch cell {
                case .text(let s): CSVCell.text(s)
                case .number(let n): String(n)
                }
            }.joined(separator: ",") + "\n"
        }
        return out
    }
}
