import DoudiDomain
@testable import DoudiStore
import DoudiTestSupport
import Foundation
import SQLKit
import Testing

@Suite("A list over many villages: its total from the tallies, its page merged village by village, on each backend")
struct CountyListTests {
    /// The register's own answer, straight from the households: what any page of the list must show.
    static func reference(_ db: Database, where condition: String, limit: Int, offset: Int) async throws -> (total: Int, ids: [String]) {
        struct ID: Decodable { var id: String }
        struct N: Decodable { var n: Int }
        return try await db.read { sql in
            let ids = try await sql.raw("SELECT id FROM households WHERE \(unsafeRaw: condition) ORDER BY updated_at DESC, id LIMIT \(unsafeRaw: String(limit)) OFFSET \(unsafeRaw: String(offset))")
                .all(decoding: ID.self).map(\.id)
            let n = try await sql.raw("SELECT COUNT(*) AS n FROM households WHERE \(unsafeRaw: condition)").first(decoding: N.self)?.n ?? -1
            return (n, ids)
        }
    }

    /// The households' summaries, a row each, in the order of `ids`.
    static func rows(_ db: Database, _ ids: [String]) async throws -> [HouseholdSummary] {
        guard !ids.isEmpty else { return [] }
        let rows = try await db.read { sql in
            try await sql.raw("SELECT \(unsafeRaw: HouseholdStore.summaryColumns) FROM households h WHERE h.id IN (\(binds: ids))").all().map(HouseholdSummary.init(row:))
        }
        let byID = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return ids.compactMap { byID[$0] }
    }

    /// PostgreSQL's merge with every arm read through the record set, as a list of more arms than
    /// `HouseholdStore.branchesUpTo` is (a county's township by township, a province's counties).
    static func mergedThroughRecordSet(_ db: Database, _ actor: Actor, region: RegionCode?, facets: HouseholdFacets,
                                       limit: Int, offset: Int) async throws -> [HouseholdSummary] {
        let kind = HouseholdStore.ArmKind.of(actor, region: region, facets: facets, engine: db.engine)
        var households = HouseholdStore.filter(actor, region: region, residentIndex: nil, regionColumn: "h.region", idColumn: "h.id")
        households.appendInterpolation(facets.conditions)
        return try await db.read { sql in
            let arms = try await HouseholdStore.arms(sql, households, kind: kind)
            if arms.isEmpty { return [] }
            return try await HouseholdStore.merged(sql, arms: arms, kind: kind, facets: facets, skip: offset, page: limit, engine: db.engine, branchesUpTo: 0)
        }
    }

