import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation

/// The volunteers' API: the twins of the volunteers' pages, calling the same domain checks and store functions.
struct VolunteerAPI: APIPart {
    let store: VolunteerStore
    let clock: Clock

    static func hours(_ minutes: Int) -> Double { Double(minutes) / 60 }
    /// Hours as the domain reads them typed: `2`, `1.5`; a number too large for a whole one stays as it is (and fails the check).
    static func text(_ hours: Double?) -> String {
        hours.map { $0.rounded() == $0 && abs($0) < 1_000_000 ? String(Int($0)) : String($0) } ?? ""
    }

    static func json(_ o: VolunteerOrg) -> Schemas.VolunteerOrg {
        .init(id: o.id, name: o.name, regionCode: o.region.description, admin: o.admin, volunteers: o.volunteers, hoursThisMonth: hours(o.minutesThisMonth))
    }
    static func json(_ v: Volunteer) -> Schemas.Volunteer {
        let f = v.facts
        return .init(id: v.id, orgId: v.orgID, orgName: v.orgName, name: v.name, mobile: v.maskedMobile, joinedThrough: v.joinedThrough.rawValue,
                     joinedVia: v.joinedVia, homeRegion: f.home.description, reachRegions: f.reach.map(\.description),
                     skills: VolunteerSkill.allCases.filter(v.skills.contains).map(\.rawValue), languages: v.languages, online: f.online,
                     availability: v.availability, insured: f.insurance != nil, insuredFrom: f.insurance?.from.description, insuredTo: f.insurance?.to.description,
                     username: v.username, lastDeclaration: f.health?.day.description, fitOnLastDeclaration: f.health?.fit)
    }
    static func json(_ p: Post) -> Schemas.VolunteerPost {
        .init(id: p.id, orgId: p.orgID, name: p.name, kind: p.kind.rawValue, kindZh: p.kind.chinese, regionCode: p.region.description,
              skills: VolunteerSkill.allCases.filter(p.skills.contains).map(\.rawValue), dailyHours: hours(p.dailyLimit), weeklyHours: hours(p.weeklyLimit))
    }
    static func json(_ t: VolunteerTask) -> Schemas.VolunteerTask {
        .init(id: t.id, post: json(t.post), regionCode: t.region.description, day: t.day.description, hours: hours(t.minutes), mode: t.mode.rawValue,
              risk: t.risk.rawValue, needed: t.needed, taken: t.taken, note: t.note, servedName: t.served?.name, servedAddress: t.served?.address, createdBy: t.createdBy)
    }
    static func json(_ a: Assignment) -> Schemas.VolunteerAssignment {
        .init(id: a.id, taskId: a.taskID, volunteerId: a.volunteerID, volunteerName: a.volunteerName, orgName: a.orgName, day: a.day.description,
              kind: a.kind.rawValue, status: a.status.rawValue, statusZh: a.status.chinese, plannedHours: hours(a.plannedMinutes),
              servedHours: a.servedMinutes.map(hours), confirmedHours: a.confirmedMinutes.map(hours), confirmedBy: a.confirmedBy, confirmedOn: a.confirmedOn?.description)
    }

    /// 422 naming the rule (the contract's `rule`) with its words, and every rule broken.
    static func refused(_ r: AssignmentRefused) -> Schemas._Error {
        let first = r.rules.first ?? .crossRegion
        return Schemas._Error(code: "invalid", field: "volunteerId", messageZh: first.message.zh, messageEn: first.message.en, rule: first.rawValue,
                              rules: r.rules.map(\.rawValue), problems: r.rules.map { .init(field: "volunteerId", messageZh: $0.message.zh, messageEn: $0.message.en) })
    }

