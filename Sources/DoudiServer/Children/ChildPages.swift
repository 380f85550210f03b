import DoudiDomain
import DoudiSheets
import DoudiStore
import HTTPTypes
import Hummingbird

/// 困境儿童 (issue 15): the child director's phone page — what needs someone now (reports past their hours, which
/// escalate to the county; care ending with nothing after it; follow-ups overdue), then every case they may see —
/// the report form, and a case's page with its care timeline and the acts the reader may take. The API twin
/// (`ChildAPI`) calls the same store functions and the same `ChildAct`.
struct ChildPages: Sendable {
    let web: WebShell
    let children: ChildCaseStore
    let regions: RegionStore
    let choices: Choices
    var clock: Clock { web.clock }

    func register(on router: Router<DoudiContext>) {
        router.get("/children") { req, _ in try await web.withUser(req) { w in try await list(w) } }
        router.downloads("/children") { req, format in try await web.withUser(req) { w in try await sheet(w, format) } }
        router.get("/children/new") { req, _ in try await web.withUser(req) { w in try await reportForm(w) } }
        router.post("/children") { req, _ in try await web.withUser(req, post: true) { w, form in try await report(w, form) } }
        router.get("/children/{id}") { req, ctx in try await web.withUser(req) { w in try await casePage(w, id: ctx.parameters.get("id", as: Int64.self)) } }
        router.post("/children/{id}") { req, ctx in
            try await web.withUser(req, post: true) { w, form in try await act(w, id: ctx.parameters.get("id", as: Int64.self), form) }
        }
    }

    /// The API's field names for an arrangement (`kind`, `from`, `to`) are other forms' words too: on these pages
    /// their problems are named as the care form labels them.
    static func named(_ problems: [FieldProblem]) -> [FieldProblem] {
        let care = ["kind": "careKind", "from": "careFrom", "to": "careTo"]
        return problems.map { p in care[p.field].map { FieldProblem($0, p.message) } ?? p }
    }

    static let assessmentFields = ["parentA", "parentASince", "parentAUntil", "parentB", "parentBSince", "parentBUntil", "judged", "birthDate"]
    static func assessment(_ fields: [String: String]) -> [String: String] { fields.filter { assessmentFields.contains($0.key) } }

    static func status(_ w: Web) -> ChildCaseStatus? { w.req.uri.queryParameters["status"].flatMap { ChildCaseStatus(rawValue: String($0)) } }

    /// The hours the case's region gives the township (its policy, 24 unless set).
    func deadline(_ region: RegionCode) async throws -> AcknowledgementDeadline {
        AcknowledgementDeadline(try await choices.policy.policy(region: region, year: clock.today().year))
    }

    /// Rows of `cases` (and of any list of them) in the reader's words: the arrangement in force now, the hours left
    /// to acknowledge. The villages' names and the regions' hours are read once, for all the page's lists.
    func rows(for cases: [ChildCase], _ t: Strings.Table, now: Int64) async throws -> @Sendable ([ChildCase]) -> [[String: Any]] {
        let names = try await regions.villageLabels(cases.map(\.region))
        let deadlines = try await children.acknowledgementDeadlines(Set(cases.map(\.region)))
        return { list in list.map { c in
            let deadline = deadlines[c.region] ?? AcknowledgementDeadline()
            let current = c.care.last { $0.from <= now && ($0.to ?? .max) > now }
            return ["id": c.id, "child": c.childName, "region": names[c.region] ?? c.region.description, "status": label(c.status, t),
                    "risk": label(c.risk, t), "high": c.risk == .high, "care": current.map { "\(label($0.kind, t)) · \($0.carer)" } ?? "—",
                    "reported": beijingTime(c.reportedAt), "channel": label(c.channel, t),
                    "late": deadline.isOverdue(reportedAt: c.reportedAt, acknowledgedAt: c.acknowledgedAt, now: now),
                    "due": c.acknowledgedAt == nil ? beijingTime(deadline.due(reportedAt: c.reportedAt)) : ""] as [String: Any]
        } }
    }

