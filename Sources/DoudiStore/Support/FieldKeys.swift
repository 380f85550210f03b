import DoudiCrypto
import Foundation

/// The keys that seal resident IDs, phones and bank accounts (SM4-CTR with HMAC-SM3) and index them (HMAC-SM3).
/// They live in a file outside the database, readable by its owner only; the database keeps only a check value
/// per key, so that a wrong file is refused before anything is written with it.
///
/// Sealing keys have versions: `doudi keys rotate` adds one, re-seals every value under it and retires the old
/// one. The index key stays: changing it would change every blind index, and with it the uniqueness of people.
public struct FieldKeys: Sendable, Equatable, CustomStringConvertible {
    public struct Version: Sendable, Equatable {
        public var number: Int
        var encryption: [UInt8]
        var authentication: [UInt8]
    }

    public private(set) var versions: [Version]
    public private(set) var current: Int
    var index: [UInt8]

    /// New keys: version 1.
    public static func generate() -> FieldKeys {
        FieldKeys(versions: [Version(number: 1, encryption: randomBytes(16), authentication: randomBytes(32))], current: 1, index: randomBytes(32))
    }

    /// A new sealing version, made current; the old ones stay until `retiring`.
    public func adding() -> FieldKeys {
        var k = self
        let n = (versions.map(\.number).max() ?? 0) + 1
        k.versions.append(Version(number: n, encryption: randomBytes(16), authentication: randomBytes(32)))
        k.current = n
        return k
    }

    /// Only the current version left.
    public func retiring() -> FieldKeys {
        var k = self
        k.versions = versions.filter { $0.number == current }
        return k
    }

    func cipherKeys(_ number: Int) -> FieldCipher.Keys? {
        versions.first { $0.number == number }.map { FieldCipher.Keys(encryption: $0.encryption, authentication: $0.authentication, index: index) }
    }

    /// What the database keeps to recognise a version: a MAC of a fixed text, which says nothing of the keys.
    func check(_ number: Int) -> String? {
        guard let v = versions.first(where: { $0.number == number }), let mac = try? HMACSM3(key: v.authentication + index) else { return nil }
        return Hex.encode(mac.mac(Array("doudi field key check".utf8)).prefix(16))
    }

    /// Never the key bytes, wherever a value is printed or logged.
    public var description: String { "FieldKeys(versions: \(versions.map(\.number)), current: \(current))" }
}

/// The key file: JSON, hex-encoded keys, mode 0600.
public enum KeyFile {
    public struct Problem: Error, CustomStringConvertible {
        public let zh: String, en: String
        public var description: String { "\(zh)\n\(en)" }
    }

    struct Stored: Codable {
        struct Version: Codable { var version: Int; var encryption: String; var authentication: String }
        var format: String
        var current: Int
        var index: String
        var keys: [Version]
    }
    static let format = "doudi-field-keys-1"

    /// The keys at `path`, made (with a new random key) when there is no file yet.
    public static func loadOrCreate(_ path: String) throws -> (keys: FieldKeys, created: Bool) {
        if FileManager.default.fileExists(atPath: path) { return (try load(path), false) }
        let keys = FieldKeys.generate()
        try write(keys, to: path)
        return (keys, true)
    }

    public static func load(_ path: String) throws -> FieldKeys {
        var st = stat()
        guard stat(path, &st) == 0 else { throw Problem(zh: "无法读取密钥文件 \(path)", en: "cannot read the key file \(path)") }
        // As ssh does with a private key: a key others can read is no longer a secret.
        guard st.st_mode & 0o077 == 0 else {
            throw Problem(zh: "密钥文件 \(path) 可被其他用户读取，请执行 chmod 600", en: "the key file \(path) can be read by other users: chmod 600 it")
        }
        guard let data = FileManager.default.contents(atPath: path), let s = try? JSONDecoder().decode(Stored.self, from: data), s.format == format,
              let index = Hex.decode(s.index), index.count == 32 else {
            throw Problem(zh: "密钥文件 \(path) 格式不对", en: "the key file \(path) is not a Doudi key file")
        }
        var versions: [FieldKeys.Version] = []
        for v in s.keys {
            guard let e = Hex.decode(v.encryption), e.count == 16, let a = Hex.decode(v.authentication), a.count == 32 else {
                throw Problem(zh: "密钥文件 \(path) 中第\(v.version)版密钥长度不对", en: "key version \(v.version) in \(path) has the wrong length")
            }
            versions.append(.init(number: v.version, encryption: e, authentication: a))
        }
        guard versions.contains(where: { $0.number == s.current }) else {
            throw Problem(zh: "密钥文件 \(path) 缺少当前版本\(s.current)", en: "the key file \(path) lacks its current version \(s.current)")
        }
        return FieldKeys(versions: versions, current: s.current, index: index)
    }

    /// Written whole to a new file (mode 0600 from its creation, flushed) that then replaces the old one: a
    /// crash leaves the old keys or the new, never half of them.
    public static func write(_ keys: FieldKeys, to path: String) throws {
        let stored = Stored(format: format, current: keys.current, index: Hex.encode(keys.index),
                            keys: keys.versions.map { .init(version: $0.number, encryption: Hex.encode($0.encryption), authentication: Hex.encode($0.authentication)) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(stored)
        let temporary = path + ".new"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw Problem(zh: "无法创建密钥文件 \(path)", en: "cannot create the key file \(path)") }
        let ok = data.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) == $0.count } && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw Problem(zh: "无法写入密钥文件 \(path)", en: "cannot write the key file \(path)")
        }
    }
}

enum Hex {
    static func encode(_ bytes: some Collection<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ s: String) -> [UInt8]? {
        let u = Array(s.utf8)
        guard u.count % 2 == 0 else { return nil }
        func v(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var out: [UInt8] = []
        for i in stride(from: 0, to: u.count, by: 2) {
            guard let hi = v(u[i]), let lo = v(u[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
        }
        return out
    }
}
