import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation

/// The API twin of the helper pages: the same store calls, the same refusals.
struct HelperAPI: APIPart {
    let helpers: HelperStore
    let clock: Clock

    func listHelperDuties(_ input: Operations.ListHelperDuties.Input) async throws -> Operations.ListHelperDuties.Output {
        let a = try caller
        let q = input.query, today = clock.today()
        do {
            let all = try await helpers.duties(by: a.actor, mine: q.mine ?? false, overdue: q.overdue ?? false, unassigned: q.unassigned ?? false, today: today)
            let page = Self.window(all, offset: q.offset, limit: q.limit)
            return .ok(.init(body: .json(.init(total: all.count, duties: page.map { d in
                .init(householdId: d.householdID, headName: d.headName, regionCode: d.region.description, helper: d.helper, since: d.since?.description,
                      lastVisit: d.lastVisit?.description, due: d.due.description, overdue: d.overdue(today: today), caseId: d.caseID,
                      caseStep: d.caseStep.flatMap { .init(rawValue: $0.rawValue) })
            }))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func getHelpers(_ input: Operations.GetHelpers.Input) async throws -> Operations.GetHelpers.Output {
        let a = try caller
        do {
            guard try await helpers.region(of: input.path.householdId, by: a.actor) != nil else { return .notFound(.init(body: .json(Self.notFound))) }
            return .ok(.init(body: .json(Self.schema(try await helpers.history(household: input.path.householdId, by: a.actor)))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func assignHelper(_ input: Operations.AssignHelper.Input) async throws -> Operations.AssignHelper.Output {
        let a = try caller
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        do {
            try await helpers.assign(household: input.path.householdId, username: b.username.trimmingSpaces(), by: a.actor, today: clock.today())
            return .ok(.init(body: .json(Self.schema(try await helpers.history(household: input.path.householdId, by: a.actor)))))
        } catch { return try Self.refusal(error) }
    }

    static func schema(_ history: [HelperStore.Assignment]) -> [Schemas.HelperAssignment] {
        history.map { .init(username: $0.username, from: $0.from.description, to: $0.to?.description) }
    }
}

extension Operations.AssignHelper.Output: StoreRefusals {}

extension APIHandlers {
    func listHelperDuties(_ input: Operations.ListHelperDuties.Input) async throws -> Operations.ListHelperDuties.Output { try await helpers.listHelperDuties(input) }
    func getHelpers(_ input: Operations.GetHelpers.Input) async throws -> Operations.GetHelpers.Output { try await helpers.getHelpers(input) }
    func assignHelper(_ input: Operations.AssignHelper.Input) async throws -> Operations.AssignHelper.Output { try await helpers.assignHelper(input) }
}
