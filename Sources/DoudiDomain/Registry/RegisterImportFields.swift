/// Reading one field of a row: the field's problems are collected, never thrown, so that a row reports all of them.
extension RegisterImport {
    static func fieldCountProblem(_ got: Int, _ want: Int) -> FieldProblem {
        FieldProblem("", Message("本行有\(got)个字段，表头有\(want)个", "the row has \(got) fields, the header \(want)"))
    }

    static func enumValue<E: CodeNamed>(_: E.Type, _ bytes: ArraySlice<UInt8>, _ field: String, _ problems: inout [FieldProblem]) -> E? {
        let s = String(decoding: bytes, as: UTF8.self)
        if let v = E(text: s) { return v }
        problems.append(s.isEmpty ? emptyProblem(field) : E.problem(field: field, text: s))
        return nil
    }

    static func flag(_ bytes: ArraySlice<UInt8>, _ field: String, _ problems: inout [FieldProblem], optional: Bool = false) -> Bool {
        if bytes.count == 1 && (bytes.first == 48 || bytes.first == 49) { return bytes.first == 49 }
        // 是 and 否, as a spreadsheet's yes-no column holds them.
        if bytes.elementsEqual([0xE6, 0x98, 0xAF]) { return true }
        if bytes.elementsEqual([0xE5, 0x90, 0xA6]) { return false }
        if optional && bytes.isEmpty { return false }
        problems.append(FieldProblem(field, Message("应为是或否（或1、0）", "must be 1 or 0 (是 or 否)")))
        return false
    }

    static func wholeNumber(_ bytes: ArraySlice<UInt8>, _ field: String, _ problems: inout [FieldProblem]) -> Int? {
        guard !bytes.isEmpty else { problems.append(emptyProblem(field)); return nil }
        guard bytes.count <= 15, bytes.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            problems.append(FieldProblem(field, Message("应为不带符号、小数点或空格的整数", "must be a whole number without sign, point or spaces")))
            return nil
        }
        return bytes.reduce(0) { $0 * 10 + Int($1 - 48) }
    }

    /// A field's text; a field that is not valid text is refused, never stored as something else.
    static func text(_ bytes: ArraySlice<UInt8>, _ field: String, _ problems: inout [FieldProblem]) -> String? {
        if let s = bytes.utf8String { return s }
        problems.append(undecodable(field))
        return nil
    }

    static func undecodable(_ field: String) -> FieldProblem {
        FieldProblem(field, Message("含有无法识别的字节：文件应为UTF-8或GB18030/GBK编码（Excel“CSV”或“CSV UTF-8”）",
                                    "holds bytes that are not text: the file must be UTF-8 or GB18030/GBK (Excel's “CSV” or “CSV UTF-8”)"))
    }

    static func emptyProblem(_ field: String) -> FieldProblem {
        FieldProblem(field, Message("不能为空", "must not be empty"))
    }
}

extension HouseholdRecord {
    /// Same household and the same people with the same facts, whatever their order.
    public func sameContent(as other: HouseholdRecord) -> Bool {
        household == other.household
            && members.sorted { $0.residentID < $1.residentID } == other.members.sorted { $0.residentID < $1.residentID }
    }
}
