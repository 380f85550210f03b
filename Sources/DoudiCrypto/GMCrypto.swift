internal import CLibCrypto

/// The commercial cryptography MLPS level 3 asks for, through the system's OpenSSL: SM3 (GB/T 32905), HMAC-SM3,
/// SM4 (GB/T 32907). OpenSSL's contexts are not thread-safe: each value here owns its own, so a task makes its
/// own value (they are cheap) rather than sharing one.
public enum GMCryptoError: Error, Equatable {
    /// The library has no such algorithm (an OpenSSL built without SM3 or SM4).
    case unavailable(String)
    case badKey(String)
    case failed(String)
}

/// SM3 digests, 32 bytes.
public final class SM3 {
    private let md: OpaquePointer
    private let ctx: OpaquePointer

    public init() throws(GMCryptoError) {
        guard let md = EVP_MD_fetch(nil, "SM3", nil) else { throw .unavailable("SM3") }
        guard let ctx = EVP_MD_CTX_new() else { EVP_MD_free(md); throw .failed("EVP_MD_CTX_new") }
        self.md = md; self.ctx = ctx
    }
    deinit { EVP_MD_CTX_free(ctx); EVP_MD_free(md) }

    public func hash(_ data: some Collection<UInt8>) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var n: UInt32 = 0
        let ok = Array(data).withUnsafeBytes { d in
            EVP_DigestInit_ex2(ctx, md, nil) == 1 && EVP_DigestUpdate(ctx, d.baseAddress, d.count) == 1 && EVP_DigestFinal_ex(ctx, &out, &n) == 1
        }
        precondition(ok && n == 32, "SM3 failed on a fetched digest")
        return out
    }

    /// One digest, with a context of its own.
    public static func hash(_ data: some Collection<UInt8>) throws(GMCryptoError) -> [UInt8] { try SM3().hash(data) }
}

/// HMAC-SM3 under one key (the blind index of a searchable field, the MAC of an encrypted one), 32 bytes.
public final class HMACSM3 {
    private let ctx: OpaquePointer

    public init(key: [UInt8]) throws(GMCryptoError) {
        guard !key.isEmpty else { throw .badKey("HMAC-SM3 needs a key") }
        guard let ctx = key.withUnsafeBufferPointer({ doudi_hmac_sm3_new($0.baseAddress, $0.count) }) else { throw .unavailable("HMAC-SM3") }
        self.ctx = ctx
    }
    deinit { EVP_MAC_CTX_free(ctx) }

    public func mac(_ data: some Collection<UInt8>) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var n = 0
        let ok = Array(data).withUnsafeBytes { d in
            EVP_MAC_init(ctx, nil, 0, nil) == 1
                && EVP_MAC_update(ctx, d.baseAddress?.assumingMemoryBound(to: UInt8.self), d.count) == 1
                && EVP_MAC_final(ctx, &out, &n, 32) == 1
        }
        precondition(ok && n == 32, "HMAC-SM3 failed on an initialised context")
        return out
    }
}

/// SM4 under one 16-byte key: CTR for fields (the IV per value), ECB only for single blocks (the standard's
/// vectors).
public final class SM4 {
    private let ctr: OpaquePointer
    private let ecb: OpaquePointer
    private let ctx: OpaquePointer
    private let key: [UInt8]

    public init(key: [UInt8]) throws(GMCryptoError) {
        guard key.count == 16 else { throw .badKey("SM4 keys are 16 bytes, not \(key.count)") }
        guard let ctr = EVP_CIPHER_fetch(nil, "SM4-CTR", nil) else { throw .unavailable("SM4-CTR") }
        guard let ecb = EVP_CIPHER_fetch(nil, "SM4-ECB", nil) else { EVP_CIPHER_free(ctr); throw .unavailable("SM4-ECB") }
        guard let ctx = EVP_CIPHER_CTX_new() else { EVP_CIPHER_free(ctr); EVP_CIPHER_free(ecb); throw .failed("EVP_CIPHER_CTX_new") }
        self.ctr = ctr; self.ecb = ecb; self.ctx = ctx; self.key = key
    }
    deinit { EVP_CIPHER_CTX_free(ctx); EVP_CIPHER_free(ctr); EVP_CIPHER_free(ecb) }

    /// CTR with a 16-byte IV: encrypting and decrypting are the same operation.
    public func ctr(iv: [UInt8], _ data: some Collection<UInt8>) -> [UInt8] {
        precondition(iv.count == 16, "SM4-CTR takes a 16-byte IV")
        return run(ctr, iv: iv, Array(data))
    }

    /// One 16-byte block, ECB: only for checking against the standard.
    public func encryptBlock(_ block: [UInt8]) -> [UInt8] {
        precondition(block.count == 16, "SM4 blocks are 16 bytes")
        return run(ecb, iv: nil, block)
    }

    private func run(_ cipher: OpaquePointer, iv: [UInt8]?, _ input: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: input.count + 16)
        var n: Int32 = 0, tail: Int32 = 0
        let ok = key.withUnsafeBufferPointer { k in
            (iv ?? []).withUnsafeBufferPointer { v in
                EVP_EncryptInit_ex2(ctx, cipher, k.baseAddress, iv == nil ? nil : v.baseAddress, nil) == 1
                    && EVP_CIPHER_CTX_set_padding(ctx, 0) == 1
                    && EVP_EncryptUpdate(ctx, &out, &n, input, Int32(input.count)) == 1
                    && out.withUnsafeMutableBufferPointer { o in EVP_EncryptFinal_ex(ctx, o.baseAddress! + Int(n), &tail) } == 1
            }
        }
        precondition(ok, "SM4 failed on a fetched cipher")
        return Array(out[0..<Int(n + tail)])
    }
}

/// Random bytes from OpenSSL's generator (IVs, keys).
public func randomBytes(_ count: Int) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: count)
    precondition(RAND_bytes(&out, Int32(count)) == 1, "RAND_bytes failed")
    return out
}