    @Test(arguments: Backend.available)
    func everyPageIsTheRegistersAfterEditsMovesAndDeletes(_ backend: Backend) async throws {
        let time = MovableClock()
        try await withFreshDatabase(backend, clock: time.clock) { db in
            let county = try await Fixture.actor(db, "county", .countyOfficer, Fixture.county)
            let township = try await Fixture.actor(db, "town", .townshipOfficer, Fixture.township)
            let cadre = try await Fixture.actor(db, "vil", .villageCadre, Fixture.otherVillage)
            // An officer over the prefecture sees two counties (衡阳市: 耒阳市 and 常宁市, whose village is added).
            let prefecture = try await Fixture.actor(db, "city", .countyOfficer, try #require(RegionCode("430400000000")))
            let otherCountyVillage = try #require(RegionCode("430482101001"))
            try await RegionStore(db).upsert(Region(code: otherCountyVillage, name: "测试村"), by: Fixture.system)
            // 600 households loaded at once (one time of change for all, in three villages), then changed one by
            // one at later times: 低保 and poverty status flipped, some moved to another village.
            let (h, m) = ImportTests.files(600)
            _ = try await RegisterImporter(db).run(households: "h.csv", Array(h.utf8), members: "m.csv", Array(m.utf8), by: county)
            let store = HouseholdStore(db)
            let ids = h.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }
            let cases: [(HouseholdFacets, String)] = [
                (HouseholdFacets(), "1 = 1"), (HouseholdFacets(dibao: true), "dibao = 1"), (HouseholdFacets(dibao: false), "dibao = 0"),
                (HouseholdFacets(povertyStatus: .notExited), "poverty_status = 'notExited'"),
                (HouseholdFacets(dibao: true, povertyStatus: PovertyStatus.none), "dibao = 1 AND poverty_status = 'none'"),
            ]
            let scopes: [(Actor, RegionCode?, String)] = [
                (county, nil, "region BETWEEN 430481000000 AND 430481999999"), (county, Fixture.township, "region BETWEEN 430481001000 AND 430481001999"),
                (township, nil, "region BETWEEN 430481001000 AND 430481001999"), (cadre, nil, "region = 430481001002"),
                (prefecture, nil, "1 = 1"), (prefecture, Fixture.county, "region BETWEEN 430481000000 AND 430481999999"),
            ]
            func everyPageIsTheRegisters(_ moment: String) async throws {
                for (actor, region, inScope) in scopes {
                    for (facets, condition) in cases {
                        for (limit, offset) in [(10, 0), (10, 10), (7, 40), (50, 0), (50, 300)] {
                            let page = try await store.search(by: actor, region: region, facets: facets, limit: limit, offset: offset)
                            let expected = try await Self.reference(db, where: "\(inScope) AND \(condition)", limit: limit, offset: offset)
                            #expect(page.items.map(\.id) == expected.ids, "\(moment): \(actor.role) \(facets) \(limit)@\(offset)")
                            #expect(page.total == expected.total, "\(moment): \(actor.role) \(facets) \(limit)@\(offset)")
                            if db.engine == .postgres {
                                let viaRecordSet = try await Self.mergedThroughRecordSet(db, actor, region: region, facets: facets, limit: limit, offset: offset)
                                #expect(viaRecordSet.map(\.id) == expected.ids, "record set, \(moment): \(actor.role) \(facets) \(limit)@\(offset)")
                                // The summaries come back with the merge, as arrays: each as the household's own row, read
                                // column by column (not through the arrays that HouseholdStore.summaries also uses here).
                                let read = try await Self.rows(db, expected.ids)
                                #expect(viaRecordSet == read, "record set's summaries, \(moment): \(actor.role) \(facets) \(limit)@\(offset)")
                            }
                        }
                    }
                }
            }
            // Loaded at once, the list is the first village's households by number: a page draws on one village only.
            try await everyPageIsTheRegisters("after the import")
            let villages = ["430481001001", "430481001002", "430481001003"].compactMap { RegionCode($0) }
            let statuses: [PovertyStatus] = [.none, .exited, .notExited]
            for i in 0..<60 {
                time.advance(minutes: 1)
                var changed = try #require(try await store.get(ids[(i * 37) % ids.count], by: county)).household
                changed.dibao.toggle()
                changed.povertyStatus = statuses[i % 3]
                if i % 4 == 0 { changed.regionCode = villages[i % 3] }
                _ = try await store.update(changed, by: county)
            }
            for i in 0..<5 {
                time.advance(minutes: 1)
                _ = try await store.create(Fixture.household("H430481001003-new\(i)", village: villages[2],
                                                             people: [("43048119900101\(String(format: "%03d", 500 + i))", .head, "新户\(i)")]), by: county)
            }
            // Households of the other county, changed between those of the first.
            for i in 0..<40 {
                time.advance(minutes: i % 3 == 0 ? 1 : 0)
                var other = Fixture.household("H430482101001-\(i)", village: otherCountyVillage,
                                              people: [("43048219800101\(String(format: "%03d", i))", .head, "外县\(i)")])
                other.household.dibao = i % 2 == 0
                other.household.povertyStatus = statuses[i % 3]
                _ = try await store.create(other, by: prefecture)
            }
            // Two households leave the register (their members first).
            let gone = [ids[1], ids[2]]
            try await db.transaction { tx in
                try await tx.sql.raw("DELETE FROM members WHERE household_id IN (\(binds: gone))").run()
                try await tx.sql.raw("DELETE FROM households WHERE id IN (\(binds: gone))").run()
            }
            try await everyPageIsTheRegisters("after the changes")
            // Each row names its village as "township village", read with the row, in either county.
            let latest = try await store.search(by: prefecture, limit: 200)
            let labels = Dictionary(latest.items.map { ($0.region.description, $0.regionLabel) }, uniquingKeysWith: { a, _ in a })
            #expect(labels["430482101001"] == "柏坊镇 测试村")
            #expect(labels["430481001001"] == "蔡子池街道 牌楼居委会")
            // An offset past any end is an empty page with the list's total, never an overflow (the page's end is
            // offset + limit), for a list, a number and a name alike.
            for text in [nil, "H4304", "王"] as [String?] {
                let far = try await store.search(by: county, text: text, offset: Int.max)
                #expect(far.items.isEmpty, "\(text ?? "list")")
            }
            #expect(try await store.search(by: county, offset: Int.max).total == (try await Self.reference(db, where: "region BETWEEN 430481000000 AND 430481999999", limit: 1, offset: 0)).total)
            // Outside the subtree: nothing, however the tallies stand.
            let elsewhere = try await store.search(by: cadre, region: Fixture.village)
            #expect(elsewhere.total == 0 && elsewhere.items.isEmpty)
        }
    }
}
