import DoudiDomain
import Foundation

/// An audit entry as an auditor reads it: what was done in words, and each value that changed as
/// "field: before → after", with code names turned into the words the pages use. The log itself keeps codes.
enum AuditText {
    /// Every action the log records, in the order the search offers them.
    static let actions = ["household.create", "household.update", "household.import", "member.add", "member.reveal", "visit.record",
                          "lead.selfReport", "lead.hotline", "lead.visit", "lead.screening", "lead.screeningUpdate", "lead.verify", "lead.reveal",
                          "episode.open", "episode.completed", "episode.rejected", "episode.noticePosted", "episode.objection",
                          "episode.objectionUpheld", "episode.objectionDismissed", "episode.clearingProposed", "episode.screeningUpdate",
                          "policy.set", "calendar.set", "calendar.remove", "region.add", "region.rename", "region.loadVillages", "user.add", "user.update", "user.resetPassword", "user.disable",
                          "user.enable", "user.unlock", "user.endSessions", "user.locked", "session.start", "keys.rotate",
                          "assistance.apply", "assistance.accepted", "assistance.homeVisit", "assistance.countyVisit", "assistance.extended",
                          "assistance.proposed", "assistance.refused", "assistance.noticePosted", "assistance.objection", "assistance.objectionUpheld",
                          "assistance.objectionDismissed", "assistance.noticeClosed", "assistance.approved", "staffRelative.add",
                          "roll.build", "roll.approved", "roll.paid", "roll.export", "check.load", "benefit.review", "assistance.caseload",
                          "case.open", "case.advanced", "case.sentBack", "case.closed", "helper.assign", "measure.record", "measure.refer",
                          "measure.accept", "measure.decline", "measure.finish", "measure.withdraw", "effectReview.record", "effectReview.confirm",
                          "effectReview.return", "child.report", "child.view", "child.acknowledge", "child.care", "child.contact", "child.risk", "child.close"]

    static func action(_ code: String, _ t: Strings.Table) -> String {
        if let words = t.values["act." + code] { return words }
        if code.hasPrefix("episode."), let ev = t.values["ev." + code.dropFirst("episode.".count)] { return "\(t.t("caseFile")) · \(ev)" }
        return t.code == "en" ? code.replacingOccurrences(of: ".", with: " ") : t.t("otherAction")
    }

    /// What the entry is about; a policy value's subject (region/year/key) names its key in words.
    static func subject(_ action: String, _ subject: String, _ t: Strings.Table) -> String {
        let parts = subject.split(separator: "/").map(String.init)
        guard action == "policy.set", parts.count == 3, let key = PolicyKey(rawValue: parts[2]) else { return subject }
        return "\(parts[0]) · \(parts[1]) · \(DoudiServer.label(key, t))"
    }

    /// The values of `before` and `after` side by side, a line per field that either holds.
    static func changes(before: String?, after: String?, _ t: Strings.Table) -> [String] {
        let b = flatten(before), a = flatten(after)
        var keys: [String] = []
        for k in b.map(\.0) + a.map(\.0) where !keys.contains(k) { keys.append(k) }
        let bd = Dictionary(b, uniquingKeysWith: { x, _ in x }), ad = Dictionary(a, uniquingKeysWith: { x, _ in x })
        return keys.map { k -> String? in
            let name = label(k, t), was = bd[k].map { value(k, $0, t) }, now = ad[k].map { value(k, $0, t) }
            let colon = t.code == "en" ? ": " : "："
            switch (was, now) {
            case let (x?, y?) where x != y: return "\(name)\(colon)\(x.isEmpty ? "—" : x) → \(y.isEmpty ? "—" : y)"
            case let (_, y?): return y.isEmpty ? nil : "\(name)\(colon)\(y)"
            case let (x?, nil): return x.isEmpty ? nil : "\(name)\(colon)\(x) → —"
            default: return nil
            }
        }.compactMap { $0 }
    }

    /// Keys and texts of a JSON object, one level of nesting named by its parent (household.povertyStatus);
    /// a list of members is counted, each member's masked values kept in the log, not repeated here.
    static func flatten(_ json: String?) -> [(String, String)] {
        guard let json, let data = json.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        var out: [(String, String)] = []
        for key in object.keys.sorted() {
            switch object[key] {
            case let inner as [String: Any]:
                for k in inner.keys.sorted() { out.append((k, text(inner[k]))) }
            case let list as [Any]:
                out.append((key, String(list.count)))
            default:
                out.append((key, text(object[key])))
            }
        }
        return out
    }