    func listVolunteerOrgs(_ input: Operations.ListVolunteerOrgs.Input) async throws -> Operations.ListVolunteerOrgs.Output {
        do { return .ok(.init(body: .json(try await store.orgs(by: try caller.actor).map(Self.json)))) } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func registerVolunteerOrg(_ input: Operations.RegisterVolunteerOrg.Input) async throws -> Operations.RegisterVolunteerOrg.Output {
        let a = try caller
        guard VolunteerAccess.mayRegisterOrgs(a.role) else { return .forbidden(.init(body: .json(Self.forbidden))) }
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        switch OrgDraft.check(name: b.name, region: b.regionCode, adminUsername: b.adminUsername, adminPassword: b.adminPassword) {
        case .failure(let p): return .unprocessableContent(.init(body: .json(Self.invalid(p.problems))))
        case .success(let d):
            do { return .created(.init(body: .json(Self.json(try await store.registerOrg(d, by: a.actor))))) } catch { return try Self.refusal(error) }
        }
    }

    func listVolunteers(_ input: Operations.ListVolunteers.Input) async throws -> Operations.ListVolunteers.Output {
        do { return .ok(.init(body: .json(try await store.volunteers(by: try caller.actor).map(Self.json)))) } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func addVolunteer(_ input: Operations.AddVolunteer.Input) async throws -> Operations.AddVolunteer.Output {
        let a = try caller
        guard a.role == .volunteerOrgAdmin else { return .forbidden(.init(body: .json(Self.forbidden))) }
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        switch VolunteerDraft.check(name: b.name, mobile: b.mobile, joinedThrough: b.joinedThrough, joinedVia: b.joinedVia ?? "", home: b.homeRegion,
                                    reach: b.reachRegions ?? [], skills: b.skills ?? [], languages: b.languages ?? "", online: b.online ?? false,
                                    availability: b.availability ?? "", insurer: b.insurer ?? "", policyNumber: b.policyNumber ?? "", insuredFrom: b.insuredFrom ?? "",
                                    insuredTo: b.insuredTo ?? "", username: b.username ?? "", password: b.password ?? "") {
        case .failure(let p): return .unprocessableContent(.init(body: .json(Self.invalid(p.problems))))
        case .success(let d):
            do {
                let id = try await store.addVolunteer(d, by: a.actor)
                guard let v = try await store.volunteers(by: a.actor).first(where: { $0.id == id }) else { return .notFound(.init(body: .json(Self.notFound))) }
                return .created(.init(body: .json(Self.json(v))))
            } catch { return try Self.refusal(error) }
        }
    }

    func revealVolunteerMobile(_ input: Operations.RevealVolunteerMobile.Input) async throws -> Operations.RevealVolunteerMobile.Output {
        do {
            let mobile = try await store.revealMobile(input.path.volunteerId, by: try caller.actor)
            return .ok(.init(body: .json(.init(volunteerId: input.path.volunteerId, mobile: mobile))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) } catch StoreError.notFound { return .notFound(.init(body: .json(Self.notFound))) }
    }

    func listVolunteerPosts(_ input: Operations.ListVolunteerPosts.Input) async throws -> Operations.ListVolunteerPosts.Output {
        do { return .ok(.init(body: .json(try await store.posts(by: try caller.actor).map(Self.json)))) } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func addVolunteerPost(_ input: Operations.AddVolunteerPost.Input) async throws -> Operations.AddVolunteerPost.Output {
        let a = try caller
        guard VolunteerAccess.mayPublish(a.role) else { return .forbidden(.init(body: .json(Self.forbidden))) }
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        switch PostDraft.check(name: b.name ?? "", kind: b.kind, region: b.regionCode, skills: b.skills ?? [], dailyHours: Self.text(b.dailyHours), weeklyHours: Self.text(b.weeklyHours)) {
        case .failure(let p): return .unprocessableContent(.init(body: .json(Self.invalid(p.problems))))
        case .success(let d):
            do { return .created(.init(body: .json(Self.json(try await store.addPost(d, by: a.actor))))) } catch { return try Self.refusal(error) }
        }
    }

    func listVolunteerTasks(_ input: Operations.ListVolunteerTasks.Input) async throws -> Operations.ListVolunteerTasks.Output {
        let from = input.query.from.flatMap { CivilDate($0) } ?? clock.today()
        do {
            return .ok(.init(body: .json(try await store.tasks(from: from, openOnly: input.query.open ?? false, by: try caller.actor).map(Self.json))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func addVolunteerTask(_ input: Operations.AddVolunteerTask.Input) async throws -> Operations.AddVolunteerTask.Output {
        let a = try caller
        guard VolunteerAccess.mayPublish(a.role) else { return .forbidden(.init(body: .json(Self.forbidden))) }
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        switch TaskDraft.check(postID: String(b.postId), region: b.regionCode, day: b.day, hours: Self.text(b.hours), mode: b.mode, risk: b.risk,
                               needed: String(b.needed), note: b.note ?? "", household: b.householdId ?? "", childCase: b.childCaseId.map(String.init) ?? "",
                               today: clock.today()) {
        case .failure(let p): return .unprocessableContent(.init(body: .json(Self.invalid(p.problems))))
        case .success(let d):
            do {
                let id = try await store.addTask(d, by: a.actor)
                return .created(.init(body: .json(Self.json(try await store.task(id, by: a.actor)))))
            } catch { return try Self.refusal(error) }
        }
    }

    func getVolunteerTask(_ input: Operations.GetVolunteerTask.Input) async throws -> Operations.GetVolunteerTask.Output {
        let a = try caller
        do {
            let task = try await store.task(input.path.taskId, by: a.actor)
            let assignments = try await store.assignments(task: task.id, by: a.actor)
            let proposals = VolunteerAccess.mayPublish(a.role) ? try await store.proposals(task: task.id, by: a.actor) : []
            return .ok(.init(body: .json(.init(task: Self.json(task), assignments: assignments.map(Self.json), proposals: proposals.map { v, p in
                .init(volunteer: Self.json(v), nearness: p.nearness.rawValue, nearnessZh: p.nearness.chinese, hasSkill: p.hasSkill,
                      hoursLeftThisWeek: Self.hours(p.minutesLeft), rules: p.refusals.map(\.rawValue))
            }))))
        } catch StoreError.notFound { return .notFound(.init(body: .json(Self.notFound))) } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func assignVolunteer(_ input: Operations.AssignVolunteer.Input) async throws -> Operations.AssignVolunteer.Output {
        let a = try caller
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        do {
            return .created(.init(body: .json(Self.json(try await store.assign(task: input.path.taskId, volunteer: b.volunteerId, by: a.actor)))))
        } catch let r as AssignmentRefused {
            return .unprocessableContent(.init(body: .json(Self.refused(r))))
        } catch StoreError.conflict(let p) {
            return .conflict(.init(body: .json(Self.conflict(p))))
        } catch { return try Self.refusal(error) }
    }

    func actOnAssignment(_ input: Operations.ActOnAssignment.Input) async throws -> Operations.ActOnAssignment.Output {
        let a = try caller
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        guard let action = AssignmentAction(rawValue: b.action.rawValue) else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        guard VolunteerAccess.mayAct(a.role, action) else { return .forbidden(.init(body: .json(Self.forbidden))) }
        var minutes: Int?
        if let h = b.hours {
            guard let m = Hours.minutes(Self.text(h), max: 12) else {
                return .unprocessableContent(.init(body: .json(Self.invalid([FieldProblem("hours", Hours.servedProblem)]))))
            }
            minutes = m
        }
        do {
            try await store.act(input.path.assignmentId, action, minutes: minutes, by: a.actor)
            guard let done = try await store.assignment(input.path.assignmentId, by: a.actor) else { return .notFound(.init(body: .json(Self.notFound))) }
            return .ok(.init(body: .json(Self.json(done))))
        } catch let r as AssignmentRefused {
            return .unprocessableContent(.init(body: .json(Self.refused(r))))
        } catch { return try Self.refusal(error) }
    }

    func declareVolunteerHealth(_ input: Operations.DeclareVolunteerHealth.Input) async throws -> Operations.DeclareVolunteerHealth.Output {
        let a = try caller
        guard a.role == .volunteer else { return .forbidden(.init(body: .json(Self.forbidden))) }
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        switch HealthDeclaration.check(temperature: b.temperature.map { String($0) } ?? "", symptoms: b.symptoms ?? [], today: clock.today()) {
        case .failure(let p): return .unprocessableContent(.init(body: .json(Self.invalid(p.problems))))
        case .success(let h):
            do {
                let withdrawn = try await store.declareHealth(h, by: a.actor)
                return .created(.init(body: .json(.init(day: h.day.description, fit: h.fit, withdrawn: withdrawn))))
            } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
        }
    }

    func getMyVolunteering(_ input: Operations.GetMyVolunteering.Input) async throws -> Operations.GetMyVolunteering.Output {
        do {
            let m = try await store.mine(by: try caller.actor)
            return .ok(.init(body: .json(.init(volunteer: Self.json(m.volunteer), fitToday: m.today?.fit ?? false, declaredToday: m.today != nil,
                                               assignments: m.assignments.map { Self.json($0.assignment) }, openTasks: m.open.map(Self.json),
                                               confirmedHours: Self.hours(m.confirmedMinutes), confirmedHoursThisMonth: Self.hours(m.confirmedThisMonth)))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func getServiceRecord(_ input: Operations.GetServiceRecord.Input) async throws -> Operations.GetServiceRecord.Output {
        do {
            let r = try await store.record(volunteer: input.query.volunteerId, by: try caller.actor)
            return .ok(.init(body: .json(.init(volunteer: Self.json(r.volunteer), lines: r.lines.map(Self.json),
                                               totalHours: Self.hours(r.lines.compactMap(\.confirmedMinutes).reduce(0, +))))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) } catch StoreError.notFound { return .notFound(.init(body: .json(Self.notFound))) }
    }

    func listResponseLevels(_ input: Operations.ListResponseLevels.Input) async throws -> Operations.ListResponseLevels.Output {
        let a = try caller
        let history = try await store.levelHistory(by: a.actor)
        return .ok(.init(body: .json(.init(inForce: try await store.level(at: a.region).rawValue, changes: history.map {
            .init(regionCode: $0.region.description, regionName: $0.regionName, level: $0.level.rawValue, levelZh: $0.level.chinese, since: $0.since.description,
                  note: $0.note, setBy: $0.setBy)
        }))))
    }

    func setResponseLevel(_ input: Operations.SetResponseLevel.Input) async throws -> Operations.SetResponseLevel.Output {
        let a = try caller
        guard VolunteerAccess.mayRegisterOrgs(a.role) else { return .forbidden(.init(body: .json(Self.forbidden))) }
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        guard let region = RegionCode(b.regionCode.trimmingSpaces()) else {
            return .unprocessableContent(.init(body: .json(Self.invalid([FieldProblem("regionCode", .regionCodeDigits)]))))
        }
        guard let since = b.since.map({ CivilDate($0.trimmingSpaces()) }) ?? clock.today() else {
            return .unprocessableContent(.init(body: .json(Self.invalid([FieldProblem("since", .realDay)]))))
        }
        guard let level = ResponseLevel(rawValue: b.level.rawValue) else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        do {
            try await store.setLevel(level, region: region, since: since, note: b.note ?? "", by: a.actor)
            return .created(.init(body: .json(.init(regionCode: region.description, level: level.rawValue))))
        } catch { return try Self.refusal(error) }
    }

    func getVolunteerFigures(_ input: Operations.GetVolunteerFigures.Input) async throws -> Operations.GetVolunteerFigures.Output {
        let a = try caller
        do {
            guard let f = try await store.figures(region: input.query.regionCode.flatMap { RegionCode($0) } ?? a.region, by: a.actor) else {
                return .notFound(.init(body: .json(Self.notFound)))
            }
            return .ok(.init(body: .json(.init(regionCode: f.region.description, rows: f.rows.map {
                .init(regionCode: $0.region.description, name: $0.name, volunteers: $0.volunteers, active: $0.active, hoursThisMonth: Self.hours($0.minutesThisMonth),
                      tasksOpen: $0.tasksOpen)
            }))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }
}

extension Operations.RegisterVolunteerOrg.Output: StoreRefusals {}
extension Operations.AddVolunteer.Output: StoreRefusals {}
extension Operations.AddVolunteerPost.Output: StoreRefusals {}
extension Operations.AddVolunteerTask.Output: StoreRefusals {}
extension Operations.AssignVolunteer.Output: StoreRefusals {}
extension Operations.ActOnAssignment.Output: StoreRefusals {}
extension Operations.SetResponseLevel.Output: StoreRefusals {}
