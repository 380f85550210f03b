import DoudiCrypto
import Foundation
import Synchronization

/// Sealing and opening stored fields, and their blind indexes, for every store of one database.
///
/// A sealed value is stored as text, `k<version>:<base64 of IV ‖ SM4-CTR ciphertext ‖ HMAC-SM3 tag>`, so that
/// a rotation finds what is left under an old key with a plain `LIKE`. A blind index is the hex of the first 16
/// bytes of HMAC-SM3 under the index key: equal people, equal index; the index says nothing else.
///
/// OpenSSL's contexts are not thread-safe: ciphers are lent to one caller at a time from a small pool. Keys
/// read from a file are read again when the file changes (checked at most every two seconds), so a running
/// server seals under the new key soon after `doudi keys rotate` has written it.
public final class FieldSecrets: Sendable {
    public enum Source: Sendable {
        case file(String)
        case fixed(FieldKeys)
    }

    /// A stored value that does not open under any key in the file: altered in the database, or sealed under
    /// a key that is gone.
    public struct Unopenable: Error, Equatable, CustomStringConvertible {
        public var description: String { "a sealed field does not open under the key file's keys" }
    }

    private struct State {
        var keys: FieldKeys
        var fileStamp: [Int]
        var checkedAt: ContinuousClock.Instant
        var idle: [Lent] = []
    }

    /// A set of ciphers, one per key version, used by one caller at a time.
    fileprivate final class Lent: @unchecked Sendable {
        let keys: FieldKeys
        let ciphers: [Int: FieldCipher]
        init(_ keys: FieldKeys) throws {
            self.keys = keys
            var c: [Int: FieldCipher] = [:]
            for v in keys.versions { c[v.number] = try FieldCipher(keys.cipherKeys(v.number)!) }
            ciphers = c
        }
    }

    private let source: Source
    private let state: Mutex<State>

    public init(_ source: Source) throws {
        self.source = source
        switch source {
        case .fixed(let keys):
            state = Mutex(State(keys: keys, fileStamp: [], checkedAt: .now))
        case .file(let path):
            let keys = try KeyFile.loadOrCreate(path).keys
            state = Mutex(State(keys: keys, fileStamp: Self.stamp(path), checkedAt: .now))
        }
    }

    public var keys: FieldKeys { state.withLock { $0.keys } }

    /// Runs `body` with ciphers of its own. `body` must not keep the sealer.
    public func withSealer<T>(_ body: (Sealer) throws -> T) throws -> T {
        let lent = try borrow()
        defer { state.withLock { if $0.keys == lent.keys && $0.idle.count < 16 { $0.idle.append(lent) } } }
        return try body(Sealer(lent: lent))
    }

    public func seal(_ plain: String) throws -> String { try withSealer { $0.seal(plain) } }
    public func index(_ plain: String) throws -> String { try withSealer { $0.index(plain) } }
    public func open(_ sealed: String) throws -> String { try withSealer { try $0.open(sealed) } }

    /// A sealer of its own for one thread's long run (an import's members, sealed as they are checked).
    public func dedicatedSealer() throws -> Sealer { Sealer(lent: try borrow()) }

    /// A function of its own for one thread, for work too hot to borrow per value (the screening's feeds): a
    /// value's blind index as the screening engine keys it (`ScreeningRegister.key(blindIndex:)`: its first 8
    /// bytes, big-endian).
    public func blindKeyer() throws -> (String) -> UInt64 {
        let lent = try borrow()
        let cipher = lent.ciphers[lent.keys.current]!
        return { plain in cipher.blindIndex(Array(plain.utf8)).prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
    }

    /// Reads the key file again now, as the rotation does between its steps.
    public func reload() throws {
        guard case .file(let path) = source else { return }
        let keys = try KeyFile.load(path)
        state.withLock { $0 = State(keys: keys, fileStamp: Self.stamp(path), checkedAt: .now) }
    }

    private func borrow() throws -> Lent {
        if case .file(let path) = source {
            let due = state.withLock { s -> Bool in
                guard ContinuousClock.now - s.checkedAt > .seconds(2) else { return false }
                s.checkedAt = .now
                return true
            }
            if due, state.withLock({ $0.fileStamp }) != Self.stamp(path) {
                // A file being replaced at this moment is read at the next check.
                if let keys = try? KeyFile.load(path) { state.withLock { $0 = State(keys: keys, fileStamp: Self.stamp(path), checkedAt: .now) } }
            }
        }
        let (idle, keys) = state.withLock { s in (s.idle.popLast(), s.keys) }
        return try idle ?? Lent(keys)
    }

    private static func stamp(_ path: String) -> [Int] {
        var st = stat()
        guard stat(path, &st) == 0 else { return [] }
        return [Int(st.st_mtim.tv_sec), Int(st.st_mtim.tv_nsec), Int(st.st_size), Int(st.st_ino)]
    }

    /// Ciphers lent to one caller: seal under the current version, open under any version the file still has.
    public struct Sealer {
        fileprivate let lent: Lent

        public var version: Int { lent.keys.current }

        public func seal(_ plain: String) -> String {
            "k\(lent.keys.current):" + Data(lent.ciphers[lent.keys.current]!.seal(Array(plain.utf8))).base64EncodedString()
        }

        public func seal(_ plain: String?) -> String? { plain.map { seal($0) } }

        public func open(_ sealed: String) throws(Unopenable) -> String {
            guard sealed.hasPrefix("k"), let colon = sealed.firstIndex(of: ":"), let v = Int(sealed[sealed.index(after: sealed.startIndex)..<colon]),
                  let cipher = lent.ciphers[v], let bytes = Data(base64Encoded: String(sealed[sealed.index(after: colon)...])),
                  let plain = try? cipher.open(Array(bytes)) else { throw Unopenable() }
            return String(decoding: plain, as: UTF8.self)
        }

        public func open(_ sealed: String?) throws(Unopenable) -> String? {
            guard let sealed else { return nil }
            return try open(sealed)
        }

        /// The blind index: the same for the same value under every sealing version.
        public func index(_ plain: String) -> String {
            Hex.encode(lent.ciphers[lent.keys.current]!.blindIndex(Array(plain.utf8)).prefix(16))
        }

        /// Whether a stored value is sealed under the current version (what a rotation leaves alone).
        public func isCurrent(_ sealed: String) -> Bool { sealed.hasPrefix("k\(lent.keys.current):") }
    }
}
