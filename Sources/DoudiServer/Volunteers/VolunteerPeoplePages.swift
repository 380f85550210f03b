import DoudiDomain
import DoudiSheets
import DoudiStore
import HTTPTypes
import Hummingbird

/// An organization's volunteers: the list (mobiles masked), the form that registers one (with their own login), each
/// one's service record; and the figures by region (volunteers, active, hours, tasks open) for the county and below.
struct VolunteerPeoplePages: Sendable {
    let web: WebShell
    let store: VolunteerStore
    let pages: VolunteerPages
    let me: MePages
    let choices: Choices

    func register(on router: Router<DoudiContext>) {
        router.get("/volunteers/people") { req, _ in try await web.withUser(req) { w in try await list(w) } }
        router.post("/volunteers/people") { req, _ in try await web.withUser(req, post: true) { w, form in try await add(w, form) } }
        router.post("/volunteers/people/:id/reveal") { req, ctx in
            try await web.withUser(req, post: true) { w, _ in
                guard w.role == .volunteerOrgAdmin else { return try w.forbidden() }
                guard let id = ctx.parameters.get("id", as: Int64.self) else { return try w.notFound() }
                do { return try await list(w, revealed: (id, try await store.revealMobile(id, by: w.actor))) } catch { return try await w.refused(error) { _ in try w.notFound() } }
            }
        }
        router.get("/volunteers/people/:id/record") { req, ctx in try await web.withUser(req) { w in try await me.record(w, volunteer: ctx.parameters.get("id", as: Int64.self) ?? -1) } }
        router.downloads("/volunteers/people/:id/record") { req, format in
            try await web.withUser(req) { w in
                let id = req.uri.path.split(separator: "/").dropFirst(2).first.flatMap { Int64($0) } ?? -1
                return try await me.sheet(w, format, volunteer: id)
            }
        }
        router.get("/volunteers/figures") { req, _ in try await web.withUser(req) { w in try await figures(w) } }
        router.downloads("/volunteers/figures") { req, format in try await web.withUser(req) { w in try await figuresSheet(w, format) } }
    }

    /// `revealed`: one volunteer's whole number, asked for (and audited) by the organization.
    func list(_ w: Web, form: Form = [:], problems: [FieldProblem] = [], status: HTTPResponse.Status = .ok, revealed: (Int64, String)? = nil) async throws -> Response {
        let t = w.t
        guard w.role == .volunteerOrgAdmin || w.role == .admin else { return try w.forbidden() }
        let people = try await store.volunteers(by: w.actor)
        let names = try await pages.regionNames(people.map(\.facts.home))
        let today = web.clock.today()
        let done = w.req.uri.queryParameters["done"].map(String.init)
        return try w.page(status: status, template: "volunteers/people", title: t.t("volPeople"), [
            "message": done.flatMap { t.values["volDone." + $0] } as Any, "problems": w.lines(problems), "hasProblems": !problems.isEmpty,
            "mayAdd": w.role == .volunteerOrgAdmin,
            "people": people.map { v in
                ["id": v.id, "name": v.name, "mobile": revealed?.0 == v.id ? revealed!.1 : v.maskedMobile, "masked": revealed?.0 != v.id, "home": names[v.facts.home] ?? "", "org": v.orgName,
                 "skills": v.skills.map { t.code == "en" ? $0.english : $0.chinese }.sorted().joined(separator: "、"),
                 "insured": v.facts.insurance.map { $0.covers(today) } ?? false, "online": v.facts.online,
                 "fitToday": v.facts.health.map { $0.day == today && $0.fit } ?? false, "login": v.username as Any] as [String: Any]
            },
            "picker": try await choices.regionPicker(in: w.region, selected: RegionCode(form["homeRegion"] ?? ""), t: t),
            "reach": ["picker": try await choices.regionPicker(in: w.region.truncated(to: .county), selected: nil, t: t)],
            "skills": VolunteerPages.options(VolunteerSkill.allCases, t, selected: form.all["skills"] ?? []),
            "joined": VolunteerPages.options(JoinedThrough.allCases, t, selected: [form["joinedThrough"] ?? "organization"]),
            "f": ["name": form["name"] ?? "", "mobile": form["mobile"] ?? "", "joinedVia": form["joinedVia"] ?? "", "languages": form["languages"] ?? "",
                  "availability": form["availability"] ?? "", "insurer": form["insurer"] ?? "", "policyNumber": form["policyNumber"] ?? "",
                  "insuredFrom": form["insuredFrom"] ?? "", "insuredTo": form["insuredTo"] ?? "", "username": form["username"] ?? "", "online": form["online"] == "1"],
        ])
    }

