import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation
import OpenAPIRuntime

/// Identification, roster and clearing (R-MON-7/9/10), policy parameters, roll-up and dashboard in the JSON API.
extension APIHandlers {
    static func episode(_ e: EpisodeSummary) -> Schemas.Episode {
        Schemas.Episode(id: e.id, householdId: e.householdID, headName: e.headName, regionCode: e.regionCode.description, leadId: e.leadID,
                        previousEpisodeId: e.previousID, monitoringType: e.monitoringType, riskKinds: e.kinds.map(\.rawValue), status: e.status,
                        procedure: e.procedureKind, step: e.step, stepActor: e.step.flatMap(ProcedureStep.init(rawValue:))?.actor.rawValue,
                        startedOn: e.startedOn.description, foundOn: e.foundOn.description, noticeFrom: e.noticeFrom?.description,
                        noticeTo: e.noticeTo?.description, identifiedOn: e.identifiedOn?.description, clearedOn: e.clearedOn?.description)
    }

    static func detail(_ d: EpisodeDetail, today: CivilDate) -> Schemas.EpisodeDetail {
        Schemas.EpisodeDetail(
            episode: episode(d.episode), stepDue: d.episode.stepDue?.description, overdue: d.episode.overdue(today: today),
            events: d.events.map { .init(at: Date(timeIntervalSince1970: Double($0.at) / 1000), day: $0.onDay.description, procedure: $0.procedureKind,
                                         step: $0.step, action: $0.action, note: $0.note, actor: $0.actor) },
            objections: d.objections.map { .init(id: $0.id, raisedOn: $0.raisedOn.description, text: $0.text, status: $0.status, resolution: $0.resolution) })
    }

