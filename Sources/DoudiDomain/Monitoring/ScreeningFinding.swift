/// The department signals of `specs/screening.md`, in the order `risk_kinds` lists them.
public enum ScreeningSignal: String, Sendable, CaseIterable {
    case illness, disaster, unemployment, death, disability

    /// The risk kind (R-MON-4) a signal points to: a lost job is unstable employment, the death of a full
    /// labourer a lack of labour.
    public var riskKind: RiskKind {
        switch self {
        case .illness: .illness
        case .disaster: .disaster
        case .disability: .disability
        case .unemployment: .unstableEmployment
        case .death: .lackOfLabour
        }
    }
}

/// A household the department screening lists for verification on the spot: what the lead queue takes.
public struct ScreeningFinding: Sendable, Hashable {
    public var householdID: String
    public var regionCode: String
    /// The monitored type proposed (R-MON-2), by the spec's order of precedence.
    public var category: MonitoringType
    public var signals: [ScreeningSignal]
    /// `adjusted_income_per_capita` written with two decimals, rounded half away from zero.
    public var adjusted: String

    public init(householdID: String, regionCode: String, category: MonitoringType, signals: [ScreeningSignal], adjusted: String) {
        self.householdID = householdID; self.regionCode = regionCode; self.category = category; self.signals = signals; self.adjusted = adjusted
    }

    public var riskKinds: [RiskKind] { signals.map(\.riskKind) }

    /// The line a lead or a case file gets for this finding.
    public func note(asOf: CivilDate) -> String {
        "筛查 screening \(asOf): \(signals.map(\.rawValue).joined(separator: "|")) → \(category.rawValue), \(adjusted)"
    }
}

/// The register as the screening reads it: what the rules need of each household and person, nothing more
/// (no names, no phones).
public struct ScreeningRegister: Sendable {
    public struct Household: Sendable, Hashable {
        public var id: String
        public var region: RegionCode
        public var povertyStatus: PovertyStatus
        public var dibao: Bool
        public var incomePerCapita: Int64
        public init(id: String, region: RegionCode, povertyStatus: PovertyStatus, dibao: Bool, incomePerCapita: Int64) {
            self.id = id; self.region = region; self.povertyStatus = povertyStatus; self.dibao = dibao; self.incomePerCapita = incomePerCapita
        }
    }

    public struct Member: Sendable, Hashable {
        public var residentID: String
        /// The member's household: its index in `households`.
        public var household: Int32
        public var laborAbility: LaborAbility
        public init(residentID: String, household: Int32, laborAbility: LaborAbility) {
            self.residentID = residentID; self.household = household; self.laborAbility = laborAbility
        }
    }

    /// The members in columns: a county's millions of people as a few arrays (resident IDs side by side in one
    /// byte array), not millions of strings, each allocated, filled and freed on its own.
    public struct Members: Sendable, RandomAccessCollection, ExpressibleByArrayLiteral {
        public private(set) var residentIDBytes: [UInt8] = []
        /// Where each resident ID ends in `residentIDBytes`; it starts where the one before ends.
        public private(set) var residentIDEnds: [Int] = []
        /// Each member's household, its index in `households` (-1: none).
        public var households: [Int32] = []
        public private(set) var labour: [LaborAbility] = []

        public init(capacity: Int = 0) {
            residentIDBytes.reserveCapacity(capacity * 18); residentIDEnds.reserveCapacity(capacity)
            households.reserveCapacity(capacity); labour.reserveCapacity(capacity)
        }
        public init(arrayLiteral members: Member...) { self.init(capacity: members.count); for m in members { append(m) } }

        public mutating func append(residentID: some Collection<UInt8>, household: Int32, laborAbility: LaborAbility) {
            residentIDBytes.append(contentsOf: residentID); residentIDEnds.append(residentIDBytes.count)
            households.append(household); labour.append(laborAbility)
        }
        public mutating func append(contentsOf other: Members) {
            let offset = residentIDBytes.count
            residentIDBytes += other.residentIDBytes; residentIDEnds += other.residentIDEnds.map { $0 + offset }
            households += other.households; labour += other.labour
        }
        public mutating func append(_ m: Member) { append(residentID: Array(m.residentID.utf8), household: m.household, laborAbility: m.laborAbility) }

        public func residentIDRange(_ i: Int) -> Range<Int> { (i == 0 ? 0 : residentIDEnds[i - 1])..<residentIDEnds[i] }
        public var startIndex: Int { 0 }
        public var endIndex: Int { residentIDEnds.count }
        public subscript(i: Int) -> Member {
            Member(residentID: String(decoding: residentIDBytes[residentIDRange(i)], as: UTF8.self), household: households[i], laborAbility: labour[i])
        }
    }

    public var households: [Household]
    public var members: Members
    /// Set when the register comes from the database, where resident IDs are sealed: members' `residentID` is
    /// then the hex of their blind index, and this makes, for each thread, the function that turns a feed's
    /// resident ID into the same key (the ciphers behind it are not thread-safe).
    public var blindKey: (@Sendable () -> (String) -> UInt64)?
    public init(households: [Household] = [], members: Members = [], blindKey: (@Sendable () -> (String) -> UInt64)? = nil) {
        self.households = households; self.members = members; self.blindKey = blindKey
    }

    /// The engine's key of a blind index: its first 8 bytes (given as 16 or more hex digits).
    public static func key(blindIndex hex: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard hex.count >= 16 else { return nil }
        var k: UInt64 = 0, n = 0
        for c in hex[0..<16] {
            let v: UInt64
            switch c {
            case 48...57: v = UInt64(c - 48)
            case 97...102: v = UInt64(c - 87)
            default: return nil
            }
            k = k << 4 | v
            n += 1
        }
        return n == 16 ? k : nil
    }
}