    func list(_ w: Web) async throws -> Response {
        let t = w.t
        guard ChildAccess.mayOpen(w.role) else { return try w.forbidden() }
        let now = clock.nowMillis(), status = Self.status(w)
        let all = try await children.cases(by: w.actor, status: status, limit: ChildCaseStore.everyCase)
        let attention = try await children.attention(by: w.actor)
        let n = w.pageNumber, kept = status.map { "&status=\($0.rawValue)" } ?? ""
        let ending = attention.careEnding.map(\.childCase), page = Array(all.dropFirst(n * 50).prefix(50))
        let rows = try await rows(for: page + attention.unacknowledged + ending + attention.followUpsOverdue + attention.papersOverdue, t, now: now)
        let endingRows = zip(rows(ending), attention.careEnding).map { row, e in row.merging(["ends": beijingTime(e.at)]) { $1 } }
        return try w.page(template: "children/list", title: t.t("childrenTitle"), [
            "mayReport": ChildAccess.mayReport(w.role), "total": all.count,
            "unacknowledged": rows(attention.unacknowledged), "hasUnacknowledged": !attention.unacknowledged.isEmpty,
            "ending": endingRows, "hasEnding": !ending.isEmpty,
            "overdue": rows(attention.followUpsOverdue), "hasOverdue": !attention.followUpsOverdue.isEmpty,
            "papers": rows(attention.papersOverdue), "hasPapers": !attention.papersOverdue.isEmpty,
            "statuses": ChildCaseStatus.allCases.map { ["value": $0.rawValue, "label": label($0, t), "selected": $0 == status] as [String: Any] },
            "items": rows(page),
            "csv": "/children.csv" + kept.replacingOccurrences(of: "&", with: "?"), "xlsx": "/children.xlsx" + kept.replacingOccurrences(of: "&", with: "?"),
            "prev": (n > 0 ? "/children?page=\(n - 1)\(kept)" : nil) as Any, "next": (all.count > (n + 1) * 50 ? "/children?page=\(n + 1)\(kept)" : nil) as Any,
        ])
    }

    func sheet(_ w: Web, _ format: DownloadFormat) async throws -> Response {
        let t = w.t
        guard ChildAccess.mayOpen(w.role) else { return try w.forbidden() }
        let all = try await children.cases(by: w.actor, status: Self.status(w), limit: ChildCaseStore.everyCase)
        let columns = [("child", "childName"), ("region", "region"), ("status", "childStatus"), ("risk", "childRisk"), ("care", "childCare"),
                       ("channel", "childChannel"), ("reported", "childReportedAt")]
        let rows = try await rows(for: all, t, now: clock.nowMillis())(all).map { r in columns.map { Sheet.Cell.text("\(r[$0.0] ?? "")") } }
        return try download(Sheet(name: t.t("childrenTitle"), headers: columns.map { t.t($0.1) }, rows: rows), format, name: "children-\(clock.today())")
    }

    func reportForm(_ w: Web, form: Form = [:], problems: [FieldProblem] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        guard ChildAccess.mayReport(w.role) else { return try w.forbidden() }
        return try w.page(status: status, template: "children/new", title: w.t.t("childReport"), [
            "villages": try await choices.villages(w.account, selected: RegionCode(form["regionCode"] ?? "")),
            "childName": form["childName"] ?? "", "residentId": form["residentId"] ?? "", "birthDate": form["birthDate"] ?? "", "situation": form["situation"] ?? "",
            "hospital": w.role == .healthWorker, "guardianName": form["guardianName"] ?? "", "guardianResidentId": form["guardianResidentId"] ?? "",
            "absences": options(GuardianAbsence.self, selected: form["guardianAbsence"], t: w.t),
            "problems": w.lines(problems), "hasProblems": !problems.isEmpty,
        ])
    }

