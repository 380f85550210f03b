/// A user-facing text in Simplified Chinese first and English second.
public struct Message: Hashable, Sendable, Codable, CustomStringConvertible, Error {
    public var zh: String
    public var en: String
    public init(_ zh: String, _ en: String) { self.zh = zh; self.en = en }
    public var description: String { "\(zh) / \(en)" }
}

/// A problem with one field of an input, named by its code name.
public struct FieldProblem: Hashable, Sendable, Codable, Error {
    public var field: String
    public var message: Message
    public init(_ field: String, _ message: Message) { self.field = field; self.message = message }
}
