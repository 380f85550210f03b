import DoudiDomain
import Foundation
import SQLKit

/// Posts and tasks: published by an organization (on its own posts) or by the cadres of a region; read by region.
extension VolunteerStore {
    /// Adds a post in the caller's subtree; an organization's post is its own.
    @discardableResult
    public func addPost(_ d: PostDraft, by actor: Actor) async throws -> Post {
        guard VolunteerAccess.mayPublish(actor.role) else { throw StoreError.forbidden }
        guard actor.reaches(d.region) else { throw StoreError.invalid([FieldProblem("regionCode", .notInYourRegion)]) }
        return try await db.transaction { tx in
            let org = try await Self.orgOf(tx.sql, actor)
            if actor.role == .volunteerOrgAdmin, org == nil { throw StoreError.forbidden }
            guard let id = try await tx.sql.raw("""
                INSERT INTO volunteer_posts (org_id, region, name, kind, skills, daily_limit, weekly_limit, created_by, created_at)
                VALUES (\(bind: org), \(bind: Int64(d.region.value)), \(bind: d.name), \(bind: d.kind.rawValue), \(bind: Self.list(d.skills)),
                  \(bind: d.dailyLimit), \(bind: d.weeklyLimit), \(bind: actor.username), \(bind: tx.clock.nowMillis())) RETURNING id
                """).first(decoding: ID.self)?.id else { throw StoreError.notFound }
            try await AuditLog.record(tx, actor: actor, action: "volunteer.post", subject: String(id), region: d.region, before: nil,
                                      after: ["name": d.name, "postKind": d.kind.rawValue, "dailyHours": Hours.text(d.dailyLimit), "weeklyHours": Hours.text(d.weeklyLimit)])
            return Post(id: id, orgID: org, name: d.name, kind: d.kind, region: d.region, skills: d.skills, dailyLimit: d.dailyLimit, weeklyLimit: d.weeklyLimit)
        }
    }

    struct PostRow: Decodable {
        var id: Int64; var org_id: Int64?; var name: String; var kind: String; var region: Int64; var skills: String; var daily_limit: Int; var weekly_limit: Int
        var post: Post? {
            guard let k = PostKind(rawValue: kind), let r = RegionCode(value: UInt64(region)) else { return nil }
            return Post(id: id, orgID: org_id, name: name, kind: k, region: r, skills: VolunteerStore.skills(skills), dailyLimit: daily_limit, weeklyLimit: weekly_limit)
        }
    }

    /// Posts the caller may publish tasks on: an organization's own, or the posts of the caller's subtree.
    public func posts(by actor: Actor) async throws -> [Post] {
        guard VolunteerAccess.mayReadTasks(actor.role) else { throw StoreError.forbidden }
        return try await db.read { sql in
            let org = try await Self.orgOf(sql, actor)
            let scope: SQLQueryString = actor.role == .volunteerOrgAdmin ? "org_id = \(bind: org ?? -1)" : Self.within("region", actor.region)
            return try await sql.raw("SELECT id, org_id, name, kind, region, skills, daily_limit, weekly_limit FROM volunteer_posts WHERE \(scope) ORDER BY id LIMIT 500")
                .all(decoding: PostRow.self)
        }.compactMap(\.post)
    }

