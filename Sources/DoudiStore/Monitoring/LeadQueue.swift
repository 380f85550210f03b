import DoudiDomain
import Foundation
import SQLKit

/// What a person asks of the lead queue: the leads to work on now (open, by default on the page), of one
/// channel or village, found by part of a name, overdue only; oldest or newest first, a page at a time.
public struct LeadQuery: Sendable, Hashable {
    public enum Sort: String, Sendable, CaseIterable { case newest, oldest }
    public var status: LeadStatus?
    public var channel: LeadChannel?
    /// A township or village inside the reader's region; nil for all of it.
    public var region: RegionCode?
    /// Part of the person's name, taken literally.
    public var text = ""
    /// Open leads whose verification day has passed.
    public var overdue = false
    public var sort = Sort.newest
    public var limit = 50
    public var offset = 0
    public init(status: LeadStatus? = nil, channel: LeadChannel? = nil, region: RegionCode? = nil, text: String = "",
                overdue: Bool = false, sort: Sort = .newest, limit: Int = 50, offset: Int = 0) {
        self.status = status; self.channel = channel; self.region = region; self.text = text
        self.overdue = overdue; self.sort = sort; self.limit = limit; self.offset = offset
    }
}

extension LeadStore {
    public struct QueuePage: Sendable { public var items: [LeadSummary]; public var total: Int }

    /// A page of the queue and how many leads match in all. Overdue depends on each lead's region and year's
    /// policy, so that filter is applied after reading the open leads (a county's open queue is thousands, not millions).
    public func queue(by actor: Actor, _ query: LeadQuery, today: CivilDate) async throws -> QueuePage {
        guard actor.role.may(.readRegister) else { throw StoreError.forbidden }
        guard var filter = HouseholdStore.listScope(actor, narrowedTo: query.region, column: "region") else { return QueuePage(items: [], total: 0) }
        let status = query.overdue ? .open : query.status
        if let status { filter.appendInterpolation(unsafeRaw: " AND status = "); filter.appendInterpolation(bind: status.rawValue) }
        if let c = query.channel { filter.appendInterpolation(unsafeRaw: " AND channel = "); filter.appendInterpolation(bind: c.rawValue) }
        let text = query.text.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty {
            filter.appendInterpolation(unsafeRaw: " AND name LIKE ")
            filter.appendInterpolation(bind: "%" + Self.literal(text) + "%")
            filter.appendInterpolation(unsafeRaw: " ESCAPE '\\'")
        }
        let order = query.sort == .newest ? " ORDER BY created_at DESC, id DESC" : " ORDER BY created_at, id"
        let limit = max(1, query.limit), offset = max(0, query.offset)
        if query.overdue {
            let late = try await load(filter, order: order, limit: nil).filter { today > $0.verification.due(createdOn: $0.createdOn) }
            return QueuePage(items: Array(late.dropFirst(offset).prefix(limit)), total: late.count)
        }
        var page = filter
        page.appendInterpolation(unsafeRaw: order + " LIMIT \(min(limit, 10_000)) OFFSET \(offset)")
        let items = try await load(page, order: "", limit: nil)
        if offset == 0 && items.count < limit { return QueuePage(items: items, total: items.count) }
        let count = SQLQueryString("SELECT COUNT(*) AS n FROM leads")
        let total = try await db.read { sql in try await sql.raw(count + filter).first(decoding: Count.self)?.n ?? 0 }
        return QueuePage(items: items, total: total)
    }

    /// Every overdue lead of the actor's region, oldest first: what the dashboard counts and lists.
    public func overdue(by actor: Actor, today: CivilDate) async throws -> [LeadSummary] {
        try await queue(by: actor, LeadQuery(overdue: true, sort: .oldest, limit: Int.max), today: today).items
    }

    /// Leads of a filter, opened and with their policy's deadline.
    func load(_ filter: SQLQueryString, order: String, limit: Int?) async throws -> [LeadSummary] {
        var q: SQLQueryString = """
            SELECT id, channel, status, region, household_id, resident_sealed AS resident_id, name, mobile_sealed AS mobile, risk_kinds, description,
              details, created_at, monitoring_type, decision_reason FROM leads
            """
        q = q + filter
        q.appendInterpolation(unsafeRaw: order + (limit.map { " LIMIT \($0)" } ?? ""))
        return try await db.read { sql in
            var leads = try await sql.raw(q).all(decoding: LeadSummary.self)
            let book = try await PolicyStore.book(sql)
            try db.fields.withSealer { s in
                for i in leads.indices {
                    leads[i].residentID = try s.open(leads[i].residentID)
                    leads[i].mobile = try s.open(leads[i].mobile)
                }
            }
            for i in leads.indices {
                leads[i].verification = book.policy(region: leads[i].region, year: leads[i].createdOn.year).verification
            }
            return leads
        }
    }

    /// `%`, `_` and the escape itself, matched as typed.
    static func literal(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}
