import DoudiDomain
import DoudiStore

/// The choices forms offer, as the reader's region and this year's policy allow: villages, risk kinds.
struct Choices: Sendable {
    let regions: RegionStore
    let policy: PolicyStore
    let clock: Clock

    /// Where a lead can be filed: the villages of the user's region, and its townships that have no village list
    /// (a lead there is the township's to verify).
    func leadPlaces(_ a: UserStore.Account, selected: RegionCode?, t: Strings.Table) async throws -> [[String: Any]] {
        let bare = try await regions.townshipsServed().filter { !$0.hasVillages && a.region.contains($0.township.code) }.map(\.township)
        return try await villages(a, selected: selected) + bare.map { ["code": $0.code.description, "name": $0.name + t.t("townshipDirect"), "selected": $0.code == selected] }
    }

    /// The villages of the user's region, the chosen one marked.
    func villages(_ a: UserStore.Account, selected: RegionCode?) async throws -> [[String: Any]] {
        try await regions.villageLabels(in: a.region).prefix(5_000).map { v in
            ["code": v.code.description, "name": v.label, "selected": v.code == selected] as [String: Any]
        }
    }

    /// A region to pick instead of a code to type: the root first, then a group per region one level down (a
    /// township) holding that region and the regions under it (its villages), `selected` marked.
    func regionPicker(in root: RegionCode, selected: RegionCode?, t: Strings.Table) async throws -> [[String: Any]] {
        // The whole country (a national administrator) is picked from down to its counties.
        let group = root.isCountry ? RegionCode.Level.province : RegionCode.Level(rawValue: min(5, root.level.rawValue + 1)) ?? .village
        let deepest = RegionCode.Level(rawValue: min(5, group.rawValue + 1)) ?? .village
        let all = try await regions.regions(in: root, levels: min(root.level, group)...deepest)
        func option(_ r: Region, _ name: String) -> [String: Any] { ["code": r.code.description, "name": name, "selected": r.code == selected] }
        var groups: [[String: Any]] = [], children: [[String: Any]] = []
        var head: Region?
        func close() { if let h = head { groups.append(["grouped": true, "name": h.name, "options": [option(h, h.name + t.t("wholeArea"))] + children]) } }
        for r in all where r.code != root {
            if r.code.level == group { close(); head = r; children = [] } else { children.append(option(r, r.name)) }
        }
        close()
        let top = all.first { $0.code == root } ?? Region(code: root, name: root.isCountry ? t.t("country") : root.description)
        return [["grouped": false, "name": "", "options": [option(top, top.name + t.t("wholeArea"))]]] + groups
    }

    /// The risk kinds a form offers: the catalogue of the region's policy this year, plus any already chosen.
    func kinds(_ t: Strings.Table, selected: [String] = [], region: RegionCode) async throws -> [[String: Any]] {
        let offered = try await policy.policy(region: region, year: clock.today().year).riskKinds
        return RiskKind.allCases.filter { offered.contains($0) || selected.contains($0.rawValue) }
            .map { ["value": $0.rawValue, "label": label($0, t), "selected": selected.contains($0.rawValue)] }
    }
}
