import DoudiDomain
import Foundation

/// 村级公示 as it is posted: one sheet per village and notice period, every household entering it, signed by
/// the village's committee, with the county's supervision telephone. Built from PublicNotice fields only: no
/// resident ID, phone, bank account or health detail can reach it.
public struct VillageNotice: Sendable, Hashable {
    public var kind: ProcedureKind
    public var township: String
    public var village: String
    /// 牌楼居民委员会, 花石村村民委员会: the committee's full name, as it signs.
    public var committee: String
    public var from: CivilDate
    public var to: CivilDate
    public var households: [PublicNotice]
    public var supervisionPhone: String?

    /// The committee's full name from the village's name and its urban-rural type (居委会 or 村委会, R-DATA-3).
    public static func committee(of name: String, code: RegionCode) -> String {
        let residents: Bool = switch code.displayType {
        case .residentsCommittee, .residentsLike: true
        case .villagersCommittee, .villagersLike: false
        default: !name.hasSuffix("村") && !name.hasSuffix("村委会")
        }
        for (short, full) in [("居民委员会", ""), ("村民委员会", ""), ("居委会", "居民委员会"), ("村委会", "村民委员会")] where name.hasSuffix(short) {
            if full.isEmpty { return name }
            // 花石村委会 is 花石村's committee: 花石村村民委员会; 牌楼居委会 is 牌楼居民委员会.
            let stem = String(name.dropLast(short.count))
            return short == "村委会" ? stem + "村" + full : stem + full
        }
        return name + (residents ? "居民委员会" : "村民委员会")
    }
}

extension EpisodeStore {
    /// The notice of a village for the period that starts on `from`: every household whose procedure of `kind`
    /// posted its notice that day. Nil when the village lies outside the reader's region or has none.
    public func villageNotice(village: RegionCode, from: CivilDate, kind: ProcedureKind, by actor: Actor) async throws -> VillageNotice? {
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        guard village.level == .village, actor.reaches(village) else { return nil }
        let viewer = Actor(userID: actor.userID, username: actor.username, role: actor.role, region: village)
        let entering = try await episodes(by: viewer, statuses: [.identifying, .clearing], limit: 10_000)
            .filter { $0.noticeFrom == from && $0.procedureKind == kind && $0.regionCode == village }
            .sorted { ($0.headName ?? "", $0.id) < ($1.headName ?? "", $1.id) }
        guard !entering.isEmpty else { return nil }
        let path = try await RegionStore(db).path(village)
        let name = path.last?.name ?? village.description
        let policy = try await PolicyStore(db).policy(region: village, year: from.year)
        return VillageNotice(
            kind: kind, township: path.first { $0.code.level == .township }?.name ?? "", village: name,
            committee: VillageNotice.committee(of: name, code: village), from: from, to: entering.compactMap(\.noticeTo).max() ?? from,
            households: entering.map { e in
                PublicNotice(kind: kind, headName: e.headName ?? "", village: name, monitoringType: e.monitoringType, riskKinds: e.riskKinds, from: from, to: e.noticeTo ?? from)
            },
            supervisionPhone: policy.values[.supervisionPhone])
    }
}
