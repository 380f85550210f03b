import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation

/// The lead queue, the public self-report, the hotline and visits, verification.
struct LeadAPI: APIPart {
    let leads: LeadStore
    let children: ChildCaseStore
    let limits: PublicLimits
    let clock: Clock

    func submitSelfReport(_ input: Operations.SubmitSelfReport.Input) async throws -> Operations.SubmitSelfReport.Output {
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        let report = SelfReport(name: b.name, residentID: b.residentId, mobile: b.mobile, regionCode: b.regionCode, riskKinds: b.riskKinds,
                                description: b.description ?? "", consent: b.consent)
        switch try await limits.submit(report, from: ClientAddress.current, leads: leads, today: clock.today()) {
        case .created(let code): return .created(.init(body: .json(.init(trackingCode: code))))
        case .invalid(let p): return .unprocessableContent(.init(body: .json(Self.invalid(p))))
        case .tooMany: return .tooManyRequests(.init(body: .json(Self.tooMany)))
        }
    }

    func getSelfReportStatus(_ input: Operations.GetSelfReportStatus.Input) async throws -> Operations.GetSelfReportStatus.Output {
        switch try await limits.lookUp(code: input.path.trackingCode, mobile: input.query.mobile, from: ClientAddress.current, leads: leads, children: children) {
        case .found(let found):
            return .ok(.init(body: .json(.init(status: found.code, statusZh: found.words.zh, receivedOn: found.receivedOn.description,
                                               nextStepZh: found.nextStep.zh, nextStepEn: found.nextStep.en, place: found.place, contactPhone: found.contact))))
        case .notFound: return .notFound(.init(body: .json(Self.error("notFound", Message("查询码或手机号码不正确", "wrong tracking code or mobile number")))))
        case .tooMany: return .tooManyRequests(.init(body: .json(Self.tooMany)))
        }
    }

    func listLeads(_ input: Operations.ListLeads.Input) async throws -> Operations.ListLeads.Output {
        let a = try caller
        var status: LeadStatus?
        if let s = input.query.status {
            guard let v = LeadStatus(rawValue: s) else {
                return .badRequest(.init(body: .json(Self.error("badRequest", LeadStatus.problem(field: "status", text: s).message, field: "status"))))
            }
            status = v
        }
        let q = input.query
        guard q.channel.map({ LeadChannel(rawValue: $0) != nil }) ?? true else {
            return .badRequest(.init(body: .json(Self.error("badRequest", LeadChannel.problem(field: "channel", text: q.channel ?? "").message, field: "channel"))))
        }
        guard q.regionCode.map({ RegionCode($0) != nil }) ?? true else {
            return .badRequest(.init(body: .json(Self.error("badRequest", .regionCodeDigits, field: "regionCode"))))
        }
        do {
            let today = clock.today()
            let page = try await leads.queue(by: a.actor, LeadQuery(status: status, channel: q.channel.flatMap(LeadChannel.init(rawValue:)), region: q.regionCode.flatMap { RegionCode($0) },
                                                                   text: q.q ?? "", overdue: q.overdue ?? false, sort: q.sort.flatMap { LeadQuery.Sort(rawValue: $0.rawValue) } ?? .newest,
                                                                   limit: q.limit ?? 100, offset: q.offset ?? 0), today: today)
            return .ok(.init(headers: .init(xTotalCount: page.total), body: .json(page.items.map { l in
                Schemas.Lead(id: l.id, channel: l.channel.rawValue, status: l.status.rawValue, regionCode: l.region.description,
                             householdId: l.householdID, registered: l.registered, residentIdMasked: Masking.residentID(l.residentID), name: l.name,
                             mobileMasked: Masking.phone(l.mobile), riskKinds: l.riskKinds.map(\.rawValue),
                             description: l.description, details: l.details.isEmpty ? nil : l.details, monitoringType: l.monitoringType?.rawValue,
                             verifyBy: l.verification.due(createdOn: l.createdOn).description,
                             escalation: l.isOpen ? l.verification.escalation(createdOn: l.createdOn, today: today).rawValue : nil,
                             createdAt: Date(timeIntervalSince1970: Double(l.createdAt) / 1000))
            })))
        } catch StoreError.forbidden {
            return .forbidden(.init(body: .json(Self.forbidden)))
        }
    }

