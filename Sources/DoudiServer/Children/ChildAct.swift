import DoudiDomain
import DoudiStore

/// One act on a child's case as the case page's forms and the API's body send it: both call `perform`, so a page
/// and its API twin cannot drift apart.
struct ChildAct: Sendable {
    enum Action: String, Sendable, CaseIterable {
        case acknowledge, care, contact, risk, close, refer, acceptReferral, declineReferral, assess, allowance, papers
        var arrangesCare: Bool { self == .acknowledge || self == .care }
    }
    var action: Action
    var risk: String?
    var care: Result<CarePeriod, ProblemList>?
    var note: String?
    /// A referral: the unit's kind and name (with `note`, what it is asked); an answer names the referral.
    var unit: String? = nil
    var unitName: String? = nil
    var referral: Int64? = nil
    /// An assessment: `parentA`, `parentASince`, `parentAUntil`, the same for `parentB`, `judged`, `birthDate`.
    var assessment: [String: String] = [:]
    /// The allowance: `payee`, `bankAccount`, `papers` (complete or pledge).
    var grant: [String: String] = [:]

    static let chooseRisk = Message("请选择风险等级", "choose the risk level")

    func perform(on id: Int64, store: ChildCaseStore, by actor: Actor, now: Int64) async throws {
        func period() throws -> CarePeriod {
            let typed = care ?? CarePeriod.parse(kind: nil, carer: nil, from: nil, to: nil, now: now)
            var p = try typed.get()
            // Care at acknowledgement starts now at the latest: the store counts from that instant.
            if action == .acknowledge { p.from = min(p.from, now) }
            return p
        }
        func level() throws -> ChildRisk {
            guard let r = risk.flatMap(ChildRisk.init(rawValue:)) else { throw ProblemList([FieldProblem("risk", Self.chooseRisk)]) }
            return r
        }
        switch action {
        case .acknowledge:
            // Every problem of the form at once: the risk and the arrangement.
            var problems: [FieldProblem] = []
            if risk.flatMap(ChildRisk.init(rawValue:)) == nil { problems.append(FieldProblem("risk", Self.chooseRisk)) }
            if case .failure(let f) = care ?? CarePeriod.parse(kind: nil, carer: nil, from: nil, to: nil, now: now) { problems += f.problems }
            guard problems.isEmpty else { throw ProblemList(problems) }
            try await store.acknowledge(id, risk: try level(), care: try period(), by: actor)
        case .care: try await store.arrange(id, try period(), by: actor)
        case .contact: try await store.recordContact(id, note: note ?? "", by: actor)
        case .risk: try await store.changeRisk(id, to: try level(), reason: note ?? "", by: actor)
        case .close: try await store.close(id, reason: note ?? "", by: actor)
        case .refer:
            let (kind, name, ask) = try ChildReferral.check(unit: unit, unitName: unitName, note: note).get()
            _ = try await store.refer(id, unit: kind, unitName: name, note: ask, by: actor)
        case .assess:
            var problems: [FieldProblem] = []
            let a = ChildAssessment.parent("parentA", situation: assessment["parentA"], since: assessment["parentASince"], until: assessment["parentAUntil"], &problems)
            let b = ChildAssessment.parent("parentB", situation: assessment["parentB"], since: assessment["parentBSince"], until: assessment["parentBUntil"], &problems)
            let birth = (assessment["birthDate"] ?? "").trimmingSpaces()
            if !birth.isEmpty && CivilDate(birth) == nil { problems.append(FieldProblem("birthDate", .realDay)) }
            guard problems.isEmpty, let a, let b else { throw ProblemList(problems) }
            _ = try await store.assess(id, parentA: a, parentB: b, judged: assessment["judged"], birthDate: CivilDate(birth), by: actor)
        case .allowance:
            try await store.grantAllowance(id, try AllowanceGrant.check(payee: grant["payee"], bankAccount: grant["bankAccount"], papers: grant["papers"]).get(), by: actor)
        case .papers: try await store.completeAllowancePapers(id, by: actor)
        case .acceptReferral, .declineReferral:
            guard let referral else { throw StoreError.notFound }
            try await store.answerReferral(id, referral: referral, accept: action == .acceptReferral, reason: note ?? "", by: actor)
        }
    }
}
