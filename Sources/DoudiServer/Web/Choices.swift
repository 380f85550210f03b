import DoudiDomain
import DoudiStore

/// The choices forms offer, as the reader's region and this year's policy allow: villages, risk kinds.
struct Choices: Sendable {
    let regions: RegionStore
    let policy: PolicyStore
    let clock: Clock

    /// The villages of the user's region, the chosen one marked.
    func villages(_ a: UserStore.Account, selected: RegionCode?) async throws -> [[String: Any]] {
        try await regions.villageLabels(in: a.region).prefix(5_000).map { v in
            ["code": v.code.description, "name": v.label, "selected": v.code == selected] as [String: Any]
        }
    }

    /// The risk kinds a form offers: the catalogue of the region's policy this year, plus any already chosen.
    func kinds(_ t: Strings.Table, selected: [String] = [], region: RegionCode) async throws -> [[String: Any]] {
        let offered = try await policy.policy(region: region, year: clock.today().year).riskKinds
        return RiskKind.allCases.filter { offered.contains($0) || selected.contains($0.rawValue) }
            .map { ["value": $0.rawValue, "label": t.code == "en" ? $0.rawValue : $0.chinese, "selected": selected.contains($0.rawValue)] }
    }
}
