import DoudiDomain
import Foundation

/// A notice as it is posted (公示): the place, who signs it, the county's supervision telephone, and the sheet
/// with its kind's fields only (NoticeSheet: no resident ID, phone, bank account or health detail can reach it).
/// The monitoring procedure posts one per village and period; the assistance procedure at a village, a township
/// or the county.
public struct PostedNotice: Sendable, Hashable {
    /// 蔡子池街道 牌楼居委会: the township and the village (the township alone, or the county, at those levels).
    public var place: String
    /// 牌楼居民委员会, 蔡子池街道办事处…: who signs.
    public var signer: String
    public var sheet: NoticeSheet
    public var supervisionPhone: String?
}

public enum VillageNotice {
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
    public func villageNotice(village: RegionCode, from: CivilDate, kind: ProcedureKind, by actor: Actor) async throws -> PostedNotice? {
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
        let township = path.first { $0.code.level == .township }?.name ?? ""
        let sheet = NoticeSheet(kind: kind == .identification ? .monitoringIdentification : .monitoringClearing, from: from,
                                to: entering.compactMap(\.noticeTo).max() ?? from, entries: entering.map(\.noticeEntry))
        return PostedNotice(place: "\(township) \(name)", signer: VillageNotice.committee(of: name, code: village), sheet: sheet,
                            supervisionPhone: policy.values[.supervisionPhone])
    }
}

extension EpisodeSummary {
    /// What a case file offers a notice; the sheet keeps what its kind may show.
    var noticeEntry: [NoticeField: String] {
        [.headName: headName ?? "", .monitoringType: monitoringType.chinese, .riskKinds: riskKinds.map(\.chinese).joined(separator: "、")]
    }
}
