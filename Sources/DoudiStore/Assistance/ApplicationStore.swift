import DoudiDomain
import Foundation
import SQLKit

/// Benefit applications (issue 13): handed in for a household of the register, carried through the procedure
/// of R-DB-5, every step on the application's timeline and in the audit log, every query inside the caller's
/// subtree.
public struct ApplicationStore: Sendable {
    public let db: Database
    public init(_ db: Database) { self.db = db }

    /// The share of applications the county visits itself where no policy says otherwise (R-DB-5).
    public static let defaultSpotCheckPercent = 30

    static let select = """
        SELECT a.id, a.household_id, a.region, a.kind, a.covered, a.income, a.income_months, a.assets, a.relative_of_staff, a.spot_check,
               a.delegated, a.aid_approver, a.status, a.step, a.submitted_on, a.accepted_on, a.home_visited, a.county_visited, a.extended,
               a.proposed_amount, a.approved_amount, a.notice_from, a.notice_to, a.unresolved_objections, a.decided_on, a.reasons, a.episode_id,
               (SELECT MIN(m.name) FROM members m WHERE m.household_id = a.household_id AND m.relation = 'head') AS head_name
        FROM assistance_applications a
        """

    /// Hands in an application. `draw` (0–99, drawn by the caller) decides the county's spot check; a covered
    /// member on the county's list of staff relatives is always visited.
    @discardableResult
    public func apply(_ input: ApplicationInput, by actor: Actor, today: CivilDate, draw: Int) async throws -> Int64 {
        guard actor.role.may(.handleApplications) else { throw StoreError.forbidden }
        let problems = input.problems()
        if !problems.isEmpty { throw StoreError.invalid(problems) }
        return try await db.transaction { tx in
            guard let h = try await tx.sql.raw("""
                SELECT region FROM households WHERE id = \(bind: input.householdID) AND \(HouseholdStore.scope(actor))
                """).first(decoding: RegionRow.self), let region = RegionCode(value: UInt64(h.region)) else { throw StoreError.notFound }
            let members = try await tx.sql.raw("""
                SELECT id, resident_index FROM members WHERE household_id = \(bind: input.householdID)
                """).all(decoding: MemberRow.self)
            let mine = Dictionary(uniqueKeysWithValues: members.map { ($0.id, $0.resident_index) })
            guard input.covered.allSatisfy({ mine[$0] != nil }) else {
                throw StoreError.invalid([FieldProblem("covered", .memberNotOfHousehold)])
            }
            let indexes = input.covered.compactMap { mine[$0] ?? nil }
            let relative = try await !tx.sql.raw("SELECT id FROM staff_relatives WHERE resident_index IN (\(binds: indexes))").all().isEmpty
            let policy = try await PolicyStore.policy(tx.sql, region: region, year: today.year)
            let spot = spotChecked(percent: policy.int(.spotCheckPercent) ?? Self.defaultSpotCheckPercent, draw: draw, relativeOfStaff: relative)
            let delegated = policy.int(.approvalDelegated) == 1
            let now = tx.clock.nowMillis()
            guard let id = try await tx.sql.raw("""
                INSERT INTO assistance_applications (household_id, region, kind, covered, income, income_months, assets, relative_of_staff, spot_check,
                  delegated, status, step, submitted_on, episode_id, bank_sealed, created_by, created_at, updated_at)
                VALUES (\(bind: input.householdID), \(bind: h.region), \(bind: input.kind.rawValue), \(bind: input.covered.map(String.init).joined(separator: ",")),
                  \(bind: StoredIncome.json(input.income)), \(bind: input.income.months), \(bind: AuditLog.json(input.assets) ?? "{}"), \(bind: relative ? 1 : 0),
                  \(bind: spot ? 1 : 0), \(bind: delegated ? 1 : 0), \(bind: ApplicationStatus.running.rawValue), \(bind: ApplicationStep.acceptance.rawValue),
                  \(bind: today.description), \(bind: input.episodeID), \(bind: try input.bankAccount.map { try tx.fields.seal($0.digits) }),
                  \(bind: actor.username), \(bind: now), \(bind: now))
                RETURNING id
                """).first(decoding: EpisodeStore.ID.self)?.id else { throw StoreError.notFound }
            try await Self.event(tx, id, region: region, step: .acceptance, action: "submitted", note: input.kind.chinese, by: actor, today: today)
            try await AuditLog.record(tx, actor: actor, action: "assistance.apply", subject: String(id), region: region, before: nil,
                                      after: ["household": input.householdID, "benefit": input.kind.rawValue, "persons": String(input.covered.count),
                                              "relativeOfStaff": relative ? "1" : "0", "spotCheck": spot ? "1" : "0"])
            return id
        }
    }

