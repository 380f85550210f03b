import DoudiDomain
@testable import DoudiStore
import DoudiTestSupport
import Foundation
import Testing

@Suite("Children's cases referred (R-CH-5): the unit sees the case while it has not declined; accepts, or declines with a reason; the case keeps its owner")
struct ChildReferralTests {
    @Test(arguments: Backend.available)
    func referAcceptDecline(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let director = try await Fixture.actor(db, "dir", .childDirector, Fixture.village)
            let supervisor = try await Fixture.actor(db, "sup", .childDirector, Fixture.township)
            let countyChild = try await Fixture.actor(db, "cch", .childDirector, Fixture.county)
            let hospital = try await Fixture.actor(db, "hos", .healthWorker, Fixture.county)
            let hotline = try await Fixture.actor(db, "hot", .hotlineOperator, Fixture.county)
            let school = try await UserStore(db).add(username: "edu", password: "fixture-pass-2026", role: .departmentOfficer, region: Fixture.county,
                                                     department: .education, by: .system()).actor
            let housing = try await UserStore(db).add(username: "hou", password: "fixture-pass-2026", role: .departmentOfficer, region: Fixture.county,
                                                      department: .housing, by: .system()).actor
            let store = ChildCaseStore(db)
            let id = try await store.report(try ChildCaseStoreTests.report("韩小", birth: "2015-02-02"), by: hotline)
            // Not yet acknowledged: nothing to refer.
            await #expect(throws: StoreError.self) { _ = try await store.refer(id, unit: .school, unitName: "第一小学", note: "安排复课", by: director) }
            try await store.acknowledge(id, risk: .medium, care: CarePeriod(kind: .relativeCare, carer: "舅舅", from: db.clock.nowMillis()), by: supervisor)
            for reader in [hospital, school, housing] { #expect(try await store.childCase(id, by: reader) == nil, "\(reader.username) before any referral") }

            // To the school and to a hospital: each unit now sees the case, the housing department still not.
            let toSchool = try await store.refer(id, unit: .school, unitName: "耒阳市第一小学", note: "安排网课设备与心理辅导", by: director)
            await #expect(throws: StoreError.self, "one waiting referral per kind of unit") {
                _ = try await store.refer(id, unit: .school, unitName: "耒阳市第二小学", note: "再转", by: director)
            }
            await #expect(throws: StoreError.forbidden, "a unit does not refer") { _ = try await store.refer(id, unit: .hospital, unitName: "x", note: "x", by: school) }
            let toHospital = try await store.refer(id, unit: .hospital, unitName: "市人民医院", note: "核酸检测与体检", by: director)
            #expect(try await store.childCase(id, by: school)?.referrals.count == 2)
            #expect(try await store.childCase(id, by: hospital) != nil)
            #expect(try await store.childCase(id, by: housing) == nil)
            #expect(try await store.cases(by: school).map(\.id) == [id])

            // Each unit answers its own: not the other's, not twice; a decline needs its reason.
            await #expect(throws: StoreError.forbidden) { try await store.answerReferral(id, referral: toHospital, accept: true, reason: "", by: school) }
            try await store.answerReferral(id, referral: toSchool, accept: true, reason: "", by: school)
            await #expect(throws: StoreError.self) { try await store.answerReferral(id, referral: toSchool, accept: false, reason: "改主意", by: school) }
            await #expect(throws: StoreError.self) { try await store.answerReferral(id, referral: toHospital, accept: false, reason: " ", by: hospital) }
            try await store.answerReferral(id, referral: toHospital, accept: false, reason: "本院无儿科床位，建议转市妇幼保健院", by: hospital)
            #expect(try await store.childCase(id, by: hospital) == nil, "declined: the hospital no longer sees the case")
            let c = try #require(try await store.childCase(id, by: countyChild))
            #expect(c.referrals.map(\.status) == [.accepted, .declined] && c.referrals[1].answer == "本院无儿科床位，建议转市妇幼保健院")
            #expect(c.acknowledgedBy == "sup", "the case keeps its owner")
            // The domain's rule and the query agree for every reader.
            let units = Set(c.referrals.filter { $0.status != .declined }.map(\.unit))
            for reader in [director, supervisor, countyChild, hospital, hotline, school, housing] {
                #expect(ChildAccess.maySee(reader, region: c.region, reportedBy: c.reportedBy, referredTo: units) == (try await store.childCase(id, by: reader) != nil), "\(reader.username)")
            }

            // The hotline operator who took the call notes a later call on the case; a unit does not record contacts.
            try await store.recordContact(id, note: "舅舅来电：孩子发烧已退", by: hotline)
            await #expect(throws: StoreError.forbidden) { try await store.recordContact(id, note: "x", by: school) }
            #expect(try await store.childCase(id, by: supervisor)?.contacts.map(\.recordedBy) == ["hot"])
            let log = try await AuditStore(db).search(by: .system(), action: "child.referral")
            #expect(log.count == 2 && log.contains { ($0.afterJSON ?? "").contains("declined") })
        }
    }
}
