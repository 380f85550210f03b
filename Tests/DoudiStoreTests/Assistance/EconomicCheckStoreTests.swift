import DoudiDomain
import DoudiStore
import DoudiTestSupport
import Foundation
import Testing

@Suite("Economic-status checks as stored: a county's file attached to the applications it concerns, all or nothing, audited, scoped")
struct EconomicCheckStoreTests {
    static func d(_ s: String) -> CivilDate { CivilDate(s)! }
    static let income = IncomeStatement([IncomeItem(.wages, 10_800)], months: 12)

    /// An application for the first two of the household's three members; the third is not covered.
    static func applying(_ db: Database, by village: Actor) async throws -> Int64 {
        let members = try await ApplicationStoreTests.household(db, "A1", village)
        return try await ApplicationStore(db).apply(ApplicationInput(householdID: "A1", kind: .dibao, covered: Array(members.prefix(2)), income: Self.income, authorised: true),
                                                    by: village, today: Self.d("2026-11-02"), draw: 99)
    }

    static func file(_ rows: [String]) -> [UInt8] { Array((["身份证号码,核对类别,数值,核对日期,项目说明"] + rows).joined(separator: "\r\n").utf8) }

    @Test(arguments: Backend.available)
    func answersAttachToTheApplication(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let village = try await Fixture.actor(db, "vil", .villageCadre, Fixture.village)
            let county = try await Fixture.actor(db, "cty", .countyOfficer, Fixture.county)
            let id = try await Self.applying(db, by: village)
            let head = validID("43048119800101010").text, child = validID("43048119800101011").text
            let uncovered = validID("43048119800101012").text, stranger = validID("43048119750505050").text
            let checks = EconomicCheckStore(db)
            let r = try await checks.load("银行.csv", Self.file([
                "\(head),银行存款,20000,2026-11-10,活期", "\(child),银行存款,9000,2026-11-10,定期", "\(uncovered),银行存款,500000,2026-11-10,",
                "\(stranger),机动车辆,80000,2026-11-10,", "\(head),机动车辆,30000,2026-11-10,小型轿车", "\(child),纳税,6000,2026-10-31,",
            ]), by: county, today: Self.d("2026-11-20"))
            #expect(r.stored && r.rows == 6 && r.kept == 4 && r.applications == 1)
            let a = try #require(try await ApplicationStore(db).application(id, by: village))
            #expect(a.checks.count == 4 && Set(a.checks.map(\.value)) == [20_000, 9_000, 30_000, 6_000])
            // Two covered: 29,000 of deposits is over 2 × 12,000; one car where none is allowed; the tax office saw no more than declared.
            let f = Dictionary(uniqueKeysWithValues: a.findings.map { ($0.source, $0) })
            #expect(f[.deposits]?.found == 29_000 && f[.deposits]?.limit == 24_000 && f[.deposits]?.over == true)
            #expect(f[.vehicles]?.found == 1 && f[.vehicles]?.over == true)
            #expect(f[.tax]?.found == 6_000 && f[.tax]?.limit == 10_800 && f[.tax]?.over == false)
            // The bank sends its answer again: the newer one replaces the older, other sources stay.
            _ = try await checks.load("银行（更正）.csv", Self.file(["\(head),银行存款,1000,2026-11-15,活期"]), by: county, today: Self.d("2026-11-20"))
            let again = try #require(try await ApplicationStore(db).application(id, by: village))
            #expect(again.checks.filter { $0.source == .deposits }.map(\.value) == [1_000] && again.checks.count == 3)
            #expect(again.findings.first { $0.source == .deposits }?.over == false)
            let audit = try await AuditStore(db).search(by: .system(), action: "check.load")
            #expect(audit.count == 2)
            #expect(try await checks.batches(by: county).map(\.file) == ["银行（更正）.csv", "银行.csv"])
        }
    }

    @Test(arguments: Backend.available)
    func aBadRowKeepsTheWholeFileOut(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let village = try await Fixture.actor(db, "vil", .villageCadre, Fixture.village)
            let county = try await Fixture.actor(db, "cty", .countyOfficer, Fixture.county)
            let township = try await Fixture.actor(db, "twn", .townshipOfficer, Fixture.township)
            let id = try await Self.applying(db, by: village)
            let head = validID("43048119800101010").text
            let checks = EconomicCheckStore(db)
            let r = try await checks.load("房产.csv", Self.file(["\(head),房产,90,2026-11-10,", "\(head),房产,九十,2026-11-10,"]), by: county, today: Self.d("2026-11-20"))
            #expect(!r.stored && r.rejected == 1 && r.rejections.first?.line == 3 && r.rejections.first?.field == "value" && r.kept == 0)
            #expect(try await ApplicationStore(db).application(id, by: village)?.checks.isEmpty == true)
            #expect(try await AuditStore(db).search(by: .system(), action: "check.load").isEmpty)
            // A file that is no table at all, and a role that may not load.
            await #expect(throws: StoreError.self) { try await checks.load("空.csv", [], by: county) }
            await #expect(throws: StoreError.forbidden) { try await checks.load("房产.csv", Self.file([]), by: township) }
        }
    }

    @Test(arguments: Backend.available)
    func anotherCountysFileFindsNobodyHere(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let village = try await Fixture.actor(db, "vil", .villageCadre, Fixture.village)
            let elsewhere = try await Fixture.actor(db, "cn2", .countyOfficer, RegionCode("430482000000")!)
            let id = try await Self.applying(db, by: village)
            let head = validID("43048119800101010").text
            let r = try await EconomicCheckStore(db).load("银行.csv", Self.file(["\(head),银行存款,20000,2026-11-10,"]), by: elsewhere, today: Self.d("2026-11-20"))
            #expect(r.stored && r.kept == 0 && r.applications == 0)
            #expect(try await ApplicationStore(db).application(id, by: village)?.checks.isEmpty == true)
        }
    }
}
