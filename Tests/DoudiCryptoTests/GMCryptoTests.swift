import DoudiCrypto
import Testing

func hex(_ b: [UInt8]) -> String { b.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }
func bytes(_ hex: String) -> [UInt8] {
    var out: [UInt8] = [], chars = Array(hex)
    while chars.count >= 2 { out.append(UInt8(String(chars[0...1]), radix: 16)!); chars.removeFirst(2) }
    return out
}

@Suite("SM3, SM4 and HMAC-SM3: the standards' vectors")
struct GMCryptoTests {
    @Test("SM3: GB/T 32905 appendix A", arguments: [
        ("abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),
        (String(repeating: "abcd", count: 16), "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"),
    ])
    func sm3(message: String, digest: String) throws {
        #expect(hex(try SM3.hash(Array(message.utf8))) == digest)
        let one = try SM3()
        #expect(hex(one.hash(Array(message.utf8))) == digest)
        #expect(hex(one.hash(Array(message.utf8))) == digest, "a context gives the same digest when used again")
    }

    @Test("SM4: GB/T 32907 appendix A, example 1") func sm4Block() throws {
        let k = bytes("0123456789abcdeffedcba9876543210")
        #expect(hex(try SM4(key: k).encryptBlock(k)) == "681edf34d206965e86b3e94f536e4246")
        #expect(throws: GMCryptoError.badKey("SM4 keys are 16 bytes, not 15")) { try SM4(key: Array(k.prefix(15))) }
    }

    @Test("SM4-CTR: each block is the plaintext XOR the block cipher of the counter") func sm4CTR() throws {
        let sm4 = try SM4(key: bytes("0123456789abcdeffedcba9876543210"))
        let iv = bytes("000102030405060708090a0b0c0d0e0f"), next = bytes("000102030405060708090a0b0c0d0e10")
        let plain = Array("430481199001011234 and a second block".utf8)
        let sealed = sm4.ctr(iv: iv, plain)
        let stream = sm4.encryptBlock(iv) + sm4.encryptBlock(next) + sm4.encryptBlock(bytes("000102030405060708090a0b0c0d0e11"))
        #expect(sealed == zip(plain, stream).map { $0 ^ $1 })
        #expect(sm4.ctr(iv: iv, sealed) == plain)
    }

    @Test("HMAC-SM3 is RFC 2104's construction over SM3", arguments: [3, 32, 64, 100])
    func hmac(keyLength: Int) throws {
        let key = (0..<keyLength).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) }, message = Array("数据不出辖区".utf8)
        // By hand: a key longer than SM3's 64-byte block is hashed first, then padded with zeros.
        var k = key.count > 64 ? try SM3.hash(key) : key
        k += [UInt8](repeating: 0, count: 64 - k.count)
        let inner = try SM3.hash(k.map { $0 ^ 0x36 } + message)
        let expected = try SM3.hash(k.map { $0 ^ 0x5c } + inner)
        #expect(try HMACSM3(key: key).mac(message) == expected)
    }
}

@Suite("Sealed fields and blind indexes")
struct FieldCipherTests {
    let cipher: FieldCipher
    init() throws { cipher = try FieldCipher(.generate()) }

    @Test func aSealedValueOpensAndLooksDifferentEachTime() throws {
        let rid = Array("430481199001011234".utf8)
        let a = cipher.seal(rid), b = cipher.seal(rid)
        #expect(a != b, "a fresh IV each time: equal values do not show as equal")
        #expect(a.count == 16 + rid.count + 32)
        #expect(try cipher.open(a) == rid && cipher.open(b) == rid)
        #expect(!hex(a).contains(hex(rid)))
    }

    @Test func anyAlteredByteIsRefused() throws {
        let sealed = cipher.seal(Array("13912345678".utf8))
        for i in sealed.indices {
            var bad = sealed
            bad[i] ^= 0x01
            #expect(throws: FieldCipher.Unopenable.self) { try cipher.open(bad) }
        }
        #expect(throws: FieldCipher.Unopenable.self) { try cipher.open(Array(sealed.dropLast())) }
        #expect(throws: FieldCipher.Unopenable.self) { try FieldCipher(.generate()).open(sealed) }
    }

    @Test func theBlindIndexFindsEqualValuesOnlyUnderItsKey() throws {
        let rid = Array("430481199001011234".utf8)
        #expect(cipher.blindIndex(rid) == cipher.blindIndex(rid))
        #expect(cipher.blindIndex(rid) != cipher.blindIndex(Array("430481199001011242".utf8)))
        #expect(try FieldCipher(.generate()).blindIndex(rid) != cipher.blindIndex(rid))
    }
}
