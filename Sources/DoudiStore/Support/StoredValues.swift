import DoudiDomain
import SQLKit

/// Stored code names, region codes and risk lists decoded once, in the store. A stored value no type knows is
/// an error, not a guess: the store wrote every one of them.
extension KeyedDecodingContainer {
    func known<E: RawRepresentable>(_: E.Type, forKey key: Key) throws -> E where E.RawValue == String {
        guard let v = try knownIfPresent(E.self, forKey: key) else {
            throw DecodingError.valueNotFound(String.self, .init(codingPath: codingPath + [key], debugDescription: "\(key.stringValue) is empty"))
        }
        return v
    }

    func knownIfPresent<E: RawRepresentable>(_: E.Type, forKey key: Key) throws -> E? where E.RawValue == String {
        guard let raw = try decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let v = E(rawValue: raw) else { throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "unknown \(key.stringValue) \(raw)") }
        return v
    }

    /// 0 stands for the whole country (an administrator's scope).
    func region(forKey key: Key) throws -> RegionCode {
        let code = try decode(Int64.self, forKey: key)
        if code == 0 { return .country }
        guard code > 0, let r = RegionCode(value: UInt64(code)) else { throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "region \(code)") }
        return r
    }

    func riskKinds(forKey key: Key) throws -> [RiskKind] {
        try decode(String.self, forKey: key).split(separator: ",").map { k in
            guard let kind = RiskKind(rawValue: String(k)) else { throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "risk kind \(k)") }
            return kind
        }
    }

    /// Flags stored as 0 or 1 (SQLite has no boolean; PostgreSQL's column is an integer for the same code).
    func flag(forKey key: Key) throws -> Bool { try decode(Int.self, forKey: key) != 0 }
}

/// The rules above for one value already read (a row's column, an element of a column read as an array).
enum Stored {
    static func known<E: RawRepresentable>(_: E.Type, _ raw: String, _ column: String) throws -> E where E.RawValue == String {
        guard let v = E(rawValue: raw) else { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unknown \(column) \(raw)")) }
        return v
    }

    static func region(_ code: Int64) throws -> RegionCode {
        if code == 0 { return .country }
        guard code > 0, let r = RegionCode(value: UInt64(code)) else { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "region \(code)")) }
        return r
    }
}

/// The same, read straight from a row, for the lists a page shows many of at once.
extension SQLRow {
    func textIfPresent(_ column: String) throws -> String? {
        try decodeNil(column: column) ? nil : decode(column: column, as: String.self)
    }

    func known<E: RawRepresentable>(_: E.Type, _ column: String) throws -> E where E.RawValue == String {
        try Stored.known(E.self, try decode(column: column, as: String.self), column)
    }

    func region(_ column: String) throws -> RegionCode { try Stored.region(try decode(column: column, as: Int64.self)) }
}
