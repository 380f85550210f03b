import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation

/// The API twin of the village surveys' page (`ChildSurveyPages`): the same domain check and store functions.
struct ChildSurveyAPI: APIPart {
    let surveys: ChildSurveyStore
    let clock: Clock

    func recordChildSurvey(_ input: Operations.RecordChildSurvey.Input) async throws -> Operations.RecordChildSurvey.Output {
        let a = try caller
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        switch ChildSurvey.check(village: b.regionCode, day: b.surveyedOn, childrenChecked: String(b.childrenChecked), withoutCare: String(b.withoutCare),
                                 items: b.items, note: b.note ?? "", today: clock.today()) {
        case .failure(let p): return .unprocessableContent(.init(body: .json(Self.invalid(p.problems))))
        case .success(let s):
            do {
                try await surveys.record(s, by: a.actor)
                return .created(.init(body: .json(.init(regionCode: s.village.description, surveyedOn: s.day.description, complete: s.isComplete))))
            } catch { return try Self.refusal(error) }
        }
    }

    func getChildSurveyCoverage(_ input: Operations.GetChildSurveyCoverage.Input) async throws -> Operations.GetChildSurveyCoverage.Output {
        let a = try caller
        let today = clock.today()
        let since = input.query.since.flatMap { CivilDate($0) } ?? CivilDate(year: today.year, month: today.month, day: 1) ?? today
        do {
            guard let c = try await surveys.coverage(region: input.query.regionCode.flatMap { RegionCode($0) } ?? a.region, since: since, by: a.actor) else {
                return .notFound(.init(body: .json(Self.notFound)))
            }
            return .ok(.init(body: .json(.init(regionCode: c.region.description, since: c.since.description, rows: c.rows.map { r in
                .init(regionCode: r.region.description, name: r.name, villages: r.villages, surveyed: r.surveyed, childrenChecked: r.childrenChecked,
                      withoutCare: r.withoutCare, lastSurveyedOn: r.last?.description)
            }))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }
}

extension APIHandlers {
    func recordChildSurvey(_ input: Operations.RecordChildSurvey.Input) async throws -> Operations.RecordChildSurvey.Output { try await surveys.recordChildSurvey(input) }
    func getChildSurveyCoverage(_ input: Operations.GetChildSurveyCoverage.Input) async throws -> Operations.GetChildSurveyCoverage.Output {
        try await surveys.getChildSurveyCoverage(input)
    }
}

extension Operations.RecordChildSurvey.Output: StoreRefusals {}
