extension StringProtocol {
    /// A number as people type it: full-width digits and letters (０-９, Ｘ: what a Chinese input method gives)
    /// made ASCII, and spaces anywhere (ASCII, ideographic, no-break) dropped.
    public var typedNumber: String {
        if utf8.allSatisfy({ $0 > 32 && $0 < 128 }) { return String(self) }
        var out = String.UnicodeScalarView()
        for u in unicodeScalars {
            switch u.value {
            case 0xFF01...0xFF5E: out.append(Unicode.Scalar(u.value - 0xFEE0)!)
            case 0x20, 0x09, 0x3000, 0xA0: continue
            default: out.append(u)
            }
        }
        return String(out)
    }
}
