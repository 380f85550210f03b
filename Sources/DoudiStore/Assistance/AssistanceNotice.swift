import DoudiDomain
import SQLKit

extension ApplicationStore {
    /// The notice an application is on (R-DB-5: 7 days, the head's name, the persons covered, the income and the
    /// proposed amount): every application of the same kind posted for the same period in the region at `level`
    /// (the village by default; a township or the county where it posts the list). Nil before the notice is posted.
    public func notice(_ id: Int64, level: RegionCode.Level = .village, by actor: Actor) async throws -> PostedNotice? {
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        let at = max(.county, min(level, .village))
        let found: (ApplicationSummary, [ApplicationSummary])? = try await db.read { sql in
            guard let a = try await Self.load(sql, id, actor: actor), let from = a.state.noticeFrom, let to = a.state.noticeTo else { return nil }
            let place = a.region.truncated(to: at)
            let kinds = BenefitKind.allCases.filter { NoticeKind($0) == NoticeKind(a.kind) }.map(\.rawValue)
            let all = try await sql.raw("""
                \(unsafeRaw: Self.select) WHERE \(HouseholdStore.scope(actor, column: "a.region")) AND \(HouseholdStore.within(place, column: "a.region"))
                AND a.kind IN (\(binds: kinds)) AND a.notice_from = \(bind: from.description) AND a.notice_to = \(bind: to.description)
                ORDER BY a.region, a.id
                """).all(decoding: ApplicationSummary.self)
            return (a, all)
        }
        guard let (a, all) = found, let from = a.state.noticeFrom, let to = a.state.noticeTo else { return nil }
        let place = a.region.truncated(to: at)
        let path = try await RegionStore(db).path(place).map(\.name)
        let policy = try await PolicyStore(db).policy(region: a.region, year: from.year)
        let signer: String = switch place.level {
        case .village: VillageNotice.committee(of: path.last ?? "", code: place)
        case .township: (path.last ?? "") + (place.displayType == .subdistrict ? "办事处" : "人民政府")
        default: (path.last ?? "") + "民政局"
        }
        return PostedNotice(place: place.level == .county ? path.last ?? "" : path.dropFirst(3).joined(separator: " "), signer: signer,
                            sheet: NoticeSheet(kind: NoticeKind(a.kind), from: from, to: to, entries: all.map(\.noticeEntry)),
                            supervisionPhone: policy.values[.supervisionPhone])
    }
}

extension ApplicationSummary {
    /// What an application offers a notice; the sheet keeps what its kind may show.
    var noticeEntry: [NoticeField: String] {
        [.headName: headName, .persons: String(covered.count), .incomePerCapita: income.perCapitaMonthly(persons: covered.count).description,
         .amount: state.proposedAmount.map(String.init) ?? ""]
    }
}
