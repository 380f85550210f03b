import DoudiDomain
import DoudiStore
import HTTPTypes
import Hummingbird

/// 工作日历: a region's holidays and adjusted working days for a year; administrators add and remove their own.
struct CalendarPages: Sendable {
    let web: WebShell
    let calendar: CalendarStore
    let regions: RegionStore
    let choices: Choices

    func register(on router: Router<DoudiContext>) {
        router.get("/calendar") { req, _ in try await web.withUser(req) { w in try await page(w, form: [:]) } }
        router.post("/calendar") { req, _ in try await web.withUser(req, post: true) { w, form in try await setDay(w, form) } }
        router.post("/calendar/remove") { req, _ in try await web.withUser(req, post: true) { w, form in try await removeDay(w, form) } }
    }

    func page(_ w: Web, form: Form, message: String? = nil, problems: [FieldProblem] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.readRegister) || w.role.may(.manageRegions) else { return try w.forbidden() }
        let q = w.req.uri.queryParameters
        let region = (form["region"] ?? q["region"].map(String.init)).flatMap(RegionCode.parse) ?? w.region
        let year = Int(form["year"] ?? q["year"].map(String.init) ?? "").flatMap { (2000...2100).contains($0) ? $0 : nil } ?? web.clock.today().year
        guard w.region.contains(region) else { return try await w.outsideRegion(region, regions) }
        let y = try await calendar.year(region: region, year: year, by: w.actor)
        let names = try await regions.villageLabels(y.days.map(\.source).filter { !$0.isCountry })
        let canSet = w.role.may(.setPolicy)
        let regionName = region.isCountry ? t.t("country") : try await regions.region(region)?.name ?? region.description
        return try w.page(status: status, template: "calendar/calendar", title: t.t("calendar"), [
            "region": region.description, "year": year, "regionName": regionName, "workingDays": y.workingDays, "message": message as Any,
            "picker": try await choices.regionPicker(in: w.region, selected: region, t: t), "canSet": canSet,
            "days": y.days.map { d in
                ["date": d.day.date.description, "weekday": t.t("weekday\(d.day.date.weekday)"), "kind": label(d.day.kind, t),
                 "worked": d.day.kind == .workday, "title": d.day.name,
                 "source": d.source.isCountry ? t.t("country") : names[d.source] ?? d.source.description, "removable": canSet && d.own] as [String: Any]
            },
            "kinds": options(CalendarDayKind.self, selected: form["kind"], t: t),
            "form": form.values, "problems": w.lines(problems), "hasProblems": !problems.isEmpty,
        ])
    }

    func setDay(_ w: Web, _ form: Form) async throws -> Response {
        guard let region = RegionCode.parse(form["region"] ?? "") else {
            return try await page(w, form: form, problems: [FieldProblem("region", .regionCodeDigits)], status: .unprocessableContent)
        }
        guard w.region.contains(region) else { return try await w.outsideRegion(region, regions) }
        switch CalendarDay.check(date: form["date"] ?? "", kind: form["kind"] ?? "", name: form["title"] ?? "") {
        case .failure(let p): return try await page(w, form: form, problems: p.problems, status: .unprocessableContent)
        case .success(let day):
            do {
                try await calendar.set(region: region, day: day, by: w.actor)
                return try await page(w, form: ["region": region.description, "year": String(day.date.year)], message: w.t.t("saved"))
            } catch {
                return try await w.refused(error) { try await page(w, form: form, problems: $0, status: .unprocessableContent) }
            }
        }
    }

    func removeDay(_ w: Web, _ form: Form) async throws -> Response {
        guard let region = RegionCode.parse(form["region"] ?? ""), let date = CivilDate(form["date"] ?? "") else {
            return try await page(w, form: [:], problems: [FieldProblem("date", .dayFormat)], status: .unprocessableContent)
        }
        guard w.region.contains(region) else { return try await w.outsideRegion(region, regions) }
        do {
            try await calendar.remove(region: region, date: date, by: w.actor)
            return try await page(w, form: ["region": region.description, "year": String(date.year)], message: w.t.t("calendarRemoved"))
        } catch {
            return try await w.refused(error) { try await page(w, form: form, problems: $0, status: .unprocessableContent) }
        }
    }
}
