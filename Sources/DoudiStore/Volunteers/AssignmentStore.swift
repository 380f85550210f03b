import DoudiDomain
import Foundation
import SQLKit

/// Assignments under R-VOL-1: proposed by nearness, refused by the rules, accepted, served, confirmed; the day's
/// health declaration; the response level in force.
extension VolunteerStore {
    /// The volunteers' facts with the minutes each already holds on the task's day and in its week (this task's
    /// excluded), in one query.
    static func facts(_ sql: any SQLDatabase, _ vs: [VolunteerFacts], task: VolunteerTask) async throws -> [VolunteerFacts] {
        guard !vs.isEmpty else { return [] }
        struct M: Decodable { var volunteer_id: Int64; var day: String; var minutes: Int }
        let monday = AssignmentRules.weekStart(task.day), sunday = monday.adding(days: 6)
        let rows = try await sql.raw("""
            SELECT volunteer_id, day, SUM(planned_minutes) AS minutes FROM volunteer_assignments
            WHERE volunteer_id IN (\(binds: vs.map(\.id))) AND task_id <> \(bind: task.id) AND status NOT IN ('declined', 'withdrawn')
              AND day BETWEEN \(bind: monday.description) AND \(bind: sunday.description) GROUP BY volunteer_id, day
            """).all(decoding: M.self)
        let byVolunteer = Dictionary(grouping: rows, by: \.volunteer_id)
        return vs.map { v in
            var out = v
            let held = byVolunteer[v.id] ?? []
            out.minutesOnDay = held.filter { $0.day == task.day.description }.map(\.minutes).reduce(0, +)
            out.minutesInWeek = held.map(\.minutes).reduce(0, +)
            return out
        }
    }

    static func facts(_ sql: any SQLDatabase, _ v: VolunteerFacts, task: VolunteerTask) async throws -> VolunteerFacts {
        try await facts(sql, [v], task: task).first ?? v
    }

    /// Volunteers proposed for a task, best first (`Matching.rank`): those living in the task's prefecture, or in the
    /// caller's organization, not already on it; each with the rules they would break.
    public func proposals(task id: Int64, by actor: Actor) async throws -> [(volunteer: Volunteer, proposal: Proposal)] {
        guard VolunteerAccess.mayPublish(actor.role) else { throw StoreError.forbidden }
        let task = try await task(id, by: actor)
        let today = db.clock.today()
        let (rows, levels) = try await db.read { sql in
            let org = try await Self.orgOf(sql, actor)
            let scope: SQLQueryString = actor.role == .volunteerOrgAdmin ? "v.org_id = \(bind: org ?? -1)" : Self.within("v.home", task.region.truncated(to: .prefecture))
            // Those already on the task are not proposed again.
            let rows = try await sql.raw("""
                SELECT \(Self.volunteerColumns) WHERE v.active = 1 AND \(scope) AND v.id NOT IN (
                  SELECT volunteer_id FROM volunteer_assignments WHERE task_id = \(bind: task.id) AND status NOT IN ('declined', 'withdrawn'))
                ORDER BY v.id LIMIT 300
                """).all(decoding: VolunteerRow.self)
            return (rows, try await Self.levels(sql))
        }
        let found = try rows.compactMap(volunteer)
        let people = Dictionary(uniqueKeysWithValues: found.map { ($0.id, $0) })
        let facts = try await db.read { sql in try await Self.facts(sql, found.map(\.facts), task: task) }
        let ranked = Matching.rank(task.facts, facts, level: { Self.strictest(levels, task.region, $0.home) }, today: today)
        return ranked.compactMap { p in people[p.volunteer.id].map { ($0, p) } }
    }

