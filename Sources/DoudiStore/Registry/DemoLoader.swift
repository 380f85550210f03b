import DoudiDomain
import Foundation
import SQLKit

/// `doudi serve --demo`: fills an empty database with a demo county and one user per role.
public enum DemoLoader {
    public static let county = RegionCode("430481000000")!  // 耒阳市
    public static let township = RegionCode("430481001000")!  // 蔡子池街道
    public static let village = RegionCode("430481001001")!  // 牌楼居委会
    public static let password = "doudi-demo-2026"

    public struct DemoUser: Sendable {
        public var username: String; public var role: Role; public var region: RegionCode; public var department: Department? = nil
    }

    public static let users: [DemoUser] = [
        .init(username: "admin", role: .admin, region: county),
        .init(username: "county", role: .countyOfficer, region: county),
        .init(username: "township", role: .townshipOfficer, region: township),
        .init(username: "village", role: .villageCadre, region: village),
        .init(username: "hotline", role: .hotlineOperator, region: county),
        .init(username: "children", role: .childDirector, region: township),
        .init(username: "volunteers", role: .volunteerOrgAdmin, region: county),
        .init(username: "auditor", role: .auditor, region: county),
        .init(username: "education", role: .departmentOfficer, region: county, department: .education),
        .init(username: "health", role: .departmentOfficer, region: county, department: .health),
        .init(username: "hospital", role: .healthWorker, region: county),
        .init(username: "protection", role: .childDirector, region: county),
        .init(username: "volunteer", role: .volunteer, region: village),
    ]

    /// Loads the demo when the register is empty; returns the users created (none when there was data already).
    /// `beneficiaries`: households of the county with a benefit in force (an eighth of them where not given).
    public static func loadIfEmpty(_ db: Database, households count: Int = 5_000, beneficiaries: Int? = nil, monitoring: Bool = true) async throws -> [DemoUser] {
        let (h, _) = try await HouseholdStore(db).counts()
        let userCount = try await UserStore(db).count()
        guard h == 0, userCount == 0 else { return [] }
        let villages = try await RegionStore(db).villageCodes(in: county).sorted().compactMap { RegionCode(value: $0) }
        let demo = DemoRegister(villages: villages, today: db.clock.today())
        var used = Set<UInt64>()
        let records = (0..<count).map { demo.household($0, used: &used) }
        let system = Actor.system("demo")
        try await HouseholdStore.store(db, records, by: system, source: "demo")
        for u in users {
            try await UserStore(db).add(username: u.username, password: password, role: u.role, region: u.region, department: u.department, by: system)
        }
        if monitoring {
            try await DemoMonitoring.load(db)
            try await DemoAssistance.load(db, today: db.clock.today())
            try await DemoCaseload.load(db, count: beneficiaries ?? count / 8, today: db.clock.today())
            try await DemoAssistance.rolls(db, today: db.clock.today())
            try await DemoAssistance.changes(db, today: db.clock.today())
            try await DemoAssistance.aid(db, today: db.clock.today())
            try await DemoCases.load(db, today: db.clock.today())
            try await DemoCases.measures(db, today: db.clock.today())
            try await DemoCases.helpers(db, today: db.clock.today())
            try await DemoCases.effectReviews(db, today: db.clock.today())
            try await DemoCases.visits(db, today: db.clock.today())
            try await DemoChildren.load(db, today: db.clock.today())
            try await DemoVolunteers.load(db, today: db.clock.today())
        }
        return users
    }
}
