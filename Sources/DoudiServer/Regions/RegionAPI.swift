import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation

/// Regions and their children, within the caller's reach.
struct RegionAPI: APIPart {
    let regions: RegionStore

    func getRegion(_ input: Operations.GetRegion.Input) async throws -> Operations.GetRegion.Output {
        let a = try caller
        guard let code = RegionCode(input.path.regionCode), a.region.contains(code) || code.contains(a.region),
              let region = try await regions.region(code) else {
            return .notFound(.init(body: .json(Self.notFound)))
        }
        // Above the caller's own region only the path down to it is shown, not its neighbours.
        let children = try await regions.children(of: code).filter { a.region.contains($0.code) || $0.code.contains(a.region) }
        return .ok(.init(body: .json(.init(region: Self.schema(region), children: children.map(Self.schema)))))
    }

    static func schema(_ r: Region) -> Schemas.Region {
        .init(code: r.code.description, name: r.name, level: r.level.codeName)
    }
}

/// The operations of this capability, as the generated protocol names them.
extension APIHandlers {
    func getRegion(_ input: Operations.GetRegion.Input) async throws -> Operations.GetRegion.Output { try await regions.getRegion(input) }
}
