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

    public var households: [Household]
    public var members: [Member]
    public init(households: [Household] = [], members: [Member] = []) { self.households = households; self.members = members }
}
