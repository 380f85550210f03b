import Foundation

/// Fields of the CSV files Doudi writes (reports and exports).
public enum CSVCell {
    /// A field, quoted when it holds a comma, a quote or a line break.
    public static func field(_ s: String) -> String {
        s.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// Text a person typed, in a file people open in a spreadsheet: a leading =, +, -, @ or tab would be run
    /// as a formula there, so such a text gets a leading apostrophe.
    public static func text(_ s: String) -> String {
        guard let first = s.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return field(s) }
        return field("'" + s)
    }
}
