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
        Schemas.ChildCase(id: c.id, regionCode: c.region.description, childName: c.childName, residentId: c.residentID, birthYear: c.birthDate?.year,
                          birthDate: c.residentID == nil ? c.birthDate?.description : nil,
                          householdId: c.householdID, channel: .init(rawValue: c.channel.rawValue) ?? .director, status: .init(rawValue: c.status.rawValue) ?? .reported,
                          statusZh: c.status.chinese, risk: c.risk.flatMap { .init(rawValue: $0.rawValue) }, reportedBy: c.reportedBy, reportedAt: date(c.reportedAt),
                          acknowledgedAt: c.acknowledgedAt.map(date), situation: c.situation, guardianName: c.guardianName, guardianResidentId: c.guardianResidentID,
                          guardianAbsence: c.guardianAbsence.flatMap { .init(rawValue: $0.rawValue) },
                          category: c.category.flatMap { .init(rawValue: $0.rawValue) }, categoryZh: c.category?.chinese,
                          trackingCode: c.trackingCode, reporterMobile: c.reporterMobile,
                          care: c.care.map { .init(kind: $0.kind.rawValue, kindZh: $0.kind.chinese, carer: $0.carer, from: date($0.from), to: $0.to.map(date)) },
                          referrals: c.referrals.map { r in
                              .init(id: r.id, unit: .init(rawValue: r.unit.rawValue) ?? .school, unitZh: r.unit.chinese, unitName: r.unitName, note: r.note,
                                    status: .init(rawValue: r.status.rawValue) ?? .pending, referredBy: r.referredBy, referredAt: date(r.referredAt),
                                    answeredBy: r.answeredBy, answeredAt: r.answeredAt.map(date), answer: r.answer)
                          },
                          allowance: c.allowance.map { a in
                              .init(kind: .init(rawValue: RollBenefit.child(a.category).rawValue) ?? .orphanAllowance, kindZh: ChildAllowance.name(a.category).zh,
                                    monthlyAmount: a.monthlyAmount, startMonth: a.start.description, endMonth: a.end?.description, approvedOn: a.approvedOn.description,
                                    approvedBy: a.approvedBy, payee: a.payee, bankAccount: a.bankAccount, pledged: a.pledged, papersDue: a.papersDue?.description,
                                    papersOn: a.papersOn?.description, payments: a.payments.map {
                                        .init(month: $0.month.description, months: $0.months, amount: $0.amount, status: .init(rawValue: $0.status.rawValue) ?? .draft)
                                    })
                          },
                          contacts: c.contacts.map { .init(at: date($0.at), note: $0.note, recordedBy: $0.recordedBy) })
    }

    func listChildCases(_ input: Operations.ListChildCases.Input) async throws -> Operations.ListChildCases.Output {
        let a = try caller
        let cases = try await children.cases(by: a.actor, status: input.query.status.flatMap { ChildCaseStatus(rawValue: $0.rawValue) })
        return .ok(.init(body: .json(cases.map(Self.schema))))
    }

    func reportChildCase(_ input: Operations.ReportChildCase.Input) async throws -> Operations.ReportChildCase.Output {
        let a = try caller
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        switch ChildReport(childName: b.childName, residentID: b.residentId ?? "", birthDate: b.birthDate ?? "", regionCode: b.regionCode, situation: b.situation,
                           guardianName: b.guardianName ?? "", guardianResidentID: b.guardianResidentId ?? "", guardianAbsence: b.guardianAbsence ?? "")
            .check(today: clock.today(), guardianRequired: a.role == .healthWorker) {
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

    func actOnChildCase(_ input: Operations.ActOnChildCase.Input) async throws -> Operations.ActOnChildCase.Output {
        let a = try caller
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        let id = input.path.caseId, now = clock.nowMillis()
        let action = ChildAct.Action(rawValue: b.action.rawValue) ?? .contact
        let care = action.arrangesCare ? CarePeriod.parse(kind: b.kind?.rawValue, carer: b.carer, from: b.from.map(Self.millis), to: b.to.map(Self.millis), now: now) : nil
        let assessment = ["parentA": b.parentA, "parentASince": b.parentASince, "parentAUntil": b.parentAUntil, "parentB": b.parentB, "parentBSince": b.parentBSince,
                          "parentBUntil": b.parentBUntil, "judged": b.judged, "birthDate": b.birthDate].compactMapValues(\.self)
        let act = ChildAct(action: action, risk: b.risk?.rawValue, care: care, note: b.note, unit: b.unit, unitName: b.unitName, referral: b.referralId, assessment: assessment,
                           grant: ["payee": b.payee, "bankAccount": b.bankAccount, "papers": b.papers?.rawValue].compactMapValues(\.self))
        do {
            try await act.perform(on: id, store: children, by: a.actor, now: now)
            guard let c = try await children.childCase(id, by: a.actor) else { return .notFound(.init(body: .json(Self.notFound))) }
            return .ok(.init(body: .json(Self.schema(c))))
        } catch let p as ProblemList {
            return .unprocessableContent(.init(body: .json(Self.invalid(p.problems))))
        } catch { return try Self.refusal(error) }
    }

    func getChildFigures(_ input: Operations.GetChildFigures.Input) async throws -> Operations.GetChildFigures.Output {
        let a = try caller
        do {
            let region = input.query.regionCode.flatMap { RegionCode($0) } ?? a.region
            guard let f = try await children.figures(region: region, by: a.actor) else { return .notFound(.init(body: .json(Self.notFound))) }
            func counts<K: CodeNamed>(_ d: [K?: Int]) -> [String: Int] { Dictionary(uniqueKeysWithValues: d.map { ($0.key?.rawValue ?? "none", $0.value) }) }
            return .ok(.init(body: .json(.init(regionCode: f.region.description, rows: f.rows.map { r in
                .init(regionCode: r.region.description, name: r.name, open: r.open, waiting: r.waiting, lateAcknowledgements: r.lateAcknowledgements,
                      byRisk: .init(additionalProperties: counts(Dictionary(uniqueKeysWithValues: r.byRisk.map { (Optional($0.key), $0.value) }))),
                      followUpsOverdue: r.followUpsOverdue, careEnding: r.careEnding)
            }, byCategory: .init(additionalProperties: counts(f.byCategory)), byCare: .init(additionalProperties: counts(f.byCare)),
               allowances: .init(inForce: f.allowances.inForce, monthlyTotal: f.allowances.monthlyTotal, papersWaiting: f.allowances.papersWaiting,
                                 papersOverdue: f.allowances.papersOverdue, sameMonth: f.allowances.sameMonth.sorted { $0.key < $1.key }.map { m, share in
                                     .init(month: m.description, approved: share.approved, paidSameMonth: share.approvedAndPaidSameMonth)
                                 })))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }
}

extension APIHandlers {
    func getChildFigures(_ input: Operations.GetChildFigures.Input) async throws -> Operations.GetChildFigures.Output { try await children.getChildFigures(input) }
    func listChildCases(_ input: Operations.ListChildCases.Input) async throws -> Operations.ListChildCases.Output { try await children.listChildCases(input) }
    func reportChildCase(_ input: Operations.ReportChildCase.Input) async throws -> Operations.ReportChildCase.Output { try await children.reportChildCase(input) }
    func getChildCase(_ input: Operations.GetChildCase.Input) async throws -> Operations.GetChildCase.Output { try await children.getChildCase(input) }
    func actOnChildCase(_ input: Operations.ActOnChildCase.Input) async throws -> Operations.ActOnChildCase.Output { try await children.actOnChildCase(input) }
}

extension Operations.ReportChildCase.Output: StoreRefusals {}
extension Operations.ActOnChildCase.Output: StoreRefusals {}
