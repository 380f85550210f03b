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

    public func mac(_ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        data.withUnsafeBufferPointer { d in out.withUnsafeMutableBufferPointer { mac(UnsafeRawBufferPointer(d), into: $0.baseAddress!) } }
        return out
    }

    /// The 32-byte MAC of `data` written at `out`, with no array made on the way (sealing a million fields).
    public func mac(_ data: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) {
        var n = 0
        let ok = EVP_MAC_init(ctx, nil, 0, nil) == 1
            && EVP_MAC_update(ctx, data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count) == 1
            && EVP_MAC_final(ctx, out, &n, 32) == 1
        precondition(ok && n == 32, "HMAC-SM3 failed on an initialised context")
    }
}

/// SM4 under one 16-byte key: CTR for fields (the IV per value), ECB only for single blocks (the standard's
/// vectors). The key is set once per context; a value then only sets its IV.
public final class SM4 {
    private let ctr: OpaquePointer
    private let ecb: OpaquePointer
    private let ctrContext: OpaquePointer
    private let ecbContext: OpaquePointer

    public init(key: [UInt8]) throws(GMCryptoError) {
        guard key.count == 16 else { throw .badKey("SM4 keys are 16 bytes, not \(key.count)") }
        guard let ctr = EVP_CIPHER_fetch(nil, "SM4-CTR", nil) else { throw .unavailable("SM4-CTR") }
        guard let ecb = EVP_CIPHER_fetch(nil, "SM4-ECB", nil) else { EVP_CIPHER_free(ctr); throw .unavailable("SM4-ECB") }
        guard let c1 = EVP_CIPHER_CTX_new(), let c2 = EVP_CIPHER_CTX_new() else {
            EVP_CIPHER_free(ctr); EVP_CIPHER_free(ecb); throw .failed("EVP_CIPHER_CTX_new")
        }
        self.ctr = ctr; self.ecb = ecb; ctrContext = c1; ecbContext = c2
        let ok = key.withUnsafeBufferPointer { k in
            EVP_EncryptInit_ex2(c1, ctr, k.baseAddress, nil, nil) == 1 && EVP_EncryptInit_ex2(c2, ecb, k.baseAddress, nil, nil) == 1
                && EVP_CIPHER_CTX_set_padding(c2, 0) == 1
        }
        guard ok else { throw .failed("EVP_EncryptInit_ex2") }
    }
    deinit { EVP_CIPHER_CTX_free(ctrContext); EVP_CIPHER_CTX_free(ecbContext); EVP_CIPHER_free(ctr); EVP_CIPHER_free(ecb) }

    /// CTR with a 16-byte IV: encrypting and decrypting are the same operation.
    public func ctr(iv: [UInt8], _ data: some Collection<UInt8>) -> [UInt8] {
        precondition(iv.count == 16, "SM4-CTR takes a 16-byte IV")
        let input = Array(data)
        var out = [UInt8](repeating: 0, count: input.count)
        iv.withUnsafeBufferPointer { v in
            input.withUnsafeBufferPointer { i in out.withUnsafeMutableBufferPointer { ctr(iv: v.baseAddress!, UnsafeRawBufferPointer(i), into: $0.baseAddress!) } }
        }
        return out
    }

    /// CTR over `input` written at `out` (as many bytes), with no array made on the way.
    public func ctr(iv: UnsafePointer<UInt8>, _ input: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) {
        var n: Int32 = 0
        let ok = EVP_EncryptInit_ex2(ctrContext, nil, nil, iv, nil) == 1
            && EVP_EncryptUpdate(ctrContext, out, &n, input.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(input.count)) == 1
        precondition(ok && Int(n) == input.count, "SM4-CTR failed on a fetched cipher")
    }

    /// One 16-byte block, ECB: only for checking against the standard.
    public func encryptBlock(_ block: [UInt8]) -> [UInt8] {
        precondition(block.count == 16, "SM4 blocks are 16 bytes")
        var out = [UInt8](repeating: 0, count: 32)
        var n: Int32 = 0
        precondition(EVP_EncryptUpdate(ecbContext, &out, &n, block, 16) == 1 && n == 16, "SM4-ECB failed on a fetched cipher")
        return Array(out[0..<16])
    }
}

/// Random bytes from OpenSSL's generator (IVs, keys).
public func randomBytes(_ count: Int) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: count)
    precondition(RAND_bytes(&out, Int32(count)) == 1, "RAND_bytes failed")
    return out
}
