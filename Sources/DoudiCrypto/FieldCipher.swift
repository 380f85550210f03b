/// A field's value sealed for storage (resident IDs, phones, bank accounts): SM4-CTR under a fresh IV, then
/// HMAC-SM3 over IV and ciphertext (encrypt-then-MAC: the system's OpenSSL has no SM4-GCM). A sealed value is
/// IV (16 bytes) ‖ ciphertext ‖ tag (32 bytes). Its blind index, HMAC-SM3 of the value under a third key, finds
/// it by exact search without decrypting.
public final class FieldCipher {
    public struct Keys: Sendable, Equatable {
        public var encryption: [UInt8]  // 16 bytes, SM4
        public var authentication: [UInt8]  // 32 bytes, HMAC-SM3 of the sealed value
        public var index: [UInt8]  // 32 bytes, HMAC-SM3 of the plain value
        public init(encryption: [UInt8], authentication: [UInt8], index: [UInt8]) {
            self.encryption = encryption; self.authentication = authentication; self.index = index
        }
        /// New random keys.
        public static func generate() -> Keys { Keys(encryption: randomBytes(16), authentication: randomBytes(32), index: randomBytes(32)) }
    }

    /// A sealed value that does not open under these keys: altered, cut short, or sealed under others.
    public struct Unopenable: Error, Equatable {}

    private let sm4: SM4
    private let mac: HMACSM3
    private let indexMAC: HMACSM3
    /// IVs drawn 256 at a time: a generator call per value costs more than sealing it.
    private var ivs: [UInt8] = []
    private var ivAt = 0

    public init(_ keys: Keys) throws(GMCryptoError) {
        sm4 = try SM4(key: keys.encryption)
        guard keys.authentication.count >= 16, keys.index.count >= 16 else { throw .badKey("HMAC keys are at least 16 bytes") }
        mac = try HMACSM3(key: keys.authentication)
        indexMAC = try HMACSM3(key: keys.index)
    }

    // Concrete arrays, not generic collections: a generic call from another module is not specialised, and
    // cost microseconds a value in metadata lookups (an import seals millions).
    public func seal(_ plain: [UInt8]) -> [UInt8] {
        if ivAt == ivs.count { ivs = randomBytes(16 * 256); ivAt = 0 }
        let input = plain, n = input.count
        // One buffer, IV ‖ ciphertext ‖ tag, each part written in place.
        var out = [UInt8](repeating: 0, count: 16 + n + 32)
        out.withUnsafeMutableBufferPointer { o in
            let base = o.baseAddress!
            ivs.withUnsafeBufferPointer { base.update(from: $0.baseAddress! + ivAt, count: 16) }
            input.withUnsafeBytes { sm4.ctr(iv: base, $0, into: base + 16) }
            mac.mac(UnsafeRawBufferPointer(start: base, count: 16 + n), into: base + 16 + n)
        }
        ivAt += 16
        return out
    }

    public func open(_ sealed: [UInt8]) throws(Unopenable) -> [UInt8] {
        guard sealed.count >= 48 else { throw Unopenable() }
        let body = sealed[..<(sealed.count - 32)], tag = sealed[(sealed.count - 32)...]
        // Every byte compared, whatever the first difference: the time taken says nothing about the tag.
        guard zip(mac.mac(Array(body)), tag).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0 else { throw Unopenable() }
        guard body.count > 16 else { return [] }
        var out = [UInt8](repeating: 0, count: body.count - 16)
        sealed.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { sm4.ctr(iv: s.baseAddress!, UnsafeRawBufferPointer(start: s.baseAddress! + 16, count: body.count - 16), into: $0.baseAddress!) }
        }
        return out
    }

    public func blindIndex(_ plain: [UInt8]) -> [UInt8] { indexMAC.mac(plain) }
}