    func listEpisodes(_ input: Operations.ListEpisodes.Input) async throws -> Operations.ListEpisodes.Output {
        let a = try caller
        var statuses: [EpisodeStatus] = []
        for s in (input.query.status ?? "").split(separator: ",") {
            guard let v = EpisodeStatus(rawValue: String(s)) else {
                return .badRequest(.init(body: .json(Self.error("badRequest", EpisodeStatus.problem(field: "status", text: String(s)).message, field: "status"))))
            }
            statuses.append(v)
        }
        do {
            let list = try await services.episodes.episodes(by: a.actor, statuses: statuses, householdID: input.query.householdId)
            return .ok(.init(body: .json(list.map(Self.episode))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func getEpisode(_ input: Operations.GetEpisode.Input) async throws -> Operations.GetEpisode.Output {
        let a = try caller
        do {
            guard let d = try await services.episodes.detail(input.path.episodeId, by: a.actor) else { return .notFound(.init(body: .json(Self.notFound))) }
            return .ok(.init(body: .json(Self.detail(d, today: services.clock.today()))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    /// The episode after a change, as `getEpisode` shows it.
    func episodeAfter<O: StoreRefusals>(_ id: Int64, by a: UserStore.Account, ok: (Schemas.EpisodeDetail) -> O) async throws -> O {
        guard let d = try await services.episodes.detail(id, by: a.actor) else { return .notFound(.init(body: .json(Self.notFound))) }
        return ok(Self.detail(d, today: services.clock.today()))
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
            try await services.episodes.act(input.path.episodeId, action, by: a.actor)
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
            try await services.episodes.proposeClearing(input.path.episodeId, criteria: criteria, by: a.actor)
            return try await episodeAfter(input.path.episodeId, by: a) { .ok(.init(body: .json($0))) }
        } catch { return try Self.refusal(error) }
    }

    func getNotice(_ input: Operations.GetNotice.Input) async throws -> Operations.GetNotice.Output {
        let a = try caller
        do {
            guard let n = try await services.episodes.notice(input.path.episodeId, by: a.actor) else { return .notFound(.init(body: .json(Self.notFound))) }
            return .ok(.init(body: .json(.init(kind: n.kind.rawValue, headName: n.headName, village: n.village, monitoringType: n.monitoringType.rawValue,
                                               riskKinds: n.riskKinds.map(\.rawValue), from: n.from.description, to: n.to.description))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func getPolicy(_ input: Operations.GetPolicy.Input) async throws -> Operations.GetPolicy.Output {
        let a = try caller
        let region = input.query.region.flatMap { RegionCode($0) } ?? a.actor.region
        let year = input.query.year ?? services.clock.today().year
        guard a.actor.region.contains(region) else { return .forbidden(.init(body: .json(Self.forbidden))) }
        do {
            let settings = try await services.policy.settings(by: a.actor)
            let p = Policy.resolve(region: region, year: year, settings: settings)
            let sources = p.sources
            return .ok(.init(body: .json(.init(
                region: region.description, year: year,
                values: PolicyKey.allCases.compactMap { k in
                    guard let v = p.values[k], let s = sources[k] else { return nil }
                    return .init(key: k.rawValue, value: v, fromRegion: s.region.description, fromYear: s.year)
                },
                settings: settings.map { .init(region: $0.region.description, year: $0.year, key: $0.key.rawValue, value: $0.value) }))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func setPolicy(_ input: Operations.SetPolicy.Input) async throws -> Operations.SetPolicy.Output {
        let a = try caller
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        guard let key = PolicyKey(rawValue: b.key) else {
            return .unprocessableContent(.init(body: .json(Self.invalid([PolicyKey.problem(field: "key", text: b.key)]))))
        }
        guard let region = b.region == RegionCode.country.description ? RegionCode.country : RegionCode(b.region) else {
            return .unprocessableContent(.init(body: .json(Self.invalid([FieldProblem("region", Message("区划代码应为12位数字", "a region code has 12 digits"))]))))
        }
        do {
            try await services.policy.set(region: region, year: b.year, key: key, value: b.value, by: a.actor)
            return .noContent(.init())
        } catch StoreError.forbidden {
            return .forbidden(.init(body: .json(Self.forbidden)))
        } catch StoreError.invalid(let p) {
            return .unprocessableContent(.init(body: .json(Self.invalid(p))))
        }
    }

    /// Counts keyed by an enumeration, as the document's string-keyed objects.
    static func byName<K: RawRepresentable>(_ counts: [K: Int]) -> [String: Int] where K.RawValue == String {
        Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })
    }

    static func row(_ r: Rollup.Row) -> Schemas.RollupRow {
        Schemas.RollupRow(regionCode: r.region.description, name: r.name, new: r.new,
                          byChannel: .init(additionalProperties: Self.byName(r.byChannel)),
                          byKind: .init(additionalProperties: Self.byName(r.byKind)),
                          backlog: r.backlog, overdue: r.overdue)
    }

    func getRollup(_ input: Operations.GetRollup.Input) async throws -> Operations.GetRollup.Output {
        let a = try caller
        var day = services.clock.today()
        if let text = input.query.day {
            guard let d = CivilDate(text) else {
                return .badRequest(.init(body: .json(Self.error("badRequest", Message("日期应为YYYY-MM-DD", "a day is written YYYY-MM-DD"), field: "day"))))
            }
            day = d
        }
        do {
            let r = try await services.reports.rollup(by: a.actor, day: day)
            return .ok(.init(body: .json(.init(day: r.day.description, villages: r.villages.map(Self.row), townships: r.townships.map(Self.row), total: Self.row(r.total)))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func getDashboard(_ input: Operations.GetDashboard.Input) async throws -> Operations.GetDashboard.Output {
        let a = try caller
        var region: RegionCode?
        if let text = input.query.region {
            guard let r = RegionCode(text) else {
                return .badRequest(.init(body: .json(Self.error("badRequest", Message("区划代码应为12位数字", "a region code has 12 digits"), field: "region"))))
            }
            region = r
        }
        do {
            let d = try await services.reports.dashboard(by: a.actor, region: region)
            func counts(_ c: [Dashboard.Count]) -> [Schemas.CountRow] { c.map { .init(key: $0.key, label: $0.label, count: $0.count) } }
            return .ok(.init(body: .json(.init(
                regionCode: d.region.description, monitored: d.monitored, identifying: d.identifying, clearing: d.clearing,
                byType: counts(d.byType), byKind: counts(d.byKind), byChildRegion: counts(d.byChildRegion),
                leadsPerDay: d.leadsPerDay.map { .init(day: $0.day.description, byChannel: .init(additionalProperties: Self.byName($0.byChannel))) },
                overdueVerifications: d.overdueVerifications.count, overdueSteps: d.overdueSteps.count))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }
}
