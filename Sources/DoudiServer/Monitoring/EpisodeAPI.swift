import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation

/// The roster, the case file and its procedure, the village notice.
struct EpisodeAPI: APIPart {
    let episodes: EpisodeStore
    let clock: Clock

    func listEpisodes(_ input: Operations.ListEpisodes.Input) async throws -> Operations.ListEpisodes.Output {
        let a = try caller
        var statuses: [EpisodeStatus] = []
        for s in (input.query.status ?? "").split(separator: ",") {
            guard let v = EpisodeStatus(rawValue: String(s)) else {
                return .badRequest(.init(body: .json(Self.error("badRequest", EpisodeStatus.problem(field: "status", text: String(s)).message, field: "status"))))
            }
            statuses.append(v)
        }
        let q = input.query
        guard q.regionCode.map({ RegionCode($0) != nil }) ?? true else {
            return .badRequest(.init(body: .json(Self.error("badRequest", .regionCodeDigits, field: "regionCode"))))
        }
        let query = EpisodeQuery(statuses: statuses, step: q.step.flatMap { ProcedureStep(rawValue: $0.rawValue) },
                                 type: q.monitoringType.flatMap { MonitoringType(rawValue: $0.rawValue) }, region: q.regionCode.flatMap { RegionCode($0) },
                                 text: q.q ?? "", householdID: q.householdId, overdue: q.overdue ?? false,
                                 sort: q.sort.flatMap { EpisodeQuery.Sort(rawValue: $0.rawValue) } ?? .newest, limit: q.limit ?? 500, offset: q.offset ?? 0)
        do {
            let page = try await episodes.list(by: a.actor, query, today: clock.today())
            return .ok(.init(headers: .init(xTotalCount: page.total), body: .json(page.items.map(Self.episode))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func getEpisode(_ input: Operations.GetEpisode.Input) async throws -> Operations.GetEpisode.Output {
        let a = try caller
        do {
            guard let d = try await episodes.detail(input.path.episodeId, by: a.actor) else { return .notFound(.init(body: .json(Self.notFound))) }
            return .ok(.init(body: .json(Self.detail(d, today: clock.today()))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func actOnEpisode(_ input: Operations.ActOnEpisode.Input) async throws -> Operations.ActOnEpisode.Output {
        let a = try caller
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        let action: ProcedureAction
        switch ProcedureAction.parse(action: b.action, note: b.note, reason: b.reason, from: b.from, to: b.to, text: b.text, objectionID: b.objectionId, upheld: b.upheld) {
        case .failure(let p): return .unprocessableContent(.init(body: .json(Self.invalid(p.problems))))
        case .success(let v): action = v
        }
        do {
            try await episodes.act(input.path.episodeId, action, by: a.actor)
            return try await episodeAfter(input.path.episodeId, by: a) { .ok(.init(body: .json($0))) }
        } catch { return try Self.refusal(error) }
    }

    func proposeClearing(_ input: Operations.ProposeClearing.Input) async throws -> Operations.ProposeClearing.Output {
        let a = try caller
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        let criteria = ClearingCriteria(monthlyIncome: b.monthlyIncome, food: b.food, clothing: b.clothing, education: b.education, medical: b.medical,
                                        housing: b.housing, drinkingWater: b.drinkingWater, rigidExpensesResolved: b.rigidExpensesResolved,
                                        risksRemoved: b.risksRemoved, noNewRisk: b.noNewRisk)
        do {
            try await episodes.proposeClearing(input.path.episodeId, criteria: criteria, by: a.actor)
            return try await episodeAfter(input.path.episodeId, by: a) { .ok(.init(body: .json($0))) }
        } catch { return try Self.refusal(error) }
    }

    func getNotice(_ input: Operations.GetNotice.Input) async throws -> Operations.GetNotice.Output {
        let a = try caller
        do {
            guard let n = try await episodes.notice(input.path.episodeId, by: a.actor) else { return .notFound(.init(body: .json(Self.notFound))) }
            return .ok(.init(body: .json(.init(kind: n.kind.rawValue, headName: n.headName, village: n.village, monitoringType: n.monitoringType.rawValue,
                                               riskKinds: n.riskKinds.map(\.rawValue), from: n.from.description, to: n.to.description))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    static func episode(_ e: EpisodeSummary) -> Schemas.Episode {
        Schemas.Episode(id: e.id, householdId: e.householdID, headName: e.headName, regionCode: e.regionCode.description, leadId: e.leadID,
                        previousEpisodeId: e.previousID, monitoringType: e.monitoringType.rawValue, riskKinds: e.riskKinds.map(\.rawValue), status: e.status.rawValue,
                        procedure: e.procedureKind?.rawValue, step: e.step?.rawValue, stepActor: e.step?.actor.rawValue, stepDue: e.stepDue?.description,
                        startedOn: e.startedOn.description, foundOn: e.foundOn.description, noticeFrom: e.noticeFrom?.description,
                        noticeTo: e.noticeTo?.description, identifiedOn: e.identifiedOn?.description, clearedOn: e.clearedOn?.description)
    }

    static func detail(_ d: EpisodeDetail, today: CivilDate) -> Schemas.EpisodeDetail {
        Schemas.EpisodeDetail(
            episode: episode(d.episode), stepDue: d.episode.stepDue?.description, overdue: d.episode.overdue(today: today),
            events: d.events.map { .init(at: Date(timeIntervalSince1970: Double($0.at) / 1000), day: $0.onDay.description, procedure: $0.procedureKind?.rawValue,
                                         step: $0.step?.rawValue, action: $0.action.rawValue, note: $0.note, actor: $0.actor) },
            objections: d.objections.map { .init(id: $0.id, raisedOn: $0.raisedOn.description, text: $0.text, status: $0.status.rawValue, resolution: $0.resolution) })
    }

    /// The episode after a change, as `getEpisode` shows it.
    func episodeAfter<O: StoreRefusals>(_ id: Int64, by a: UserStore.Account, ok: (Schemas.EpisodeDetail) -> O) async throws -> O {
        guard let d = try await episodes.detail(id, by: a.actor) else { return .notFound(.init(body: .json(Self.notFound))) }
        return ok(Self.detail(d, today: clock.today()))
    }
}

/// The operations of this capability, as the generated protocol names them.
extension APIHandlers {
    func listEpisodes(_ input: Operations.ListEpisodes.Input) async throws -> Operations.ListEpisodes.Output { try await episodes.listEpisodes(input) }
    func getEpisode(_ input: Operations.GetEpisode.Input) async throws -> Operations.GetEpisode.Output { try await episodes.getEpisode(input) }
    func actOnEpisode(_ input: Operations.ActOnEpisode.Input) async throws -> Operations.ActOnEpisode.Output { try await episodes.actOnEpisode(input) }
    func proposeClearing(_ input: Operations.ProposeClearing.Input) async throws -> Operations.ProposeClearing.Output { try await episodes.proposeClearing(input) }
    func getNotice(_ input: Operations.GetNotice.Input) async throws -> Operations.GetNotice.Output { try await episodes.getNotice(input) }
}
