import DoudiDomain
import Foundation
import SQLKit

/// A volunteer's own page and service record, and the figures by region (volunteers active, hours, tasks open).
extension VolunteerStore {
    public struct Mine: Sendable {
        public var volunteer: Volunteer
        /// Today's declaration, if made.
        public var today: HealthDeclaration?
        /// Their assignments from a week ago on, with the tasks.
        public var assignments: [(assignment: Assignment, task: VolunteerTask)]
        /// Tasks of their county with places left, from today, that they do not hold.
        public var open: [VolunteerTask]
        public var confirmedMinutes: Int
        public var confirmedThisMonth: Int
    }

    public func mine(by actor: Actor) async throws -> Mine {
        guard actor.role == .volunteer else { throw StoreError.forbidden }
        let today = db.clock.today()
        let (row, rows) = try await db.read { sql in
            guard let me = try await Self.volunteerOf(sql, actor) else { throw StoreError.forbidden }
            let row = try await sql.raw("SELECT \(Self.volunteerColumns) WHERE v.id = \(bind: me)").first(decoding: VolunteerRow.self)
            let rows = try await sql.raw("SELECT \(Self.assignmentColumns) WHERE a.volunteer_id = \(bind: me) ORDER BY a.day DESC, a.id DESC LIMIT 500")
                .all(decoding: AssignmentRow.self)
            return (row, rows.compactMap(\.assignment))
        }
        guard let row, let v = try volunteer(row) else { throw StoreError.forbidden }
        let tasks = try await self.tasks(from: today.adding(days: -7), by: actor)
        let byID = Dictionary(uniqueKeysWithValues: tasks.map { ($0.id, $0) })
        let held = Set(rows.filter(\.status.holdsHours).map(\.taskID))
        let month = "\(today.description.prefix(7))"
        let confirmed = rows.filter { $0.status == .confirmed }
        return Mine(volunteer: v, today: v.facts.health.flatMap { $0.day == today ? $0 : nil },
                    assignments: rows.filter { $0.day >= today.adding(days: -7) }.compactMap { a in byID[a.taskID].map { (a, $0) } },
                    open: tasks.filter { $0.day >= today && !$0.isFull && !held.contains($0.id) },
                    confirmedMinutes: confirmed.compactMap(\.confirmedMinutes).reduce(0, +),
                    confirmedThisMonth: confirmed.filter { $0.day.description.hasPrefix(month) }.compactMap(\.confirmedMinutes).reduce(0, +))
    }

    /// A volunteer's service record: their confirmed assignments (the volunteer's own, or one of an organization's).
    public func record(volunteer id: Int64?, by actor: Actor) async throws -> (volunteer: Volunteer, lines: [Assignment]) {
        let (row, rows) = try await db.read { sql in
            let vid: Int64?
            switch actor.role {
            case .volunteer: vid = try await Self.volunteerOf(sql, actor)
            case .volunteerOrgAdmin:
                let org = try await Self.orgOf(sql, actor) ?? -1
                vid = try await sql.raw("SELECT id FROM volunteers WHERE id = \(bind: id ?? -1) AND org_id = \(bind: org)").first(decoding: ID.self)?.id
            default: throw StoreError.forbidden
            }
            guard let vid else { throw StoreError.notFound }
            return (try await sql.raw("SELECT \(Self.volunteerColumns) WHERE v.id = \(bind: vid)").first(decoding: VolunteerRow.self),
                    try await sql.raw("SELECT \(Self.assignmentColumns) WHERE a.volunteer_id = \(bind: vid) AND a.status = 'confirmed' ORDER BY a.day, a.id")
                        .all(decoding: AssignmentRow.self))
        }
        guard let row, let v = try volunteer(row) else { throw StoreError.notFound }
        return (v, rows.compactMap(\.assignment))
    }

    public struct Figures: Sendable, Hashable {
        public struct Row: Sendable, Hashable {
            public var region: RegionCode
            public var name: String
            public var volunteers = 0
            /// Volunteers with an assignment planned or served in the last 30 days.
            public var active = 0
            public var minutesThisMonth = 0
            public var tasksOpen = 0
        }
        public var region: RegionCode
        /// One row per child region, then the region's total.
        public var rows: [Row]
    }

    /// Volunteers living in each child region, active in the last 30 days, hours confirmed for this month's days,
    /// and tasks from today with places left; an organization's administrator counts their own volunteers only.
    public func figures(region: RegionCode, by actor: Actor) async throws -> Figures? {
        guard VolunteerAccess.mayReadFigures(actor.role) else { throw StoreError.forbidden }
        guard actor.region.contains(region) else { return nil }
        let today = db.clock.today()
        let children = try await RegionStore(db).children(of: region)
        struct V: Decodable { var home: Int64; var active: Int; var minutes: Int? }
        struct T: Decodable { var region: Int64; var needed: Int; var taken: Int }
        let (vs, ts) = try await db.read { sql in
            let org = try await Self.orgOf(sql, actor)
            let own: SQLQueryString = actor.role == .volunteerOrgAdmin ? "AND v.org_id = \(bind: org ?? -1)" : ""
            let vs = try await sql.raw("""
                SELECT v.home,
                  (SELECT COUNT(*) FROM volunteer_assignments a WHERE a.volunteer_id = v.id AND a.status NOT IN ('declined', 'withdrawn')
                     AND a.day >= \(bind: today.adding(days: -30).description) AND a.day <= \(bind: today.description)) AS active,
                  (SELECT SUM(a.confirmed_minutes) FROM volunteer_assignments a WHERE a.volunteer_id = v.id AND a.status = 'confirmed'
                     AND a.day LIKE \(bind: String(today.description.prefix(7)) + "-%")) AS minutes
                FROM volunteers v WHERE v.active = 1 AND \(Self.within("v.home", region)) \(own)
                """).all(decoding: V.self)
            let ownTasks: SQLQueryString = actor.role == .volunteerOrgAdmin ? "AND p.org_id = \(bind: org ?? -1)" : ""
            let ts = try await sql.raw("""
                SELECT t.region, t.needed, (SELECT COUNT(*) FROM volunteer_assignments a WHERE a.task_id = t.id AND a.status NOT IN ('declined', 'withdrawn')) AS taken
                FROM volunteer_tasks t JOIN volunteer_posts p ON p.id = t.post_id WHERE t.day >= \(bind: today.description) AND \(Self.within("t.region", region)) \(ownTasks)
                """).all(decoding: T.self)
            return (vs, ts)
        }
        let level = children.first?.level
        var rows: [RegionCode: Figures.Row] = [:]
        func add(_ code: Int64, _ change: (inout Figures.Row) -> Void) {
            guard let c = RegionCode(value: UInt64(code)) else { return }
            for key in Set([level.flatMap { c.level >= $0 ? c.truncated(to: $0) : nil } ?? region, region]) {
                var row = rows[key] ?? Figures.Row(region: key, name: children.first { $0.code == key }?.name ?? "")
                change(&row); rows[key] = row
            }
        }
        for v in vs { add(v.home) { $0.volunteers += 1; $0.active += v.active > 0 ? 1 : 0; $0.minutesThisMonth += v.minutes ?? 0 } }
        for t in ts where t.taken < t.needed { add(t.region) { $0.tasksOpen += 1 } }
        return Figures(region: region, rows: children.map { rows[$0.code] ?? Figures.Row(region: $0.code, name: $0.name) } + [rows[region] ?? Figures.Row(region: region, name: "")])
    }
}
