import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// An application's page: where it stands, its timeline, and the forms of the step for the caller's role.
extension ApplicationPages {
    func page(_ w: Web, id: Int64, message: String? = nil, problems: [FieldProblem] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        guard let d = try await applications.application(id, by: w.actor) else { return try w.notFound() }
        let a = d.summary, s = a.state, today = clock.today()
        let running = a.status == .running
        let mine = running && s.actors.contains(w.role)
        let names = try await regions.villageLabels([a.region])
        let perCapita = a.income.perCapitaMonthly(persons: a.covered.count)
        return try w.page(status: status, template: "assistance/application", title: "\(t.t("application")) · \(a.headName)", [
            "a": ["id": a.id, "head": a.headName, "household": a.householdID, "region": names[a.region] ?? a.region.description, "kind": label(a.kind, t),
                  "persons": a.covered.count, "net": a.income.net, "months": a.income.months, "perCapita": perCapita.description,
                  "assets": (a.assets.isEmpty ? nil : a.assets.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "；")) as Any,
                  "status": label(a.status, t), "step": label(a.step, t), "actor": s.actors.map { label($0, t) }.sorted().joined(separator: "、"),
                  "submitted": s.submittedOn.description, "due": running ? a.stepDue.description : "", "late": running && today > a.stepDue,
                  "spotCheck": s.spotCheck, "countyVisited": s.countyVisited, "relative": a.relativeOfStaff,
                  // Absent rather than empty: a section of the page shows only what there is.
                  "proposed": s.proposedAmount as Any, "approved": a.approvedAmount as Any,
                  "noticeFrom": s.noticeFrom?.description as Any, "noticeTo": s.noticeTo?.description as Any,
                  "objections": (s.unresolvedObjections > 0 ? s.unresolvedObjections : nil) as Any,
                  "refused": a.status == .refused, "reasons": a.reasons as Any, "decided": a.decidedOn?.description as Any, "running": running,
                  "benefit": d.benefitID as Any] as [String: Any],
            "hasChecks": !d.findings.isEmpty, "findings": d.findings.map { ["over": $0.over, "text": w.say($0.message)] as [String: Any] },
            "checks": d.checks.map { ["source": label($0.source, t), "item": $0.item, "value": $0.value, "unit": w.say($0.source.unit), "asOf": $0.asOf.description] as [String: Any] },
            "assessment": d.assessment.map { ["text": w.say(Self.suggestion($0))] } as Any,
            "suggested": d.assessment.flatMap { $0.eligible && $0.monthly > 0 ? String($0.monthly) : nil } ?? "",
            "message": message as Any, "problems": w.lines(problems), "hasProblems": !problems.isEmpty,
            "at": [s.step.rawValue: mine], "countyVisit": running && s.spotCheck && !s.countyVisited && w.role == .countyOfficer,
            "noticeOpen": mine && s.step == .publicNotice && s.noticeFrom != nil, "noticeOver": s.noticeTo.map { today > $0 } ?? false, "noticeUnposted": mine && s.step == .publicNotice && s.noticeFrom == nil,
            "canExtend": mine && !s.extended && (s.step == .investigation || s.step == .townshipOpinion),
            "today": today.description, "noticeEnd": today.adding(days: d.limits.notice).description,
            "events": d.events.map { e in
                ["day": e.day.description, "step": label(e.step, t), "action": t.values["act.assistance." + e.action] ?? t.t("act.assistance.apply"),
                 "note": e.note, "actor": e.actor] as [String: Any]
            },
        ])
    }

    /// The standard's arithmetic in words, for the township's opinion.
    static func suggestion(_ a: DibaoAssessment) -> Message {
        let head = Message("按本地区低保标准\(a.standard)元/人/月测算：人均月收入\(a.perCapitaMonthly)元，",
                           "On the region's standard of \(a.standard) yuan a person a month: income \(a.perCapitaMonthly) yuan a person a month, ")
        guard a.eligible else {
            return Message(head.zh + "不符合条件（" + a.reasons.map(\.zh).joined(separator: "；") + "）",
                           head.en + "not eligible (" + a.reasons.map(\.en).joined(separator: "; ") + ")")
        }
        return Message(head.zh + "差额\(a.base)元，加发\(a.allowances)元，合计\(a.monthly)元/月",
                       head.en + "difference \(a.base), allowances \(a.allowances), in all \(a.monthly) yuan a month")
    }

    func act(_ w: Web, _ id: Int64, _ form: Form) async throws -> Response {
        let t = w.t
        let amount = Int((form["amount"] ?? "").typedNumber)
        let parsed = ApplicationAction.parse(action: form["action"] ?? "", note: form["note"], approve: form["approve"].map { $0 == "1" },
                                            amount: amount, from: form["from"], to: form["to"], upheld: form["upheld"].map { $0 == "1" })
        switch parsed {
        case .failure(let p): return try await page(w, id: id, problems: p.problems, status: .unprocessableContent)
        case .success(let action):
            // A refusal ends the application for good: a second page asks again (no script needed).
            if !Web.confirmed(form), action.refuses {
                guard let d = try await applications.application(id, by: w.actor) else { return try w.notFound() }
                return try w.confirm(form, action: "/assistance/\(id)", back: "/assistance/\(id)", title: "\(t.t("application")) · \(d.summary.headName)",
                                     question: t.t("confirmRefuseApplication"), summary: [(t.t("field.reasons"), form["note"] ?? "")], button: t.t("confirmRecord"))
            }
            do {
                try await applications.act(id, action, by: w.actor, today: clock.today())
                return try await page(w, id: id, message: t.t("saved"))
            } catch {
                return try await w.refused(error) { try await page(w, id: id, problems: $0, status: .unprocessableContent) }
            }
        }
    }

    /// 不予批准告知书: the reasons, in writing (R-DB-5), printable on A4.
    func letter(_ w: Web, id: Int64) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        guard let d = try await applications.application(id, by: w.actor), d.summary.status == .refused else { return try w.notFound() }
        let a = d.summary
        // Province, prefecture, county, township, village: the county's civil-affairs bureau signs what it refused,
        // the township government what the township refused (or approves under delegation).
        let path = try await regions.path(a.region).map(\.name)
        let byCounty = a.step == .approval && !a.state.delegated
        let authority = byCounty ? path.prefix(3).last.map { $0 + t.t("civilAffairsBureau") } : path.prefix(4).last.map { $0 + t.t("townshipGovernment") }
        return try w.page(template: "assistance/letter", title: t.t("refusalLetter"), [
            "head": a.headName, "kind": label(a.kind, t), "submitted": a.state.submittedOn.description, "reasons": a.reasons ?? "",
            "decided": a.decidedOn?.description ?? "", "authority": authority ?? "", "id": a.id,
        ])
    }
}

extension ApplicationAction {
    /// Actions after which the application is refused.
    var refuses: Bool {
        switch self {
        case .refuse: true
        case .opinion(let approve, _, _): !approve
        case .resolveObjection(let upheld, _): upheld
        default: false
        }
    }
}

extension ApplicationPages {
    /// The notice the application is on, at the village (or `?level=township|county`), printable on A4.
    func notice(_ w: Web, id: Int64) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        let level = w.req.uri.queryParameters["level"].flatMap { RegionCode.Level(codeName: String($0)) } ?? .village
        guard let n = try await applications.notice(id, level: level, by: w.actor) else { return try w.notFound() }
        return try noticeSheet(w, n, body: t.t("assistanceNoticeBody"), back: "/assistance/\(id)", backLabel: t.t("application"))
    }
}