    func report(_ w: Web, _ form: Form) async throws -> Response {
        guard ChildAccess.mayReport(w.role) else { return try w.forbidden() }
        let typed = ChildReport(childName: form["childName"] ?? "", residentID: form["residentId"] ?? "", birthDate: form["birthDate"] ?? "",
                                regionCode: form["regionCode"] ?? "", situation: form["situation"] ?? "", guardianName: form["guardianName"] ?? "",
                                guardianResidentID: form["guardianResidentId"] ?? "", guardianAbsence: form["guardianAbsence"] ?? "")
        do {
            let id = try await children.report(try typed.check(today: clock.today(), guardianRequired: w.role == .healthWorker).get(), by: w.actor)
            return Response(status: .seeOther, headers: [.location: "/children/\(id)"])
        } catch let p as ProblemList {
            return try await reportForm(w, form: form, problems: p.problems, status: .unprocessableContent)
        } catch {
            return try await w.refused(error) { try await reportForm(w, form: form, problems: $0, status: .unprocessableContent) }
        }
    }

    func act(_ w: Web, id: Int64?, _ form: Form) async throws -> Response {
        guard ChildAccess.mayOpen(w.role), let id else { return try w.notFound() }
        if form["action"] == "reveal" {
            do { return try await casePage(w, id: id, revealed: try await children.reporterMobile(id, by: w.actor)) } catch {
                return try await w.refused(error) { try await casePage(w, id: id, problems: $0, status: .unprocessableContent) }
            }
        }
        guard let action = ChildAct.Action(rawValue: form["action"] ?? "") else { return try await casePage(w, id: id, form: form, status: .badRequest) }
        // Money approved and a case closed are not taken back: a second page asks again, once the form is right.
        if !Web.confirmed(form), action == .allowance || action == .close {
            let t = w.t
            var summary: [(String, String)] = [(t.t("childCloseReason"), form["note"] ?? "")]
            if action == .allowance {
                switch AllowanceGrant.check(payee: form["payee"], bankAccount: form["bankAccount"], papers: form["papers"]) {
                case .failure(let p): return try await casePage(w, id: id, form: form, problems: p.problems, status: .unprocessableContent)
                case .success(let g):
                    summary = [(t.t("childAllowancePayee"), g.payee), (t.t("bankAccount"), g.bankAccount.masked),
                               (t.t("childAllowancePapers"), t.t(g.pledged ? "childPledged" : "childPapersComplete"))]
                }
            }
            return try w.confirm(form, action: "/children/\(id)", back: "/children/\(id)", title: t.t("childrenTitle"),
                                 question: t.t(action == .allowance ? "confirmGrantAllowance" : "confirmCloseChild"), summary: summary, button: t.t("confirmRecord"))
        }
        let now = clock.nowMillis()
        let care = action.arrangesCare ? CarePeriod.parse(kind: form["kind"], carer: form["carer"], fromText: form["from"] ?? "", toText: form["to"] ?? "", now: now) : nil
        do {
            try await ChildAct(action: action, risk: form["risk"], care: care, note: form["note"], unit: form["unit"], unitName: form["unitName"],
                               referral: form["referral"].flatMap { Int64($0) }, assessment: Self.assessment(form.values),
                               grant: ["payee": form["payee"], "bankAccount": form["bankAccount"], "papers": form["papers"]].compactMapValues(\.self)).perform(on: id, store: children, by: w.actor, now: now)
            return Response(status: .seeOther, headers: [.location: "/children/\(id)"])
        } catch let p as ProblemList {
            return try await casePage(w, id: id, form: form, problems: Self.named(p.problems), status: .unprocessableContent)
        } catch {
            return try await w.refused(error) { try await casePage(w, id: id, form: form, problems: Self.named($0), status: .unprocessableContent) }
        }
    }
}