    /// Publishes a task on a post. A household or a child's case it serves gives the task a name and an address,
    /// copied: a volunteer reads the task, never the record. Only one who may see the record may name it.
    @discardableResult
    public func addTask(_ d: TaskDraft, by actor: Actor) async throws -> Int64 {
        guard VolunteerAccess.mayPublish(actor.role) else { throw StoreError.forbidden }
        guard actor.reaches(d.region) else { throw StoreError.invalid([FieldProblem("regionCode", .notInYourRegion)]) }
        return try await db.transaction { tx in
            let org = try await Self.orgOf(tx.sql, actor)
            let mine: SQLQueryString = actor.role == .volunteerOrgAdmin ? "org_id = \(bind: org ?? -1)" : Self.within("region", actor.region)
            guard let post = try await tx.sql.raw("""
                SELECT id, org_id, name, kind, region, skills, daily_limit, weekly_limit FROM volunteer_posts WHERE id = \(bind: d.postID) AND \(mine)
                """).first(decoding: PostRow.self)?.post else { throw StoreError.invalid([FieldProblem("postId", Message("没有这个岗位", "no such post"))]) }
            guard post.region.contains(d.region) || d.region.contains(post.region) else {
                throw StoreError.invalid([FieldProblem("regionCode", Message("任务地点应在岗位所在区域内", "the task's place is inside the post's region"))])
            }
            let served = try await Self.served(tx.sql, d.served, region: d.region, actor: actor)
            guard let id = try await tx.sql.raw("""
                INSERT INTO volunteer_tasks (post_id, region, day, minutes, mode, risk, needed, note, served_kind, served_ref, served_name, served_address,
                  created_by, created_at)
                VALUES (\(bind: post.id), \(bind: Int64(d.region.value)), \(bind: d.day.description), \(bind: d.minutes), \(bind: d.mode.rawValue),
                  \(bind: d.risk.rawValue), \(bind: d.needed), \(bind: d.note), \(bind: served?.kind), \(bind: served?.ref), \(bind: served?.person.name),
                  \(bind: served?.person.address), \(bind: actor.username), \(bind: tx.clock.nowMillis())) RETURNING id
                """).first(decoding: ID.self)?.id else { throw StoreError.notFound }
            var after = ["post": post.name, "day": d.day.description, "hours": Hours.text(d.minutes), "serviceMode": d.mode.rawValue,
                         "taskRisk": d.risk.rawValue, "needed": String(d.needed)]
            if let served { after[served.kind == "household" ? "householdId" : "childCaseId"] = served.ref }
            try await AuditLog.record(tx, actor: actor, action: "volunteer.task", subject: String(id), region: d.region, before: nil, after: after)
            return id
        }
    }

    /// The name and address of the one a task serves, read with the publisher's own rights.
    static func served(_ sql: any SQLDatabase, _ s: Served?, region: RegionCode, actor: Actor) async throws -> (kind: String, ref: String, person: ServedPerson)? {
        let unknown = { (field: String) in StoreError.invalid([FieldProblem(field, Message("您所辖区域内没有这一户或这名儿童", "no such household or child in your region"))]) }
        switch s {
        case nil: return nil
        case .household(let id):
            guard actor.role.may(.readRegister) else { throw unknown("householdId") }
            struct R: Decodable { var address: String; var name: String?; var region: Int64 }
            guard let r = try await sql.raw("""
                SELECT h.address, h.region, (SELECT m.name FROM members m WHERE m.household_id = h.id AND m.relation = 'head' LIMIT 1) AS name
                FROM households h WHERE h.id = \(bind: id) AND \(within("h.region", actor.region)) AND \(within("h.region", region.truncated(to: .county)))
                """).first(decoding: R.self) else { throw unknown("householdId") }
            let address = r.address.trimmingSpaces().isEmpty ? try await placeName(sql, RegionCode(value: UInt64(r.region)) ?? region) : r.address
            return ("household", id, ServedPerson(name: r.name ?? "", address: address))
        case .childCase(let id):
            guard actor.role == .childDirector else { throw unknown("childCaseId") }
            let c: (region: RegionCode, status: ChildCaseStatus, acknowledgedAt: Int64?)
            do { c = try await ChildCaseStore.row(sql, id, actor) } catch StoreError.notFound { throw unknown("childCaseId") }
            struct R: Decodable { var child_name: String; var address: String? }
            let r = try await sql.raw("""
                SELECT c.child_name, h.address FROM child_cases c LEFT JOIN households h ON h.id = c.household_id WHERE c.id = \(bind: id)
                """).first(decoding: R.self)
            var address = r?.address ?? ""
            if address.trimmingSpaces().isEmpty { address = try await placeName(sql, c.region) }
            return ("childCase", String(id), ServedPerson(name: r?.child_name ?? "", address: address))
        }
    }

    /// A place in words from the county down: the address a record without one gives.
    static func placeName(_ sql: any SQLDatabase, _ region: RegionCode) async throws -> String {
        try await RegionStore.placeNames(sql, [region])[region] ?? ""
    }