    /// Assigns a volunteer to a task, or refuses with the rules broken. The volunteer taking a task themselves accepts
    /// it at once; an organization or a cadre assigning waits for the volunteer to accept.
    @discardableResult
    public func assign(task id: Int64, volunteer vid: Int64, by actor: Actor) async throws -> Assignment {
        guard VolunteerAccess.mayPublish(actor.role) || actor.role == .volunteer else { throw StoreError.forbidden }
        return try await db.transaction { tx in
            let today = tx.clock.today()
            let task = try await self.taskLocked(tx, id, actor)
            let org = try await Self.orgOf(tx.sql, actor), me = try await Self.volunteerOf(tx.sql, actor)
            if actor.role == .volunteer, me != vid { throw StoreError.forbidden }
            // The volunteer's row is taken under a lock (an update that changes nothing): two assignments at once
            // count each other's hours.
            guard try await tx.sql.raw("UPDATE volunteers SET active = active WHERE id = \(bind: vid) AND active = 1 RETURNING id").first(decoding: ID.self) != nil,
                  let row = try await tx.sql.raw("SELECT \(Self.volunteerColumns) WHERE v.id = \(bind: vid)").first(decoding: VolunteerRow.self),
                  let v = try self.volunteer(row), actor.role != .volunteerOrgAdmin || v.orgID == org,
                  // A cadre assigns among those proposed: volunteers living in the task's prefecture.
                  actor.role != .volunteerOrgAdmin && actor.role != .volunteer ? task.region.truncated(to: .prefecture).contains(v.facts.home) : true else {
                throw StoreError.invalid([FieldProblem("volunteerId", Message("没有这名志愿者", "no such volunteer"))])
            }
            guard task.day >= today else { throw StoreError.invalid([FieldProblem("taskId", Message("任务日期已过", "the task's day has passed"))]) }
            struct S: Decodable { var id: Int64; var status: String }
            let before = try await tx.sql.raw("SELECT id, status FROM volunteer_assignments WHERE task_id = \(bind: id) AND volunteer_id = \(bind: vid)").first(decoding: S.self)
            if let before, AssignmentStatus(rawValue: before.status)?.holdsHours ?? true {
                throw StoreError.conflict(FieldProblem("volunteerId", Message("该志愿者已在这项任务中", "the volunteer is on this task already")))
            }
            guard !task.isFull else { throw StoreError.conflict(FieldProblem("taskId", Message("任务人数已满", "the task has all the volunteers it needs"))) }
            let facts = try await Self.facts(tx.sql, v.facts, task: task)
            let rules = AssignmentRules.refusals(task.facts, facts, level: Self.strictest(try await Self.levels(tx.sql), task.region, v.facts.home), today: today)
            guard rules.isEmpty else { throw AssignmentRefused(rules) }
            let status: AssignmentStatus = actor.role == .volunteer ? .accepted : .assigned
            let now = tx.clock.nowMillis()
            let aid: Int64
            if let before {
                try await tx.sql.raw("""
                    UPDATE volunteer_assignments SET status = \(bind: status.rawValue), planned_minutes = \(bind: task.minutes), assigned_by = \(bind: actor.username),
                      updated_at = \(bind: now) WHERE id = \(bind: before.id)
                    """).run()
                aid = before.id
            } else {
                guard let new = try await tx.sql.raw("""
                    INSERT INTO volunteer_assignments (task_id, volunteer_id, day, status, planned_minutes, assigned_by, created_at, updated_at)
                    VALUES (\(bind: id), \(bind: vid), \(bind: task.day.description), \(bind: status.rawValue), \(bind: task.minutes), \(bind: actor.username),
                      \(bind: now), \(bind: now)) RETURNING id
                    """).first(decoding: ID.self)?.id else { throw StoreError.notFound }
                aid = new
            }
            try await AuditLog.record(tx, actor: actor, action: "volunteer.assign", subject: String(aid), region: task.region,
                                      before: before.map { ["assignmentStatus": $0.status] }, after: ["task": String(id), "volunteer": v.name, "assignmentStatus": status.rawValue])
            return Assignment(id: aid, taskID: id, volunteerID: vid, volunteerName: v.name, orgName: v.orgName, day: task.day, kind: task.post.kind, status: status,
                              plannedMinutes: task.minutes, servedMinutes: nil, confirmedMinutes: nil, confirmedBy: nil, confirmedOn: nil)
        }
    }

    /// The task under a row lock, as the caller sees it.
    func taskLocked(_ tx: Tx, _ id: Int64, _ actor: Actor) async throws -> VolunteerTask {
        let scope = try await Self.taskScope(tx.sql, actor)
        guard try await tx.sql.raw("UPDATE volunteer_tasks SET needed = needed WHERE id = \(bind: id) RETURNING id").first(decoding: ID.self) != nil,
              let t = try await tx.sql.raw("SELECT \(Self.taskColumns) WHERE t.id = \(bind: id) AND \(scope)").first(decoding: TaskRow.self)?.task else {
            throw StoreError.notFound
        }
        return t
    }

