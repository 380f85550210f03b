import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation

/// The API twin of the case pages: the same store calls, the same refusals.
struct CaseAPI: APIPart {
    let cases: CaseStore
    let clock: Clock

    func listCases(_ input: Operations.ListCases.Input) async throws -> Operations.ListCases.Output {
        let a = try caller
        let q = input.query
        let filter = CaseStore.Filter(step: q.step.flatMap { CaseStep(rawValue: $0.rawValue) }, status: q.status.flatMap { CaseStatus(rawValue: $0.rawValue) } ?? .open,
                                      overdue: q.overdue ?? false, householdID: q.householdId)
        do {
            let today = clock.today()
            let page = try await cases.cases(by: a.actor, filter, today: today, limit: q.limit ?? 50, offset: q.offset ?? 0)
            return .ok(.init(body: .json(.init(total: page.total, cases: page.cases.map { Self.schema($0, today) }))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func openCase(_ input: Operations.OpenCase.Input) async throws -> Operations.OpenCase.Output {
        let a = try caller
        guard case .json(let b) = input.body, let origin = CaseOrigin(rawValue: b.origin.rawValue) else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        do {
            let id = try await cases.open(household: b.householdId, origin: origin, applicationID: b.applicationId, note: b.note, by: a.actor, today: clock.today())
            guard let d = try await cases.detail(id, by: a.actor) else { return .notFound(.init(body: .json(Self.notFound))) }
            return .created(.init(body: .json(Self.schema(d, clock.today()))))
        } catch { return try Self.refusal(error) }
    }

    func getCase(_ input: Operations.GetCase.Input) async throws -> Operations.GetCase.Output {
        let a = try caller
        do {
            guard let d = try await cases.detail(input.path.id, by: a.actor) else { return .notFound(.init(body: .json(Self.notFound))) }
            return .ok(.init(body: .json(Self.schema(d, clock.today()))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func moveCase(_ input: Operations.MoveCase.Input) async throws -> Operations.MoveCase.Output {
        let a = try caller
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        let move: CaseMove
        switch b.move {
        case .advance: move = .advance(note: b.note)
        case .close: move = .close(reason: b.note)
        case .sendBack:
            guard let to = b.to.flatMap({ CaseStep(rawValue: $0.rawValue) }) else {
                return .unprocessableContent(.init(body: .json(Self.invalid([FieldProblem("to", .caseReturnStep)]))))
            }
            move = .sendBack(to: to, reason: b.note)
        }
        do {
            try await cases.move(input.path.id, move, by: a.actor, today: clock.today())
            guard let d = try await cases.detail(input.path.id, by: a.actor) else { return .notFound(.init(body: .json(Self.notFound))) }
            return .ok(.init(body: .json(Self.schema(d, clock.today()))))
        } catch { return try Self.refusal(error) }
    }

    static func schema(_ c: CaseStore.Summary, _ today: CivilDate) -> Schemas.Case {
        Schemas.Case(id: c.id, householdId: c.householdID, headName: c.headName, regionCode: c.region.description,
                     origin: .init(rawValue: c.origin.rawValue) ?? .cadre, episodeId: c.episodeID, applicationId: c.applicationID,
                     step: .init(rawValue: c.state.step.rawValue) ?? .survey, status: c.state.status == .open ? .open : .closed,
                     since: c.state.since.description, due: c.due?.description, overdue: c.overdue(today: today), openedOn: c.openedOn.description,
                     closedOn: c.closedOn?.description)
    }

    static func schema(_ d: CaseStore.Detail, _ today: CivilDate) -> Schemas.CaseDetail {
        Schemas.CaseDetail(_case: schema(d.summary, today), events: d.events.map { e in
            .init(onDay: e.onDay.description, from: e.from.flatMap { .init(rawValue: $0.rawValue) }, to: e.to.flatMap { .init(rawValue: $0.rawValue) },
                  action: .init(rawValue: e.action) ?? .advanced, note: e.note, actor: e.actor)
        })
    }
}

extension CaseAPI {
    func getCaseFigures(_ input: Operations.GetCaseFigures.Input) async throws -> Operations.GetCaseFigures.Output {
        let a = try caller
        do {
            let region = input.query.regionCode.flatMap { RegionCode($0) } ?? a.region
            guard let f = try await CaseFigures.compute(cases.db, region: region, by: a.actor, today: clock.today()) else { return .notFound(.init(body: .json(Self.notFound))) }
            func counts<K: CodeNamed>(_ d: [K: Int]) -> [String: Int] { Dictionary(uniqueKeysWithValues: d.map { ($0.key.rawValue, $0.value) }) }
            return .ok(.init(body: .json(.init(regionCode: f.region.description, quarter: f.quarter.description, rows: f.rows.map { r in
                .init(regionCode: r.region.description, name: r.name, casesByStep: .init(additionalProperties: counts(r.casesByStep)), overdueCases: r.overdueCases,
                      measures: r.measures, toVisit: r.toVisit, visitsOverdue: r.visitsOverdue, visitedThisMonth: r.visitedThisMonth, reviewsMissing: r.reviewsMissing)
            }, measuresByService: .init(additionalProperties: counts(f.measuresByService)), measuresByUnit: .init(additionalProperties: counts(f.measuresByUnit))))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }
}

extension Operations.OpenCase.Output: StoreRefusals {}
extension Operations.MoveCase.Output: StoreRefusals {}

extension APIHandlers {
    func listCases(_ input: Operations.ListCases.Input) async throws -> Operations.ListCases.Output { try await cases.listCases(input) }
    func openCase(_ input: Operations.OpenCase.Input) async throws -> Operations.OpenCase.Output { try await cases.openCase(input) }
    func getCase(_ input: Operations.GetCase.Input) async throws -> Operations.GetCase.Output { try await cases.getCase(input) }
    func getCaseFigures(_ input: Operations.GetCaseFigures.Input) async throws -> Operations.GetCaseFigures.Output { try await cases.getCaseFigures(input) }
    func moveCase(_ input: Operations.MoveCase.Input) async throws -> Operations.MoveCase.Output { try await cases.moveCase(input) }
}
