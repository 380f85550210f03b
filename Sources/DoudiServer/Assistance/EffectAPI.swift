import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation

/// The API twin of the quarterly reviews' pages: the same domain checks and store calls, the same refusals.
struct EffectAPI: APIPart {
    let reviews: EffectReviewStore
    let clock: Clock

    func listEffectReviews(_ input: Operations.ListEffectReviews.Input) async throws -> Operations.ListEffectReviews.Output {
        let a = try caller
        guard let q = Quarter(input.query.quarter) else { return .badRequest(.init(body: .json(Self.error("badRequest", .quarterFormat)))) }
        do {
            let list = try await reviews.reviews(by: a.actor, quarter: q, status: input.query.status.flatMap { EffectReviewStatus(rawValue: $0.rawValue) })
            return .ok(.init(body: .json(list.map(Self.schema))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func listMissingEffectReviews(_ input: Operations.ListMissingEffectReviews.Input) async throws -> Operations.ListMissingEffectReviews.Output {
        let a = try caller
        let q = input.query
        guard let quarter = Quarter(q.quarter) else { return .badRequest(.init(body: .json(Self.error("badRequest", .quarterFormat)))) }
        do {
            let region = q.regionCode.flatMap { RegionCode($0) } ?? a.region
            let all = try await reviews.missing(by: a.actor, quarter: quarter).filter { region.contains($0.region) }
            let page = Self.window(all, offset: q.offset, limit: q.limit)
            return .ok(.init(body: .json(.init(total: all.count, households: page.map { m in
                .init(householdId: m.householdID, headName: m.headName, regionCode: m.region.description, helper: m.helper,
                      status: m.status.flatMap { .init(rawValue: $0.rawValue) })
            }))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func recordEffectReview(_ input: Operations.RecordEffectReview.Input) async throws -> Operations.RecordEffectReview.Output {
        let a = try caller
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        guard a.role.may(.writeRegister), a.role.may(.browseRegister) else { return .forbidden(.init(body: .json(Self.forbidden))) }
        let parsed = EffectReviewInput.parse(quarter: input.path.quarter, incomeNow: String(b.incomeNow), incomeBefore: String(b.incomeBefore),
                                             guarantees: b.guarantees.map(\.rawValue), measuresTaken: b.measuresTaken, nextSteps: b.nextSteps, today: clock.today())
        do {
            let review = try parsed.get()
            try await reviews.record(household: input.path.householdId, review, by: a.actor)
            guard let r = try await reviews.reviews(by: a.actor, quarter: review.quarter, household: input.path.householdId).first else {
                return .notFound(.init(body: .json(Self.notFound)))
            }
            return .ok(.init(body: .json(Self.schema(r))))
        } catch let p as ProblemList {
            return .unprocessableContent(.init(body: .json(Self.invalid(p.problems))))
        } catch { return try Self.refusal(error) }
    }

    func decideEffectReview(_ input: Operations.DecideEffectReview.Input) async throws -> Operations.DecideEffectReview.Output {
        let a = try caller
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        do {
            try await reviews.decide(input.path.id, b.decision == .confirm ? .confirm : .returnToHelper(reason: b.reason ?? ""), by: a.actor)
            return .noContent(.init())
        } catch { return try Self.refusal(error) }
    }

    static func schema(_ r: EffectReviewStore.Review) -> Schemas.EffectReview {
        Schemas.EffectReview(id: r.id, householdId: r.householdID, headName: r.headName, regionCode: r.region.description, quarter: r.input.quarter.description,
                             incomeNow: r.input.incomeNow, incomeBefore: r.input.incomeBefore,
                             guarantees: Guarantee.allCases.filter(r.input.guarantees.contains).map(\.rawValue), measuresTaken: r.input.measuresTaken,
                             nextSteps: r.input.nextSteps, status: .init(rawValue: r.status.rawValue) ?? .recorded, recordedBy: r.recordedBy,
                             decidedBy: r.decidedBy, returnReason: r.returnReason)
    }
}

extension Operations.RecordEffectReview.Output: StoreRefusals {}
extension Operations.DecideEffectReview.Output: StoreRefusals {}

extension APIHandlers {
    func listEffectReviews(_ input: Operations.ListEffectReviews.Input) async throws -> Operations.ListEffectReviews.Output { try await effects.listEffectReviews(input) }
    func listMissingEffectReviews(_ input: Operations.ListMissingEffectReviews.Input) async throws -> Operations.ListMissingEffectReviews.Output {
        try await effects.listMissingEffectReviews(input)
    }
    func recordEffectReview(_ input: Operations.RecordEffectReview.Input) async throws -> Operations.RecordEffectReview.Output { try await effects.recordEffectReview(input) }
    func decideEffectReview(_ input: Operations.DecideEffectReview.Input) async throws -> Operations.DecideEffectReview.Output { try await effects.decideEffectReview(input) }
}
