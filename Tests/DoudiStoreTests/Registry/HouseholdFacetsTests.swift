import DoudiDomain
import DoudiStore
import DoudiTestSupport
import Foundation
import Testing

@Suite("The register's list filters: 低保, 建档立卡, part of a household number, numbers in number order, on each backend")
struct HouseholdFacetsTests {
    @Test(arguments: Backend.available)
    func aCountyNarrowsTheRegister(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let county = try await Fixture.actor(db, "cty", .countyOfficer, Fixture.county)
            let village = try await Fixture.actor(db, "vil", .villageCadre, Fixture.otherVillage)
            let store = HouseholdStore(db)
            // H-2, H-10, H-100 in one village; H-3 in another; dibao and poverty status vary.
            let rows: [(String, RegionCode, Bool, PovertyStatus, String)] = [
                ("H430481001001-10", Fixture.village, true, .exited, "王十"), ("H430481001001-2", Fixture.village, false, .none, "王二"),
                ("H430481001001-100", Fixture.village, true, .notExited, "李百"), ("H430481001002-3", Fixture.otherVillage, true, .exited, "王三"),
            ]
            for (n, (id, region, dibao, status, name)) in rows.enumerated() {
                var r = Fixture.household(id, village: region, people: [("430481198001010\(String(format: "%02d", 20 + n))", .head, name)])
                r.household.dibao = dibao
                r.household.povertyStatus = status
                _ = try await store.create(r, by: county)
            }
            func ids(_ text: String? = nil, region: RegionCode? = nil, f facets: HouseholdFacets, by actor: Actor? = nil) async throws -> [String] {
                try await store.search(by: actor ?? county, text: text, region: region, facets: facets).items.map(\.id)
            }
            // Numbers as numbers: -2, -10, -100, not -10, -100, -2.
            #expect(try await ids(region: Fixture.village, f: HouseholdFacets(order: .number)) == ["H430481001001-2", "H430481001001-10", "H430481001001-100"])
            #expect(try await ids(f: HouseholdFacets(dibao: true, order: .number)) == ["H430481001001-10", "H430481001001-100", "H430481001002-3"])
            #expect(try await ids(f: HouseholdFacets(dibao: false)) == ["H430481001001-2"])
            #expect(try await ids(f: HouseholdFacets(povertyStatus: .exited, order: .number)) == ["H430481001001-10", "H430481001002-3"])
            #expect(try await ids(f: HouseholdFacets(dibao: true, povertyStatus: .notExited)) == ["H430481001001-100"])
            // Part of a household number, anywhere in it, any case; % and _ as typed.
            #expect(Set(try await ids("001-10", f: HouseholdFacets())) == ["H430481001001-10", "H430481001001-100"])
            #expect(try await ids("h430481001002", f: HouseholdFacets()) == ["H430481001002-3"])
            let percent = try await ids("%", f: HouseholdFacets()), underscore = try await ids("_", f: HouseholdFacets())
            #expect(percent.isEmpty && underscore.isEmpty)
            // A name with a filter reads the households it found; without, only the names.
            #expect(Set(try await ids("王", f: HouseholdFacets())) == ["H430481001001-10", "H430481001001-2", "H430481001002-3"])
            #expect(try await ids("王", f: HouseholdFacets(dibao: true, povertyStatus: .exited)) == ["H430481001002-3", "H430481001001-10"])  // 王三 before 王十: name order
            // Scope holds: the other village's cadre finds only its own.
            #expect(try await ids("4304810010", f: HouseholdFacets(), by: village) == ["H430481001002-3"])
            #expect(try await ids(f: HouseholdFacets(dibao: true), by: village) == ["H430481001002-3"])
            let page = try await store.search(by: county, facets: HouseholdFacets(dibao: true, order: .number), limit: 2)
            #expect(page.total == 3 && page.items.count == 2)
        }
    }
}