    func add(_ w: Web, _ form: Form) async throws -> Response {
        guard w.role == .volunteerOrgAdmin else { return try w.forbidden() }
        do {
            let d = try VolunteerDraft.check(name: form["name"] ?? "", mobile: form["mobile"] ?? "", joinedThrough: form["joinedThrough"] ?? "",
                                             joinedVia: form["joinedVia"] ?? "", home: form["homeRegion"] ?? "", reach: form.all["reachRegions"] ?? [],
                                             skills: form.all["skills"] ?? [], languages: form["languages"] ?? "", online: form["online"] == "1",
                                             availability: form["availability"] ?? "", insurer: form["insurer"] ?? "", policyNumber: form["policyNumber"] ?? "",
                                             insuredFrom: form["insuredFrom"] ?? "", insuredTo: form["insuredTo"] ?? "", username: form["username"] ?? "",
                                             password: form["password"] ?? "").get()
            try await store.addVolunteer(d, by: w.actor)
            return .redirect(to: "/volunteers/people?done=volunteer", type: .normal)
        } catch let p as ProblemList {
            return try await list(w, form: form, problems: p.problems, status: .unprocessableContent)
        } catch {
            return try await w.refused(error) { try await list(w, form: form, problems: $0, status: .unprocessableContent) }
        }
    }

    static func columns(_ t: Strings.Table) -> [(String, (VolunteerStore.Figures.Row) -> String)] {
        [(t.t("volCount"), { "\($0.volunteers)" }), (t.t("volActive"), { "\($0.active)" }), (t.t("volHoursMonth"), { Hours.text($0.minutesThisMonth) }),
         (t.t("volTasksOpen"), { "\($0.tasksOpen)" })]
    }

    func loaded(_ w: Web) async throws -> VolunteerStore.Figures? {
        try await store.figures(region: w.req.uri.queryParameters["region"].flatMap { RegionCode(String($0)) } ?? w.region, by: w.actor)
    }

    func figures(_ w: Web) async throws -> Response {
        let t = w.t
        guard VolunteerAccess.mayReadFigures(w.role) else { return try w.forbidden() }
        guard let f = try await loaded(w) else { return try w.notFound() }
        let cols = Self.columns(t)
        return try w.page(template: "volunteers/figures", title: t.t("volFigures"), [
            "regionName": try await pages.regionNames([f.region])[f.region] ?? f.region.description,
            "up": (f.region != w.region ? f.region.parent.map { "/volunteers/figures?region=\($0)" } : nil) as Any, "headers": cols.map(\.0),
            "rows": f.rows.map { r in
                ["name": r.region == f.region ? t.t("total") : r.name, "total": r.region == f.region, "cells": cols.map { $0.1(r) },
                 "link": (r.region != f.region && r.region.level < .village ? "/volunteers/figures?region=\(r.region)" : nil) as Any] as [String: Any]
            },
            "csv": "/volunteers/figures.csv?region=\(f.region)", "xlsx": "/volunteers/figures.xlsx?region=\(f.region)",
        ])
    }

    func figuresSheet(_ w: Web, _ format: DownloadFormat) async throws -> Response {
        let t = w.t
        guard VolunteerAccess.mayReadFigures(w.role) else { return try w.forbidden() }
        guard let f = try await loaded(w) else { return try w.notFound() }
        let cols = Self.columns(t)
        let rows = f.rows.map { r in [Sheet.Cell.text(r.region.description), .text(r.region == f.region ? t.t("total") : r.name)] + cols.map { Sheet.Cell.text($0.1(r)) } }
        return try download(Sheet(name: t.t("volFigures"), headers: [t.t("regionCodeColumn"), t.t("region")] + cols.map(\.0), rows: rows), format, name: "volunteers-\(f.region)")
    }
}