    /// Moves an assignment: the volunteer accepts (the rules checked again), declines or reports the hours served;
    /// the volunteer's organization confirms them (the hours it confirms, the reported ones unless given).
    public func act(_ id: Int64, _ action: AssignmentAction, minutes: Int? = nil, by actor: Actor) async throws {
        guard VolunteerAccess.mayAct(actor.role, action) else { throw StoreError.forbidden }
        try await db.transaction { tx in
            struct R: Decodable { var task_id: Int64; var volunteer_id: Int64; var org_id: Int64; var status: String; var served_minutes: Int?; var day: String }
            guard let r = try await tx.sql.raw("""
                SELECT a.task_id, a.volunteer_id, v.org_id, a.status, a.served_minutes, a.day FROM volunteer_assignments a JOIN volunteers v ON v.id = a.volunteer_id
                WHERE a.id = \(bind: id)
                """).first(decoding: R.self), let status = AssignmentStatus(rawValue: r.status), let day = CivilDate(r.day) else { throw StoreError.notFound }
            let mine = action == .confirm ? try await Self.orgOf(tx.sql, actor) == r.org_id : try await Self.volunteerOf(tx.sql, actor) == r.volunteer_id
            guard mine else { throw StoreError.notFound }
            guard action.from.contains(status) else {
                throw StoreError.invalid([FieldProblem("action", .notAtStep(status.chinese, status.english))])
            }
            let today = tx.clock.today()
            var set: SQLQueryString = "status = \(bind: action.to.rawValue), updated_at = \(bind: tx.clock.nowMillis())"
            switch action {
            case .accept:
                let task = try await self.taskLocked(tx, r.task_id, actor)
                guard let row = try await tx.sql.raw("SELECT \(Self.volunteerColumns) WHERE v.id = \(bind: r.volunteer_id)").first(decoding: VolunteerRow.self),
                      let v = try self.volunteer(row) else { throw StoreError.notFound }
                let facts = try await Self.facts(tx.sql, v.facts, task: task)
                let rules = AssignmentRules.refusals(task.facts, facts, level: Self.strictest(try await Self.levels(tx.sql), task.region, v.facts.home), today: today)
                guard rules.isEmpty else { throw AssignmentRefused(rules) }
            case .decline: break
            case .serve:
                guard day <= today else { throw StoreError.invalid([FieldProblem("hours", Message("任务日期还没到", "the task's day has not come yet"))]) }
                guard let minutes else { throw StoreError.invalid([FieldProblem("hours", Hours.servedProblem)]) }
                set = "\(set), served_minutes = \(bind: minutes)"
            case .confirm:
                guard let m = minutes ?? r.served_minutes else { throw StoreError.invalid([FieldProblem("hours", Hours.servedProblem)]) }
                set = "\(set), confirmed_minutes = \(bind: m), confirmed_by = \(bind: actor.username), confirmed_on = \(bind: today.description)"
            }
            try await tx.sql.raw("UPDATE volunteer_assignments SET \(set) WHERE id = \(bind: id)").run()
            struct T: Decodable { var region: Int64 }
            let region = try await tx.sql.raw("SELECT region FROM volunteer_tasks WHERE id = \(bind: r.task_id)").first(decoding: T.self).flatMap { RegionCode(value: UInt64($0.region)) }
            var after = ["assignmentStatus": action.to.rawValue]
            if let m = minutes ?? (action == .confirm ? r.served_minutes : nil) { after["hours"] = Hours.text(m) }
            try await AuditLog.record(tx, actor: actor, action: "volunteer.\(action.rawValue)", subject: String(id), region: region ?? actor.region,
                                      before: ["assignmentStatus": status.rawValue], after: after)
        }
    }