    func recordHotlineCall(_ input: Operations.RecordHotlineCall.Input) async throws -> Operations.RecordHotlineCall.Output {
        let a = try caller
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        let call = HotlineCall(caller: b.caller, callbackNumber: b.callbackNumber, residentID: b.residentId, name: b.name, regionCode: b.regionCode,
                               riskKinds: b.riskKinds, notes: b.notes ?? "")
        switch call.check(today: clock.today()) {
        case .failure(let p): return .unprocessableContent(.init(body: .json(Self.invalid(p.problems))))
        case .success(let checked):
            do {
                return .created(.init(body: .json(.init(trackingCode: try await leads.recordCall(checked, by: a.actor)))))
            } catch StoreError.forbidden {
                return .forbidden(.init(body: .json(Self.forbidden)))
            } catch StoreError.invalid(let p) {
                return .unprocessableContent(.init(body: .json(Self.invalid(p))))
            }
        }
    }

    func recordVisit(_ input: Operations.RecordVisit.Input) async throws -> Operations.RecordVisit.Output {
        let a = try caller
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        let visit = Visit(date: b.date, findings: b.findings, riskKinds: b.riskKinds ?? [], hardship: b.hardship, met: b.met ?? "", needs: b.needs ?? "", key: b.key)
        do {
            let code = try await VisitIntake.record(visit, uploads: (b.photos ?? []).map { Data(base64Encoded: $0, options: .ignoreUnknownCharacters).map(Array.init) ?? [] }, household: input.path.householdId, by: a.actor,
                                                    leads: leads, today: clock.today())
            return .created(.init(body: .json(.init(leadTrackingCode: code))))
        } catch let p as ProblemList {
            return .unprocessableContent(.init(body: .json(Self.invalid(p.problems))))
        } catch { return try Self.refusal(error) }
    }

    func listVisits(_ input: Operations.ListVisits.Input) async throws -> Operations.ListVisits.Output {
        let a = try caller
        do {
            let visits = try await leads.visits(household: input.path.householdId, by: a.actor, limit: input.query.limit ?? 10)
            return .ok(.init(body: .json(visits.map {
                .init(id: $0.id, date: $0.date.description, by: $0.actor, met: $0.met, findings: $0.findings, needs: $0.needs, hardship: $0.hardship, photoIds: $0.photos)
            })))
        } catch StoreError.notFound { return .notFound(.init(body: .json(Self.notFound))) } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func getVisitPhoto(_ input: Operations.GetVisitPhoto.Input) async throws -> Operations.GetVisitPhoto.Output {
        let a = try caller
        do {
            guard let bytes = try await leads.visitPhoto(input.path.photoId, thumbnail: input.query.size == .small, by: a.actor) else {
                return .notFound(.init(body: .json(Self.notFound)))
            }
            return .ok(.init(body: .jpeg(.init(bytes))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func verifyLead(_ input: Operations.VerifyLead.Input) async throws -> Operations.VerifyLead.Output {
        let a = try caller
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        switch LeadDecision.parse(decision: b.decision, monitoringType: b.monitoringType, riskKinds: b.riskKinds ?? [], reason: b.reason, mergeInto: b.mergeInto) {
        case .failure(let p): return .unprocessableContent(.init(body: .json(Self.invalid(p.problems))))
        case .success(let decision):
            do {
                try await leads.verify(leadID: input.path.leadId, decision: decision, by: a.actor)
                return .noContent(.init())
            } catch { return try Self.refusal(error) }
        }
    }
}

/// The operations of this capability, as the generated protocol names them.
extension APIHandlers {
    func submitSelfReport(_ input: Operations.SubmitSelfReport.Input) async throws -> Operations.SubmitSelfReport.Output { try await leads.submitSelfReport(input) }
    func getSelfReportStatus(_ input: Operations.GetSelfReportStatus.Input) async throws -> Operations.GetSelfReportStatus.Output { try await leads.getSelfReportStatus(input) }
    func listLeads(_ input: Operations.ListLeads.Input) async throws -> Operations.ListLeads.Output { try await leads.listLeads(input) }
    func recordHotlineCall(_ input: Operations.RecordHotlineCall.Input) async throws -> Operations.RecordHotlineCall.Output { try await leads.recordHotlineCall(input) }
    func recordVisit(_ input: Operations.RecordVisit.Input) async throws -> Operations.RecordVisit.Output { try await leads.recordVisit(input) }
    func verifyLead(_ input: Operations.VerifyLead.Input) async throws -> Operations.VerifyLead.Output { try await leads.verifyLead(input) }
    func listVisits(_ input: Operations.ListVisits.Input) async throws -> Operations.ListVisits.Output { try await leads.listVisits(input) }
    func getVisitPhoto(_ input: Operations.GetVisitPhoto.Input) async throws -> Operations.GetVisitPhoto.Output { try await leads.getVisitPhoto(input) }
}

extension Operations.RecordVisit.Output: StoreRefusals {}

