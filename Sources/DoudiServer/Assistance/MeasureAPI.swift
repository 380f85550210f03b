import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation

/// The API twin of the measure pages: the same domain checks and store calls, the same refusals.
struct MeasureAPI: APIPart {
    let measures: MeasureStore
    let clock: Clock

    func recordMeasure(_ input: Operations.RecordMeasure.Input) async throws -> Operations.RecordMeasure.Output {
        let a = try caller
        guard case .json(let b) = input.body, let service = ServiceKind(rawValue: b.service.rawValue) else {
            return .badRequest(.init(body: .json(Self.jsonExpected)))
        }
        // The role first: a request its role can never make is 403 whatever its fields.
        guard a.role.may(.handleCases) else { return .forbidden(.init(body: .json(Self.forbidden))) }
        let m: MeasureInput
        switch MeasureInput.parse(service: service.rawValue, startOn: b.startOn, endOn: b.endOn, amount: b.amount.map(String.init), goods: b.goods, note: b.note) {
        case .failure(let p): return .unprocessableContent(.init(body: .json(Self.invalid(p.problems))))
        case .success(let v): m = v
        }
        do {
            let id = try await measures.record(case: input.path.id, m, referTo: b.referTo.flatMap { Department(rawValue: $0.rawValue) }, by: a.actor, today: clock.today())
            guard let d = try await measures.measure(id, by: a.actor) else { return .notFound(.init(body: .json(Self.notFound))) }
            return .created(.init(body: .json(Self.schema(d))))
        } catch { return try Self.refusal(error) }
    }

    func listMeasures(_ input: Operations.ListMeasures.Input) async throws -> Operations.ListMeasures.Output {
        let a = try caller
        let q = input.query
        let filter = MeasureStore.Filter(service: q.service.flatMap { ServiceKind(rawValue: $0.rawValue) }, unit: q.unit.flatMap { Department(rawValue: $0.rawValue) },
                                         status: q.status.flatMap { MeasureStatus(rawValue: $0.rawValue) })
        do {
            let page = try await measures.measures(by: a.actor, filter, limit: q.limit ?? 50, offset: q.offset ?? 0)
            return .ok(.init(body: .json(.init(total: page.total, measures: page.measures.map(Self.schema)))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func listMissingMeasures(_ input: Operations.ListMissingMeasures.Input) async throws -> Operations.ListMissingMeasures.Output {
        let a = try caller
        let q = input.query
        do {
            let all = try await measures.missing(by: a.actor, today: clock.today())
            let page = Self.window(all, offset: q.offset, limit: q.limit)
            return .ok(.init(body: .json(.init(total: all.count, households: page.map { m in
                .init(householdId: m.householdID, headName: m.headName, regionCode: m.region.description, identifiedOn: m.identifiedOn.description,
                      due: m.due.description, riskKinds: m.riskKinds.map(\.rawValue), caseId: m.caseID)
            }))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func getMeasure(_ input: Operations.GetMeasure.Input) async throws -> Operations.GetMeasure.Output {
        let a = try caller
        do {
            guard let d = try await measures.measure(input.path.id, by: a.actor) else { return .notFound(.init(body: .json(Self.notFound))) }
            return .ok(.init(body: .json(Self.schema(d))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func moveMeasure(_ input: Operations.MoveMeasure.Input) async throws -> Operations.MoveMeasure.Output {
        let a = try caller
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        do {
            switch MeasureMove.parse(b.move.rawValue, to: b.to?.rawValue, note: b.note) {
            case .failure(let p):
                // The role first: a request its role can never make is 403 whatever its fields.
                _ = try await measures.measure(input.path.id, by: a.actor)
                return .unprocessableContent(.init(body: .json(Self.invalid([p]))))
            case .success(let move):
                try await measures.move(input.path.id, move, by: a.actor, today: clock.today())
            }
            guard let d = try await measures.measure(input.path.id, by: a.actor) else { return .notFound(.init(body: .json(Self.notFound))) }
            return .ok(.init(body: .json(Self.schema(d))))
        } catch { return try Self.refusal(error) }
    }

    static func schema(_ m: MeasureStore.Measure) -> Schemas.Measure {
        Schemas.Measure(id: m.id, caseId: m.caseID, householdId: m.householdID, headName: m.headName, regionCode: m.region.description,
                        service: .init(rawValue: m.service.rawValue) ?? .living, unit: .init(rawValue: m.state.unit.rawValue) ?? .civilAffairs,
                        referredTo: m.referredTo.flatMap { .init(rawValue: $0.rawValue) }, status: .init(rawValue: m.state.status.rawValue) ?? .inProgress,
                        startOn: m.startOn.description, endOn: m.endOn?.description, amount: m.amount, goods: m.goods, note: m.note, result: m.result)
    }

    static func schema(_ d: (MeasureStore.Measure, [CaseStore.Event])) -> Schemas.MeasureDetail {
        Schemas.MeasureDetail(measure: schema(d.0), events: d.1.map { e in
            .init(onDay: e.onDay.description, action: .init(rawValue: e.action) ?? .measureRecorded, note: e.note, actor: e.actor)
        })
    }
}

extension Operations.RecordMeasure.Output: StoreRefusals {}
extension Operations.MoveMeasure.Output: StoreRefusals {}

extension APIHandlers {
    func recordMeasure(_ input: Operations.RecordMeasure.Input) async throws -> Operations.RecordMeasure.Output { try await measures.recordMeasure(input) }
    func listMeasures(_ input: Operations.ListMeasures.Input) async throws -> Operations.ListMeasures.Output { try await measures.listMeasures(input) }
    func listMissingMeasures(_ input: Operations.ListMissingMeasures.Input) async throws -> Operations.ListMissingMeasures.Output {
        try await measures.listMissingMeasures(input)
    }
    func getMeasure(_ input: Operations.GetMeasure.Input) async throws -> Operations.GetMeasure.Output { try await measures.getMeasure(input) }
    func moveMeasure(_ input: Operations.MoveMeasure.Input) async throws -> Operations.MoveMeasure.Output { try await measures.moveMeasure(input) }
}