    static func text(_ v: Any?) -> String {
        switch v {
        case let s as String: s
        case let n as NSNumber: n.stringValue
        case nil, is NSNull: ""
        default: "\(v!)"
        }
    }

    static func label(_ key: String, _ t: Strings.Table) -> String {
        t.values["akey." + key] ?? t.values["field." + key] ?? (t.code == "en" ? words(key) : t.t("otherField"))
    }

    /// A code name turned into the words a page shows, where the field says which list it comes from.
    static func value(_ key: String, _ v: String, _ t: Strings.Table) -> String {
        func one<E: CodeNamed>(_: E.Type) -> String { E(rawValue: v).map { DoudiServer.label($0, t) } ?? v }
        switch key {
        case "role": return one(Role.self)
        case "status": return LeadStatus(rawValue: v).map { DoudiServer.label($0, t) } ?? EpisodeStatus(rawValue: v).map { DoudiServer.label($0, t) }
            ?? ApplicationStatus(rawValue: v).map { DoudiServer.label($0, t) } ?? v
        case "monitoringType": return one(MonitoringType.self)
        case "povertyStatus": return one(PovertyStatus.self)
        case "step": return ProcedureStep(rawValue: v).map { DoudiServer.label($0, t) } ?? one(ApplicationStep.self)
        case "benefit": return one(BenefitKind.self)
        case "rollStatus": return one(RollStatus.self)
        case "outcome": return t.values["outcome." + v] ?? v
        case "aidKind": return one(TemporaryAidKind.self)
        case "caseStep": return one(CaseStep.self)
        case "caseStatus": return one(CaseStatus.self)
        case "origin": return one(CaseOrigin.self)
        case "service": return one(ServiceKind.self)
        case "unit", "department": return one(Department.self)
        case "measureStatus": return one(MeasureStatus.self)
        case "reviewStatus": return one(EffectReviewStatus.self)
        case "childChannel": return one(ChildChannel.self)
        case "childStatus": return one(ChildCaseStatus.self)
        case "childRisk": return one(ChildRisk.self)
        case "care": return one(CareArrangementKind.self)
        case "referralUnit": return one(ReferralUnit.self)
        case "parentA", "parentB": return one(ParentSituation.self)
        case "childCategory": return one(ChildCategory.self)
        case "surveyItems": return v.split(separator: ",").map { SurveyItem(rawValue: String($0)).map { DoudiServer.label($0, t) } ?? String($0) }.joined(separator: "、")
        case "referralStatus": return one(ReferralStatus.self)
        case "postKind": return one(PostKind.self)
        case "serviceMode": return one(ServiceMode.self)
        case "taskRisk": return one(TaskRisk.self)
        case "assignmentStatus": return one(AssignmentStatus.self)
        case "responseLevel": return one(ResponseLevel.self)
        case "volunteerSkills": return v.split(separator: ",").map { VolunteerSkill(rawValue: String($0)).map { DoudiServer.label($0, t) } ?? String($0) }.joined(separator: "、")
        case "symptoms": return v.split(separator: ",").map { Symptom(rawValue: String($0)).map { DoudiServer.label($0, t) } ?? String($0) }.joined(separator: "、")
        case "guarantees": return v.split(separator: ",").map { Guarantee(rawValue: String($0)).map { DoudiServer.label($0, t) } ?? String($0) }.joined(separator: "、")
        case "key": return one(PolicyKey.self)
        case "kind": return one(CalendarDayKind.self)
        case "value": return one(DayCount.self)
        case "riskKinds": return v.split(separator: ",").map { RiskKind(rawValue: String($0)).map { DoudiServer.label($0, t) } ?? String($0) }.joined(separator: "、")
        case "active", "fit", "dibao", "nearDibao", "extremeHardship", "hardship", "registered", "relativeOfStaff", "spotCheck", "outside":
            return ["1", "true", "yes"].contains(v) ? t.t("yes") : ["0", "false", "no"].contains(v) ? t.t("no") : v
        case "purpose": return t.values["purpose." + v] ?? v
        case "lockedUntil", "until":
            guard let ms = Int64(v), ms > 0 else { return "—" }
            return beijingTime(ms)
        default: return v
        }
    }

    /// lockedUntil → "locked until".
    static func words(_ code: String) -> String {
        var out = ""
        for c in code { if c.isUppercase { out += " " + c.lowercased() } else if c == "_" { out += " " } else { out.append(c) } }
        return out
    }
}