    /// What the step's actor does; refused with the procedure's own words when it may not be done.
    public func act(_ id: Int64, _ action: ApplicationAction, by actor: Actor, today: CivilDate) async throws {
        guard actor.role.may(.handleApplications) else { throw StoreError.forbidden }
        try await db.transaction { tx in
            guard let a = try await Self.load(tx.sql, id, actor: actor) else { throw StoreError.notFound }
            guard a.status == .running else {
                throw StoreError.invalid([FieldProblem("step", Message("此申请已办结", "this application is closed"))])
            }
            var state = a.state
            if a.kind == .temporaryAid { state.approver = try await Self.aidApprover(tx.sql, a, action, by: actor, today: today) ?? state.approver }
            let (next, outcome): (ApplicationState, ApplicationState.Outcome)
            let limits = try await PolicyStore.policy(tx.sql, region: a.region, year: a.state.submittedOn.year).applicationLimits
            switch state.applying(action, by: actor.role, today: today, limits: limits) {
            case .failure(let p): throw StoreError.invalid([p])
            case .success(let r): (next, outcome) = r
            }
            let (status, amount, reasons): (ApplicationStatus, Int?, String?) = switch outcome {
            case .running: (.running, nil, nil)
            case .approved(let amount): (.approved, amount, nil)
            case .refused(let reasons): (.refused, nil, reasons)
            }
            try await tx.sql.raw("""
                UPDATE assistance_applications SET status = \(bind: status.rawValue), step = \(bind: next.step.rawValue),
                  accepted_on = \(bind: next.acceptedOn?.description), home_visited = \(bind: next.homeVisited ? 1 : 0),
                  county_visited = \(bind: next.countyVisited ? 1 : 0), extended = \(bind: next.extended ? 1 : 0),
                  proposed_amount = \(bind: next.proposedAmount), approved_amount = \(bind: amount), notice_from = \(bind: next.noticeFrom?.description),
                  notice_to = \(bind: next.noticeTo?.description), unresolved_objections = \(bind: next.unresolvedObjections),
                  aid_approver = \(bind: next.approver?.rawValue),
                  decided_on = \(bind: status == .running ? nil : today.description), reasons = \(bind: reasons), updated_at = \(bind: tx.clock.nowMillis())
                WHERE id = \(bind: id)
                """).run()
            if let amount {
                // Approved: the benefit is in force from this month, paid into the account the application gave;
                // temporary aid is paid once, on this month's roll.
                let month = YearMonth(today).description
                try await tx.sql.raw("""
                    INSERT INTO benefits (application_id, household_id, region, kind, persons, monthly_amount, start_month, end_month, approved_on, bank_sealed, created_at)
                    SELECT id, household_id, region, kind, \(bind: a.covered.count), \(bind: amount), \(bind: month), \(bind: a.kind == .temporaryAid ? month : nil),
                           \(bind: today.description), bank_sealed, \(bind: tx.clock.nowMillis())
                    FROM assistance_applications WHERE id = \(bind: id)
                    """).run()
                try await BenefitReviewStore.classify(tx)
            }
            let (name, note) = action.recorded
            try await Self.event(tx, id, region: a.region, step: a.step, action: name, note: note, by: actor, today: today)
            try await AuditLog.record(tx, actor: actor, action: "assistance.\(name)", subject: String(id), region: a.region,
                                      before: ["status": a.status.rawValue, "step": a.step.rawValue],
                                      after: ["status": status.rawValue, "step": next.step.rawValue, "note": note])
        }
    }

    public func application(_ id: Int64, by actor: Actor) async throws -> ApplicationDetail? {
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        return try await db.read { sql in
            guard var a = try await Self.load(sql, id, actor: actor) else { return nil }
            let policy = try await PolicyStore.policy(sql, region: a.region, year: a.state.submittedOn.year)
            a.stepDue = a.state.due(policy.applicationLimits, policy.calendar)
            let events = try await sql.raw("""
                SELECT on_day, step, action, note, actor FROM assistance_events WHERE application_id = \(bind: id) ORDER BY id
                """).all(decoding: ApplicationEvent.self)
            let checks = try await EconomicCheckStore.answers(sql, application: id)
            let limits = policy.checkLimits
            let benefit = try await sql.raw("SELECT id FROM benefits WHERE application_id = \(bind: id)").first(decoding: EpisodeStore.ID.self)?.id
            var assessment: DibaoAssessment?
            if a.kind == .dibao || a.kind == .singlePersonDibao {
                // Without a standard for the year (or with a member since moved to another household) there is nothing to suggest.
                do { assessment = try await DibaoOnRecord.assess(sql, region: a.region, household: a.householdID, covered: a.covered, income: a.income,
                                                                 month: YearMonth(a.state.submittedOn)).0 } catch StoreError.invalid {}
            }
            return ApplicationDetail(summary: a, events: events, checks: checks,
                                     findings: EconomicCheck.findings(checks, persons: a.covered.count, declared: a.income, limits: limits), benefitID: benefit,
                                     assessment: assessment, limits: policy.applicationLimits)
        }
    }

