import DoudiDomain
import DoudiSheets
import DoudiStore
import HTTPTypes
import Hummingbird

/// The volunteer's own phone page (`/me`): today's health declaration first (no shift without it), the tasks they
/// hold with what to do next, tasks of their county with places left, their hours, and the service record to print
/// or export. The organization prints one of its volunteers' records from `/volunteers/people`.
struct MePages: Sendable {
    let web: WebShell
    let store: VolunteerStore
    let pages: VolunteerPages

    func register(on router: Router<DoudiContext>) {
        router.get("/me") { req, _ in try await web.withUser(req) { w in try await page(w) } }
        router.post("/me/health") { req, _ in try await web.withUser(req, post: true) { w, form in try await declare(w, form) } }
        router.get("/me/record") { req, _ in try await web.withUser(req) { w in try await record(w) } }
        router.downloads("/me/record") { req, format in try await web.withUser(req) { w in try await sheet(w, format) } }
    }

    func page(_ w: Web, form: Form = [:], problems: [String] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role == .volunteer else { return try w.forbidden() }
        let m: VolunteerStore.Mine
        do { m = try await store.mine(by: w.actor) } catch StoreError.forbidden { return try w.message(status: .forbidden, title: t.t("volMe"), text: t.t("volNotLinked")) }
        let names = try await pages.regionNames(m.assignments.map(\.task.region) + m.open.map(\.region))
        let done = w.req.uri.queryParameters["done"].map(String.init)
        return try w.page(status: status, template: "volunteers/me", title: t.t("volMe"), [
            "name": m.volunteer.name, "org": m.volunteer.orgName, "message": done.flatMap { t.values["volDone." + $0] } as Any,
            "problems": problems, "hasProblems": !problems.isEmpty,
            "declared": m.today != nil, "fit": m.today?.fit ?? false,
            "symptoms": VolunteerPages.options(Symptom.allCases, t, selected: form.all["symptoms"] ?? []), "temperature": form["temperature"] ?? "",
            "insured": m.volunteer.facts.insurance.map { "\($0.insurer) \($0.from)—\($0.to)" } as Any,
            "held": m.assignments.map { a, task in
                var d = MePages.merge(VolunteerPages.task(task, t), VolunteerTaskPages.assignment(a, w, mine: true))
                d["place"] = names[task.region] ?? ""; d["taskId"] = task.id; return d
            },
            "hasHeld": !m.assignments.isEmpty,
            "open": m.open.map { var d = VolunteerPages.task($0, t); d["place"] = names[$0.region] ?? ""; return d }, "hasOpen": !m.open.isEmpty,
            "total": Hours.text(m.confirmedMinutes), "month": Hours.text(m.confirmedThisMonth),
        ])
    }

    static func merge(_ a: [String: Any], _ b: [String: Any]) -> [String: Any] { a.merging(b) { _, new in new } }

    func declare(_ w: Web, _ form: Form) async throws -> Response {
        guard w.role == .volunteer else { return try w.forbidden() }
        switch HealthDeclaration.check(temperature: form["temperature"] ?? "", symptoms: form.all["symptoms"] ?? [], today: web.clock.today()) {
        case .failure(let p): return try await page(w, form: form, problems: w.lines(p.problems), status: .unprocessableContent)
        case .success(let h):
            do {
                let withdrawn = try await store.declareHealth(h, by: w.actor)
                return .redirect(to: "/me?done=\(h.fit ? "fit" : withdrawn > 0 ? "unwellWithdrawn" : "unwell")", type: .normal)
            } catch { return try await w.refused(error) { try await page(w, form: form, problems: w.lines($0), status: .unprocessableContent) } }
        }
    }

    /// The record: one line per confirmed assignment, and the organization's confirmation (who, when).
    static func lines(_ r: (volunteer: Volunteer, lines: [Assignment]), _ t: Strings.Table) -> [[String]] {
        r.lines.map { a in [a.day.description, t.code == "en" ? a.kind.english : a.kind.chinese, Hours.text(a.confirmedMinutes ?? 0), a.confirmedBy ?? "",
                            a.confirmedOn?.description ?? ""] }
    }

    static func headers(_ t: Strings.Table) -> [String] { [t.t("volDay"), t.t("volKind"), t.t("volConfirmed"), t.t("volConfirmedBy"), t.t("volConfirmedOn")] }

    /// The record asked for. A volunteer's own record is at /me/record; an organization's list names its
    /// volunteers' records.
    func loadRecord(_ w: Web, _ volunteer: Int64?) async throws -> (volunteer: Volunteer, lines: [Assignment]) {
        if volunteer != nil, w.role == .volunteer { throw StoreError.forbidden }
        return try await store.record(volunteer: volunteer, by: w.actor)
    }

    func record(_ w: Web, volunteer: Int64? = nil) async throws -> Response {
        let t = w.t
        let r: (volunteer: Volunteer, lines: [Assignment])
        do { r = try await loadRecord(w, volunteer) } catch { return try await w.refused(error) { _ in try w.notFound() } }
        let total = r.lines.compactMap(\.confirmedMinutes).reduce(0, +)
        let base = volunteer.map { "/volunteers/people/\($0)/record" } ?? "/me/record"
        return try w.page(template: "volunteers/record", title: t.t("volRecord"), [
            "name": r.volunteer.name, "org": r.volunteer.orgName, "mobile": r.volunteer.maskedMobile, "headers": Self.headers(t),
            "rows": Self.lines(r, t), "total": Hours.text(total), "count": r.lines.count, "printed": web.clock.today().description,
            "csv": "\(base).csv", "xlsx": "\(base).xlsx",
        ])
    }

    func sheet(_ w: Web, _ format: DownloadFormat, volunteer: Int64? = nil) async throws -> Response {
        let t = w.t
        let r: (volunteer: Volunteer, lines: [Assignment])
        do { r = try await loadRecord(w, volunteer) } catch { return try await w.refused(error) { _ in try w.notFound() } }
        let rows = Self.lines(r, t).map { [Sheet.Cell.text(r.volunteer.name), .text(r.volunteer.orgName)] + $0.map { Sheet.Cell.text($0) } }
        return try download(Sheet(name: t.t("volRecord"), headers: [t.t("volName"), t.t("volOrg")] + Self.headers(t), rows: rows), format,
                            name: "volunteer-record-\(r.volunteer.id)")
    }
}
