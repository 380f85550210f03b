import DoudiDomain
import DoudiStore
import Foundation
import DoudiTestSupport
import SQLKit

func validID(_ body17: String) -> ResidentID {
    try! ResidentID(body17 + String(UnicodeScalar(ResidentID.checkCharacter(for: Array(body17.utf8)))))
}

enum Fixture {
    static let county = RegionCode("430481000000")!
    static let township = RegionCode("430481001000")!
    static let village = RegionCode("430481001001")!
    static let otherVillage = RegionCode("430481001002")!
    static let system = Actor.system("test")

    static func household(_ id: String, village: RegionCode = village, people: [(String, Relation, String)]) -> HouseholdRecord {
        HouseholdRecord(
            household: Household(id: id, regionCode: village, povertyStatus: .exited, incomePerCapita: 6_000),
            members: people.map { body, relation, name in
                Member(residentID: validID(body), householdID: id, name: name, relation: relation, laborAbility: .full, phone: "13812345678")
            })
    }

    static func actor(_ db: Database, _ name: String, _ role: Role, _ region: RegionCode) async throws -> Actor {
        try await UserStore(db).add(username: name, password: "fixture-pass-2026", role: role, region: region, by: system).actor
    }
}
