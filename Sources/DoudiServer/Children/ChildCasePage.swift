import DoudiDomain
import DoudiStore
import HTTPTypes
import Hummingbird

/// One child's case: who, where, why, the care timeline and the follow-ups, then the forms of the acts the reader
/// may take now (a township supervisor acknowledges, sets the risk and closes; the region's child directors arrange
/// care and record contacts). Each view is in the audit log (the store logs it).
extension ChildPages {
    /// `revealed`: the guardian's whole call-back number, asked for (and logged) by the one reading.
    func casePage(_ w: Web, id: Int64?, form: Form = [:], problems: [FieldProblem] = [], revealed: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard ChildAccess.mayOpen(w.role), let id, let c = try await children.childCase(id, by: w.actor) else { return try w.notFound() }
        let now = clock.nowMillis(), deadline = try await deadline(c.region)
        let open = c.status == .acknowledged, supervisor = ChildAccess.mayAcknowledge(w.actor), director = ChildAccess.mayAct(w.actor, region: c.region)
        let region = try await regions.path(c.region).map(\.name).joined(separator: " ")
        let risk = form["risk"] ?? c.risk?.rawValue
        func kinds() -> [[String: Any]] { options(CareArrangementKind.self, selected: form["kind"], t: t) }
        let grants = ChildAccess.mayGrantAllowance(w.actor), mayGrant = open && grants && c.allowance == nil && ChildAllowance.qualifies(c.category)
        let standard = mayGrant ? try await choices.policy.policy(region: c.region, year: clock.today().year).int(.childAllowance) : nil
        return try w.page(status: status, template: "children/case", title: "\(c.childName) · \(label(c.status, t))", [
            "id": c.id, "caseId": c.id, "child": c.childName, "region": region.isEmpty ? c.region.description : region, "status": label(c.status, t), "closed": c.status == .closed,
            "birth": (c.residentID == nil ? c.birthDate?.description : c.birthDate.map { "\($0.year)" }) ?? "—", "residentId": c.residentID ?? "—",
            "household": c.householdID as Any, "channel": label(c.channel, t), "reportedBy": c.reportedBy, "reported": beijingTime(c.reportedAt),
            "situation": c.situation, "guardian": c.guardianName.map { name in
                [name, c.guardianResidentID, c.guardianAbsence.map { label($0, t) }].compactMap(\.self).joined(separator: " · ")
            } as Any, "risk": c.risk.map { label($0, t) } ?? "—", "high": c.risk == .high,
            "acknowledged": c.acknowledgedAt.map { "\(beijingTime($0)) · \(c.acknowledgedBy ?? "")" } as Any,
            "due": c.acknowledgedAt == nil && c.status == .reported ? beijingTime(deadline.due(reportedAt: c.reportedAt)) : nil as String? as Any,
            "late": deadline.isOverdue(reportedAt: c.reportedAt, acknowledgedAt: c.acknowledgedAt, now: now),
            "care": c.care.map { p in
                ["kind": label(p.kind, t), "carer": p.carer, "from": beijingTime(p.from), "to": p.to.map(beijingTime) ?? t.t("untilNow"),
                 "current": p.from <= now && (p.to ?? .max) > now] as [String: Any]
            },
            "ending": (open ? CareTimeline.uncovered(c.care, now: now).map(beijingTime) : nil) as Any,
            "contacts": c.contacts.reversed().map { ["at": beijingTime($0.at), "note": $0.note, "by": $0.recordedBy] as [String: Any] },
            "referrals": c.referrals.reversed().map { r in
                ["unit": label(r.unit, t), "name": r.unitName, "note": r.note, "status": label(r.status, t), "declined": r.status == .declined,
                 "by": r.referredBy, "at": beijingTime(r.referredAt), "answer": r.answer as Any,
                 "answered": r.answeredAt.map { "\(beijingTime($0)) · \(r.answeredBy ?? "")" } as Any,
                 "id": r.id, "mayAnswer": open && r.status == .pending && r.unit.isAnsweredBy(w.actor)] as [String: Any]
            },
            "category": c.category.map { label($0, t) } ?? t.t("childNotAssessed"),
            "parents": c.parents.map { p in [label(p.situation, t), p.since.map { "\($0)" }, p.until.map { "→ \($0)" }].compactMap(\.self).joined(separator: " ") }
                .joined(separator: "；"),
            "mayAssess": open && supervisor, "noBirth": c.birthDate == nil,
            "situationsA": options(ParentSituation.self, selected: form["parentA"] ?? c.parents.first?.situation.rawValue, t: t),
            "situationsB": options(ParentSituation.self, selected: form["parentB"] ?? c.parents.last?.situation.rawValue, t: t),
            "judgements": [ChildCategory.childInDifficulty, .leftBehindChild].map { ["value": $0.rawValue, "label": label($0, t), "selected": form["judged"] == $0.rawValue] as [String: Any] },
            "trackingCode": c.trackingCode as Any, "reporterMobile": c.reporterMobile as Any, "revealed": revealed as Any,
            "mayReveal": c.status != .closed && director,
            "mayRefer": open && director, "units": options(ReferralUnit.self, selected: form["unit"], t: t), "unitName": form["unitName"] ?? "",
            "mayAcknowledge": c.status == .reported && supervisor, "mayArrange": open && director, "mayContact": open && ChildAccess.mayFollowUp(w.actor, region: c.region),
            "isHotline": w.role == .hotlineOperator,
            "allowance": c.allowance.map { allowance($0, t, mayPapers: open && grants) } as Any,
            "allowanceHelp": c.allowance == nil ? t.t(ChildAllowance.qualifies(c.category) ? "childAllowanceWaiting" : "childAllowanceNotYet") : nil as String? as Any,
            "mayGrant": mayGrant, "standard": standard.map { "\($0) \(t.t("yuanPerMonth"))" } ?? t.say(ChildAllowance.noStandard),
            "payee": form["payee"] ?? c.care.last?.carer ?? "", "bankAccount": form["bankAccount"] ?? "",
            "papersComplete": form["papers"] == "complete", "papersPledge": form["papers"] == "pledge",
            "mayRisk": open && supervisor, "mayClose": open && supervisor,
            "risks": options(ChildRisk.self, selected: risk, t: t), "kinds": kinds(),
            "carer": form["carer"] ?? "", "from": form["from"] ?? BeijingMinute.text(now), "to": form["to"] ?? "", "note": form["note"] ?? "",
            "action": form["action"] ?? "", "problems": w.lines(problems), "hasProblems": !problems.isEmpty,
        ])
    }
}

extension ChildPages {
    /// The allowance as the case page shows it: what, how much, to whom (the account masked), the pledge's papers,
    /// and each roll that paid it.
    func allowance(_ a: ChildAllowanceRecord, _ t: Strings.Table, mayPapers: Bool) -> [String: Any] {
        let today = clock.today()
        let papers = a.papersOn.map { "\(t.t("childPapersIn")) \($0)" } ?? a.papersDue.map { "\(t.t("childPapersDue")) \($0)" } ?? ""
        return ["kind": t.say(ChildAllowance.name(a.category)), "amount": a.monthlyAmount, "start": a.start.description, "end": a.end?.description as Any,
                "payee": a.payee, "bank": a.bankAccount, "approved": "\(a.approvedOn) · \(a.approvedBy)",
                "pledge": a.pledged ? t.t("childPledged") : t.t("childPapersComplete"), "papers": papers, "papersLate": a.papersOverdue(today: today),
                "mayPapers": mayPapers && a.papersOn == nil,
                "payments": a.payments.map { p in
                    ["month": p.month.description, "months": p.months > 1 ? p.months : nil as Int? as Any, "amount": p.amount, "status": label(p.status, t), "paid": p.status == .paid] as [String: Any]
                }]
    }
}
