import DoudiDomain
import Foundation
import SQLKit

/// What a person asks of the monitoring list: statuses, the step waiting, the type, a township or village, part
/// of a member's name or of the household number, overdue steps only; newest, oldest or soonest due first, a
/// page at a time.
public struct EpisodeQuery: Sendable, Hashable {
    public enum Sort: String, Sendable, CaseIterable { case newest, oldest, due }
    public var statuses: [EpisodeStatus]
    public var step: ProcedureStep?
    public var type: MonitoringType?
    /// A township or village inside the reader's region; nil for all of it.
    public var region: RegionCode?
    public var text = ""
    public var householdID: String?
    public var overdue = false
    public var sort = Sort.newest
    public var limit = 50
    public var offset = 0
    public init(statuses: [EpisodeStatus] = [], step: ProcedureStep? = nil, type: MonitoringType? = nil, region: RegionCode? = nil,
                text: String = "", householdID: String? = nil, overdue: Bool = false, sort: Sort = .newest, limit: Int = 50, offset: Int = 0) {
        self.statuses = statuses; self.step = step; self.type = type; self.region = region; self.text = text; self.householdID = householdID
        self.overdue = overdue; self.sort = sort; self.limit = limit; self.offset = offset
    }
}

extension EpisodeStore {
    public struct ListPage: Sendable { public var items: [EpisodeSummary]; public var total: Int }

    /// A page of the list and how many episodes match in all. A step's deadline comes from each region's and
    /// year's policy, so "overdue" and "soonest due" are decided after reading the matching episodes (a county's
    /// are thousands, not millions); the other orders page in the database.
    public func list(by actor: Actor, _ query: EpisodeQuery, today: CivilDate) async throws -> ListPage {
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        guard var filter = HouseholdStore.listScope(actor, narrowedTo: query.region, column: "e.region") else { return ListPage(items: [], total: 0) }
        if !query.statuses.isEmpty {
            filter.appendInterpolation(unsafeRaw: " AND e.status IN ("); filter.appendInterpolation(binds: query.statuses.map(\.rawValue)); filter.appendInterpolation(unsafeRaw: ")")
        }
        if let s = query.step { filter.appendInterpolation(unsafeRaw: " AND e.step = "); filter.appendInterpolation(bind: s.rawValue) }
        if let t = query.type { filter.appendInterpolation(unsafeRaw: " AND e.monitoring_type = "); filter.appendInterpolation(bind: t.rawValue) }
        if let h = query.householdID { filter.appendInterpolation(unsafeRaw: " AND e.household_id = "); filter.appendInterpolation(bind: h) }
        let text = query.text.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty {
            // Part of a household number, or part of any member's name (SearchParts: one range of the index).
            let (low, high) = HouseholdStore.prefixRange(text)
            filter.appendInterpolation(unsafeRaw: " AND (UPPER(e.household_id) LIKE ")
            filter.appendInterpolation(bind: "%" + LeadStore.literal(text.uppercased()) + "%")
            filter.appendInterpolation(unsafeRaw: " ESCAPE '\\' OR e.household_id IN (SELECT np.household_id FROM name_parts np WHERE np.part >= ")
            filter.appendInterpolation(bind: low)
            filter.appendInterpolation(unsafeRaw: " AND np.part < ")
            filter.appendInterpolation(bind: high)
            filter.appendInterpolation(unsafeRaw: "))")
        }
        let limit = max(1, min(query.limit, 10_000)), offset = max(0, query.offset)
        if query.overdue || query.sort == .due {
            var all = try await load(filter + " ORDER BY e.id DESC LIMIT 100000")
            if query.overdue { all = all.filter { $0.overdue(today: today) } }
            if query.sort == .due { all.sort { ($0.stepDue?.daysSinceEpoch ?? .max, $0.id) < ($1.stepDue?.daysSinceEpoch ?? .max, $1.id) } }
            return ListPage(items: Array(all.dropFirst(offset).prefix(limit)), total: all.count)
        }
        let order = query.sort == .oldest ? " ORDER BY e.id" : " ORDER BY e.id DESC"
        let items = try await load(filter + SQLQueryString(order + " LIMIT \(limit) OFFSET \(offset)"))
        if items.count < limit && (offset == 0 || !items.isEmpty) { return ListPage(items: items, total: offset + items.count) }
        let total = try await db.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM episodes e" + filter).first(decoding: Count.self)?.n ?? 0
        }
        return ListPage(items: items, total: total)
    }

    private func load(_ filter: SQLQueryString) async throws -> [EpisodeSummary] {
        try await db.read { sql in
            var list = try await sql.raw(SQLQueryString(Self.select) + filter).all(decoding: EpisodeSummary.self)
            let book = try await PolicyStore.book(sql)
            for i in list.indices { list[i].setStepDue(book) }
            return list
        }
    }
}
