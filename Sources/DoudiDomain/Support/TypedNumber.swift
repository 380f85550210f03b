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

    /// A mainland mobile number as typed: 11 ASCII digits starting with 1 (after `typedNumber`).
    public var isMobileNumber: Bool {
        let m = Array(utf8)
        return m.count == 11 && m.first == UInt8(ascii: "1") && m.allSatisfy { $0 >= 48 && $0 <= 57 }
    }
}

extension Message {
    public static let mobileDigits = Message("手机号码应为以1开头的11位数字", "a mobile number has 11 digits and starts with 1")
}
