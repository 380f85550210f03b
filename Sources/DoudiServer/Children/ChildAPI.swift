import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation

/// Children left without a guardian (issue 15): the cases, each seen only by those `ChildAccess` names.
struct ChildAPI: APIPart {
    let children: ChildCaseStore
    let clock: Clock

    static func date(_ ms: Int64) -> Date { Date(timeIntervalSince1970: Double(ms) / 1000) }
    static func millis(_ d: Date) -> Int64 { Int64((d.timeIntervalSince1970 * 1000).rounded()) }

    static func schema(_ c: ChildCase) -> Schemas.ChildCase {
        Schemas.ChildCase(id: c.id, regionCode: c.region.description, childName: c.childName, residentId: c.residentID, birthDate: c.birthDate?.description,
                          householdId: c.householdID, channel: .init(rawValue: c.channel.rawValue) ?? .director, status: .init(rawValue: c.status.rawValue) ?? .reported,
                          statusZh: c.status.chinese, risk: c.risk.flatMap { .init(rawValue: $0.rawValue) }, reportedBy: c.reportedBy, reportedAt: date(c.reportedAt),
                          acknowledgedAt: c.acknowledgedAt.map(date), situation: c.situation,
                          care: c.care.map { .init(kind: $0.kind.rawValue, kindZh: $0.kind.chinese, carer: $0.carer, from: date($0.from), to: $0.to.map(date)) })
    }

    func listChildCases(_ input: Operations.ListChildCases.Input) async throws -> Operations.ListChildCases.Output {
        let a = try caller
        let cases = try await children.cases(by: a.actor, status: input.query.status.flatMap { ChildCaseStatus(rawValue: $0.rawValue) })
        return .ok(.init(body: .json(cases.map(Self.schema))))
    }

    func reportChildCase(_ input: Operations.ReportChildCase.Input) async throws -> Operations.ReportChildCase.Output {
        let a = try caller
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        switch ChildReport(childName: b.childName, residentID: b.residentId ?? "", birthDate: b.birthDate ?? "", regionCode: b.regionCode, situation: b.situation)
            .check(today: clock.today()) {
        case .failure(let p): return .unprocessableContent(.init(body: .json(Self.invalid(p.problems))))
        case .success(let report):
            do {
                let id = try await children.report(report, by: a.actor)
                guard let c = try await children.childCase(id, by: a.actor) else { return .notFound(.init(body: .json(Self.notFound))) }
                return .created(.init(body: .json(Self.schema(c))))
            } catch { return try Self.refusal(error) }
        }
    }

    func getChildCase(_ input: Operations.GetChildCase.Input) async throws -> Operations.GetChildCase.Output {
        let a = try caller
        guard let c = try await children.childCase(input.path.caseId, by: a.actor) else { return .notFound(.init(body: .json(Self.notFound))) }
        return .ok(.init(body: .json(Self.schema(c))))
    }

    static let carerMessage = Message("请填写照料人或机构（不超过50个字）", "enter the carer or the agency, at most 50 characters")
    static let riskMessage = Message("请选择风险等级", "choose the risk level")

    func actOnChildCase(_ input: Operations.ActOnChildCase.Input) async throws -> Operations.ActOnChildCase.Output {
        let a = try caller
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        let id = input.path.caseId, now = clock.nowMillis()
        func care() throws -> CarePeriod {
            let carer = (b.carer ?? "").trimmingSpaces()
            guard let kind = b.kind.flatMap({ CareArrangementKind(rawValue: $0.rawValue) }) else {
                throw StoreError.invalid([FieldProblem("kind", Message("请选择照料方式", "choose how the child is cared for"))])
            }
            guard !carer.isEmpty, carer.count <= 50 else { throw StoreError.invalid([FieldProblem("carer", Self.carerMessage)]) }
            let from = b.from.map(Self.millis) ?? now, to = b.to.map(Self.millis)
            if let to, to <= from { throw StoreError.invalid([FieldProblem("to", Message("结束时间应晚于开始时间", "the end comes after the start"))]) }
            return CarePeriod(kind: kind, carer: carer, from: min(from, b.action == .acknowledge ? now : from), to: to)
        }
        func risk() throws -> ChildRisk {
            guard let r = b.risk.flatMap({ ChildRisk(rawValue: $0.rawValue) }) else { throw StoreError.invalid([FieldProblem("risk", Self.riskMessage)]) }
            return r
        }
        do {
            switch b.action {
            case .acknowledge: try await children.acknowledge(id, risk: try risk(), care: try care(), by: a.actor)
            case .care: try await children.arrange(id, try care(), by: a.actor)
            case .contact: try await children.recordContact(id, note: b.note ?? "", by: a.actor)
            case .risk: try await children.changeRisk(id, to: try risk(), reason: b.note ?? "", by: a.actor)
            case .close: try await children.close(id, reason: b.note ?? "", by: a.actor)
            }
            guard let c = try await children.childCase(id, by: a.actor) else { return .notFound(.init(body: .json(Self.notFound))) }
            return .ok(.init(body: .json(Self.schema(c))))
        } catch { return try Self.refusal(error) }
    }
}

extension APIHandlers {
    func listChildCases(_ input: Operations.ListChildCases.Input) async throws -> Operations.ListChildCases.Output { try await children.listChildCases(input) }
    func reportChildCase(_ input: Operations.ReportChildCase.Input) async throws -> Operations.ReportChildCase.Output { try await children.reportChildCase(input) }
    func getChildCase(_ input: Operations.GetChildCase.Input) async throws -> Operations.GetChildCase.Output { try await children.getChildCase(input) }
    func actOnChildCase(_ input: Operations.ActOnChildCase.Input) async throws -> Operations.ActOnChildCase.Output { try await children.actOnChildCase(input) }
}

extension Operations.ReportChildCase.Output: StoreRefusals {}
extension Operations.ActOnChildCase.Output: StoreRefusals {}
