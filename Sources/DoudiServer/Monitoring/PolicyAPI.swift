import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation

/// Policy parameters per region and year.
struct PolicyAPI: APIPart {
    let policy: PolicyStore
    let clock: Clock

    func getPolicy(_ input: Operations.GetPolicy.Input) async throws -> Operations.GetPolicy.Output {
        let a = try caller
        let region = input.query.region.flatMap { RegionCode($0) } ?? a.actor.region
        let year = input.query.year ?? clock.today().year
        guard a.actor.region.contains(region) else { return .forbidden(.init(body: .json(Self.forbidden))) }
        do {
            let settings = try await policy.settings(by: a.actor)
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
            return .unprocessableContent(.init(body: .json(Self.invalid([FieldProblem("region", .regionCodeDigits)]))))
        }
        do {
            try await policy.set(region: region, year: b.year, key: key, value: b.value, by: a.actor)
            return .noContent(.init())
        } catch StoreError.forbidden {
            return .forbidden(.init(body: .json(Self.forbidden)))
        } catch StoreError.invalid(let p) {
            return .unprocessableContent(.init(body: .json(Self.invalid(p))))
        }
    }
}

/// The operations of this capability, as the generated protocol names them.
extension APIHandlers {
    func getPolicy(_ input: Operations.GetPolicy.Input) async throws -> Operations.GetPolicy.Output { try await policy.getPolicy(input) }
    func setPolicy(_ input: Operations.SetPolicy.Input) async throws -> Operations.SetPolicy.Output { try await policy.setPolicy(input) }
}
