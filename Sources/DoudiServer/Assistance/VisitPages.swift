import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// 我的走访 (issue 14 items 3–4): the helper's phone page, which keeps working without a network. It lists the
/// households the caller helps (the next visit first) with the visit form; `visits.js` keeps a visit on the phone
/// with a key of its own and sends it when the network returns, and `sw.js` keeps the page for a visit made
/// without signal. The page and the API's `recordVisit` call the same domain check and store function.
struct VisitPages: Sendable {
    let web: WebShell
    let helpers: HelperStore
    let leads: LeadStore
    let regions: RegionStore
    var clock: Clock { web.clock }

    func register(on router: Router<DoudiContext>) {
        router.get("/visits") { req, _ in try await web.withUser(req) { w in try await page(w) } }
        router.post("/visits") { req, _ in try await web.withUser(req, post: true, upTo: VisitIntake.bodyLimit) { w, form in try await record(w, form) } }
        router.get("/visits/photos/{id}") { req, ctx in
            try await web.withUser(req) { w in try await photo(w, id: ctx.parameters.get("id", as: Int64.self), small: req.uri.queryParameters["size"] == "small") }
        }
    }

    /// A visit's photo, or its small copy, to whoever may see the household (never on a public path).
    func photo(_ w: Web, id: Int64?, small: Bool) async throws -> Response {
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        guard let id, let bytes = try await leads.visitPhoto(id, thumbnail: small, by: w.actor) else { return try w.notFound() }
        return VisitIntake.jpeg(bytes)
    }

    func page(_ w: Web, form: Form = [:], problems: [FieldProblem] = [], message: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.writeRegister), w.role.may(.browseRegister) else { return try w.forbidden() }
        let today = clock.today()
        let mine = try await helpers.duties(by: w.actor, mine: true, today: today)
        let names = try await regions.villageLabels(mine.map(\.region))
        let words: [String: String] = [
            "user": w.actor.username, "waiting": t.t("visitWaiting"), "sending": t.t("visitSending"), "sent": t.t("visitSent"), "offline": t.t("visitOffline"),
            "signIn": t.t("visitSignIn"), "later": t.t("visitLater"), "refused": t.t("visitRefused"), "drop": t.t("visitDrop"), "otherUser": t.t("visitOtherUser"),
            "room": t.t("visitPhotoRoom"), "photoCount": t.t("visitPhotoCount"), "tooMany": w.say(VisitPhoto.tooMany),
        ]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: words, options: [.sortedKeys]), as: UTF8.self).replacingOccurrences(of: "</", with: "<\\/")
        return try w.page(status: status, template: "assistance/visits", title: t.t("myVisits"), [
            "items": mine.map { d in
                ["household": d.householdID, "head": d.headName, "region": names[d.region] ?? d.region.description, "last": d.lastVisit?.description ?? "—",
                 "due": d.due.description, "late": d.overdue(today: today), "selected": form["householdId"] == d.householdID] as [String: Any]
            },
            "none": mine.isEmpty, "today": form["date"] ?? today.description, "met": form["met"] ?? "", "findings": form["findings"] ?? "", "needs": form["needs"] ?? "",
            "kinds": RiskKind.allCases.map { ["value": $0.rawValue, "label": label($0, t), "checked": form.all["riskKinds"]?.contains($0.rawValue) ?? false] as [String: Any] },
            "words": json, "message": message as Any, "problems": w.lines(problems), "hasProblems": !problems.isEmpty,
        ])
    }

    /// One visit, from the form (without the script) or from the phone's queue (`Accept: application/json`).
    func record(_ w: Web, _ form: Form) async throws -> Response {
        let t = w.t
        let asJSON = w.req.headers[.accept]?.contains("application/json") ?? false
        guard w.role.may(.writeRegister), w.role.may(.browseRegister) else { return try w.forbidden() }
        do {
            let code = try await VisitIntake.record(VisitIntake.visit(form), uploads: form.files["photos"] ?? [], household: (form["householdId"] ?? "").trimmingSpaces(),
                                                    by: w.actor, leads: leads, today: clock.today())
            let text = code.map { "\(t.t("visitLead")) \($0)" } ?? t.t("visitSaved")
            var answer = ["message": text]
            if let code { answer["leadTrackingCode"] = code }
            return asJSON ? try Self.json(.created, answer) : try await page(w, message: text, status: .created)
        } catch let p as ProblemList {
            return asJSON ? try Self.json(.unprocessableContent, ["message": w.lines(p.problems).joined(separator: "；")])
                : try await page(w, form: form, problems: p.problems, status: .unprocessableContent)
        } catch StoreError.notFound {
            return asJSON ? try Self.json(.notFound, ["message": say(.notInYourRegion, t)]) : try w.notFound()
        } catch {
            return try await w.refused(error) { problems in
                asJSON ? try Self.json(.unprocessableContent, ["message": w.lines(problems).joined(separator: "；")])
                    : try await page(w, form: form, problems: problems, status: .unprocessableContent)
            }
        }
    }

    static func json(_ status: HTTPResponse.Status, _ body: [String: String]) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        return Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