    /// The volunteer's declaration of the day (a second one the same day replaces it). Declaring symptoms withdraws
    /// the day's assignments not yet served (不带病上岗); returns how many.
    @discardableResult
    public func declareHealth(_ h: HealthDeclaration, by actor: Actor) async throws -> Int {
        guard actor.role == .volunteer else { throw StoreError.forbidden }
        return try await db.transaction { tx in
            guard let me = try await Self.volunteerOf(tx.sql, actor) else { throw StoreError.forbidden }
            let day = tx.clock.today().description
            let symptoms = Symptom.allCases.filter(h.symptoms.contains).map(\.rawValue).joined(separator: ",")
            try await tx.sql.raw("DELETE FROM volunteer_health WHERE volunteer_id = \(bind: me) AND day = \(bind: day)").run()
            try await tx.sql.raw("""
                INSERT INTO volunteer_health (volunteer_id, day, temperature_tenths, symptoms, fit, declared_at)
                VALUES (\(bind: me), \(bind: day), \(bind: h.temperature.map { Int(($0 * 10).rounded()) }), \(bind: symptoms), \(bind: h.fit ? 1 : 0), \(bind: tx.clock.nowMillis()))
                """).run()
            var withdrawn: [ID] = []
            if !h.fit {
                withdrawn = try await tx.sql.raw("""
                    UPDATE volunteer_assignments SET status = 'withdrawn', updated_at = \(bind: tx.clock.nowMillis())
                    WHERE volunteer_id = \(bind: me) AND day = \(bind: day) AND status IN ('assigned', 'accepted') RETURNING id
                    """).all(decoding: ID.self)
            }
            try await AuditLog.record(tx, actor: actor, action: "volunteer.health", subject: String(me), region: actor.region, before: nil,
                                      after: ["fit": h.fit ? "yes" : "no", "symptoms": symptoms, "withdrawn": withdrawn.map { String($0.id) }.joined(separator: ",")])
            return withdrawn.count
        }
    }

    struct AssignmentRow: Decodable {
        var id: Int64; var task_id: Int64; var volunteer_id: Int64; var name: String; var org_name: String; var day: String; var kind: String; var status: String
        var planned_minutes: Int; var served_minutes: Int?; var confirmed_minutes: Int?; var confirmed_by: String?; var confirmed_on: String?
        var assignment: Assignment? {
            guard let d = CivilDate(day), let k = PostKind(rawValue: kind), let s = AssignmentStatus(rawValue: status) else { return nil }
            return Assignment(id: id, taskID: task_id, volunteerID: volunteer_id, volunteerName: name, orgName: org_name, day: d, kind: k, status: s,
                              plannedMinutes: planned_minutes, servedMinutes: served_minutes, confirmedMinutes: confirmed_minutes, confirmedBy: confirmed_by,
                              confirmedOn: confirmed_on.flatMap(CivilDate.init))
        }
    }
    static let assignmentColumns: SQLQueryString = """
        a.id, a.task_id, a.volunteer_id, v.name, o.name AS org_name, a.day, p.kind, a.status, a.planned_minutes, a.served_minutes, a.confirmed_minutes,
        a.confirmed_by, a.confirmed_on FROM volunteer_assignments a JOIN volunteers v ON v.id = a.volunteer_id JOIN volunteer_orgs o ON o.id = v.org_id
        JOIN volunteer_tasks t ON t.id = a.task_id JOIN volunteer_posts p ON p.id = t.post_id
        """

    /// A task's assignments, as the caller sees the task.
    public func assignments(task id: Int64, by actor: Actor) async throws -> [Assignment] {
        _ = try await task(id, by: actor)
        return try await db.read { sql in
            let own: SQLQueryString = actor.role == .volunteer ? "AND v.user_id = \(bind: actor.userID)" : ""
            return try await sql.raw("SELECT \(Self.assignmentColumns) WHERE a.task_id = \(bind: id) \(own) ORDER BY a.id").all(decoding: AssignmentRow.self)
        }.compactMap(\.assignment)
    }

    /// One assignment: the volunteer's own, one of the organization's volunteers, or on a task of the caller's region;
    /// nil for anyone else, as for one that does not exist.
    public func assignment(_ id: Int64, by actor: Actor) async throws -> Assignment? {
        try await db.read { sql in
            let scope: SQLQueryString
            switch actor.role {
            case .volunteer: scope = "v.user_id = \(bind: actor.userID)"
            case .volunteerOrgAdmin: scope = "v.org_id = \(bind: try await Self.orgOf(sql, actor) ?? -1)"
            default:
                guard VolunteerAccess.mayReadTasks(actor.role) else { return nil }
                scope = Self.within("t.region", actor.region)
            }
            return try await sql.raw("SELECT \(Self.assignmentColumns) WHERE a.id = \(bind: id) AND \(scope)").first(decoding: AssignmentRow.self)?.assignment
        }
    }
}