    /// The applications inside the caller's subtree, newest first; those still running, or of one status.
    public func applications(by actor: Actor, status: ApplicationStatus? = nil, limit: Int = 50, offset: Int = 0) async throws -> [ApplicationSummary] {
        guard actor.role.may(.browseRegister) else { throw StoreError.forbidden }
        return try await db.read { sql in
            var q: SQLQueryString = "\(unsafeRaw: Self.select) WHERE \(HouseholdStore.scope(actor, column: "a.region"))"
            if let status { q.appendInterpolation(unsafeRaw: " AND a.status = "); q.appendInterpolation(bind: status.rawValue) }
            q.appendInterpolation(unsafeRaw: " ORDER BY a.id DESC LIMIT \(max(1, min(limit, 500))) OFFSET \(max(0, offset))")
            let book = try await PolicyStore.book(sql)
            return try await sql.raw(q).all(decoding: ApplicationSummary.self).map { a in
                var a = a
                let policy = book.policy(region: a.region, year: a.state.submittedOn.year)
                a.stepDue = a.state.due(policy.applicationLimits, policy.calendar)
                return a
            }
        }
    }

    static func load(_ sql: any SQLDatabase, _ id: Int64, actor: Actor) async throws -> ApplicationSummary? {
        try await sql.raw("\(unsafeRaw: select) WHERE a.id = \(bind: id) AND \(HouseholdStore.scope(actor, column: "a.region"))").first(decoding: ApplicationSummary.self)
    }

    static func event(_ tx: Tx, _ id: Int64, region: RegionCode, step: ApplicationStep, action: String, note: String, by actor: Actor, today: CivilDate) async throws {
        try await tx.sql.raw("""
            INSERT INTO assistance_events (application_id, region, at, on_day, step, action, note, actor)
            VALUES (\(bind: id), \(bind: Int64(region.value)), \(bind: tx.clock.nowMillis()), \(bind: today.description), \(bind: step.rawValue),
                    \(bind: action), \(bind: note), \(bind: actor.username))
            """).run()
    }

    struct RegionRow: Decodable { var region: Int64 }
    struct MemberRow: Decodable { var id: Int64; var resident_index: String? }
}

extension ApplicationAction {
    /// The name the timeline and the audit log give an action, and what it noted.
    var recorded: (String, String) {
        switch self {
        case .accept: ("accepted", "")
        case .recordHomeVisit(let n): ("homeVisit", n)
        case .recordCountyVisit(let n): ("countyVisit", n)
        case .extend(let r): ("extended", r)
        case .opinion(let approve, let amount, let reasons): approve ? ("proposed", String(amount)) : ("refused", reasons)
        case .startNotice(let from, let to): ("noticePosted", "\(from)/\(to)")
        case .objection(let t): ("objection", t)
        case .resolveObjection(let upheld, let t): (upheld ? "objectionUpheld" : "objectionDismissed", t)
        case .closeNotice: ("noticeClosed", "")
        case .approve(let amount): ("approved", String(amount))
        case .refuse(let r): ("refused", r)
        }
    }
}

/// Income items as stored: category, yuan and note per item, in JSON.
enum StoredIncome {
    struct Item: Codable { var category: String; var yuan: Int; var note: String }
    static func json(_ s: IncomeStatement) -> String {
        AuditLog.json(s.items.map { Item(category: $0.category.rawValue, yuan: $0.yuan, note: $0.note) }) ?? "[]"
    }
    static func statement(_ json: String, months: Int) -> IncomeStatement {
        let items = (try? JSONDecoder().decode([Item].self, from: Data(json.utf8))) ?? []
        return IncomeStatement(items.compactMap { i in IncomeCategory(rawValue: i.category).map { IncomeItem($0, i.yuan, note: i.note) } }, months: months)
    }
}

extension ApplicationStore {
    /// Temporary aid (R-LS-1): the township's opinion sets who approves its amount, by the region's tiers as
    /// multiples of the monthly dibao standard; at the approval the township may not grant more than its tier,
    /// and nobody more than the highest. Nil: nothing to set for this action.
    static func aidApprover(_ sql: any SQLDatabase, _ a: ApplicationSummary, _ action: ApplicationAction, by actor: Actor, today: CivilDate) async throws -> AidApprover? {
        let amount: Int
        switch action {
        case .opinion(true, let n, _), .approve(let n): amount = n
        default: return nil
        }
        guard amount > 0 else { return nil }
        let policy = try await PolicyStore.policy(sql, region: a.region, year: today.year)
        guard let standard = policy.dibaoRules(AreaKind.of(a.region))?.standard else {
            throw StoreError.invalid([FieldProblem("amount", Message("本地区未设置低保标准，无法确定临时救助审批权限", "no dibao standard is set here to place the amount in a tier"))])
        }
        let tiers = policy.aidTiers
        guard let needed = TemporaryAidTier.approver(for: amount, monthlyStandard: standard, tiers: tiers) else {
            let most = (tiers.map(\.maxMultiple).max() ?? 0) * standard
            throw StoreError.invalid([FieldProblem("amount", Message("临时救助金额超过最高审批上限\(most)元", "temporary aid is at most \(most) yuan here"))])
        }
        if case .approve = action {
            let township = (tiers.first { $0.approver == .township }?.maxMultiple ?? 0) * standard
            if actor.role == .townshipOfficer && needed != .township {
                throw StoreError.invalid([FieldProblem("amount", Message("超过乡镇审批上限\(township)元，须由县级审批", "over the township's ceiling of \(township) yuan: the county approves it"))])
            }
            return nil
        }
        return needed
    }
}