    struct TaskRow: Decodable {
        var id: Int64; var region: Int64; var day: String; var minutes: Int; var mode: String; var risk: String; var needed: Int; var note: String
        var served_name: String?; var served_address: String?; var created_by: String; var taken: Int
        var post_id: Int64; var org_id: Int64?; var post_name: String; var kind: String; var post_region: Int64; var skills: String; var daily_limit: Int; var weekly_limit: Int
        var task: VolunteerTask? {
            guard let post = PostRow(id: post_id, org_id: org_id, name: post_name, kind: kind, region: post_region, skills: skills, daily_limit: daily_limit,
                                     weekly_limit: weekly_limit).post,
                  let r = RegionCode(value: UInt64(region)), let d = CivilDate(day), let m = ServiceMode(rawValue: mode), let k = TaskRisk(rawValue: risk) else { return nil }
            return VolunteerTask(id: id, post: post, region: r, day: d, minutes: minutes, mode: m, risk: k, needed: needed, note: note,
                                 served: served_name.map { ServedPerson(name: $0, address: served_address ?? "") }, taken: taken, createdBy: created_by)
        }
    }
    static let taskColumns: SQLQueryString = """
        t.id, t.region, t.day, t.minutes, t.mode, t.risk, t.needed, t.note, t.served_name, t.served_address, t.created_by,
        (SELECT COUNT(*) FROM volunteer_assignments a WHERE a.task_id = t.id AND a.status NOT IN ('declined', 'withdrawn')) AS taken,
        p.id AS post_id, p.org_id, p.name AS post_name, p.kind, p.region AS post_region, p.skills, p.daily_limit, p.weekly_limit
        FROM volunteer_tasks t JOIN volunteer_posts p ON p.id = t.post_id
        """

    /// Which tasks the caller sees: those of their subtree; a volunteer, those of their county and those they hold.
    static func taskScope(_ sql: any SQLDatabase, _ actor: Actor) async throws -> SQLQueryString {
        if actor.role == .volunteer {
            let me = try await volunteerOf(sql, actor) ?? -1
            return "(\(within("t.region", actor.region.truncated(to: .county))) OR t.id IN (SELECT task_id FROM volunteer_assignments WHERE volunteer_id = \(bind: me)))"
        }
        guard VolunteerAccess.mayReadTasks(actor.role) else { throw StoreError.forbidden }
        return within("t.region", actor.region)
    }

    /// Tasks from `from` on, the soonest first: those with places left first when `open` is asked.
    public func tasks(from: CivilDate, openOnly: Bool = false, by actor: Actor) async throws -> [VolunteerTask] {
        try await db.read { sql in
            let scope = try await Self.taskScope(sql, actor)
            let rows = try await sql.raw("SELECT \(Self.taskColumns) WHERE \(scope) AND t.day >= \(bind: from.description) ORDER BY t.day, t.id LIMIT 500")
                .all(decoding: TaskRow.self)
            return try await Self.servedOnlyToHolders(sql, rows.compactMap(\.task), actor)
        }.filter { !openOnly || !$0.isFull }
    }

    public func task(_ id: Int64, by actor: Actor) async throws -> VolunteerTask {
        guard let t = try await db.read({ sql in
            let scope = try await Self.taskScope(sql, actor)
            let row = try await sql.raw("SELECT \(Self.taskColumns) WHERE t.id = \(bind: id) AND \(scope)").first(decoding: TaskRow.self)
            return try await Self.servedOnlyToHolders(sql, row?.task.map { [$0] } ?? [], actor).first
        }) else { throw StoreError.notFound }
        return t
    }

    /// A volunteer learns whom a task serves (a name, an address) once they hold it, not while choosing among tasks.
    static func servedOnlyToHolders(_ sql: any SQLDatabase, _ tasks: [VolunteerTask], _ actor: Actor) async throws -> [VolunteerTask] {
        guard actor.role == .volunteer, tasks.contains(where: { $0.served != nil }) else { return tasks }
        let me = try await volunteerOf(sql, actor) ?? -1
        let held = Set(try await sql.raw("""
            SELECT task_id AS id FROM volunteer_assignments WHERE volunteer_id = \(bind: me) AND status NOT IN ('declined', 'withdrawn')
            """).all(decoding: ID.self).map(\.id))
        return tasks.map { t in
            var out = t
            if !held.contains(t.id) { out.served = nil }
            return out
        }
    }
}
