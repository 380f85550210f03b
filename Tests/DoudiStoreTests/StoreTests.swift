import DoudiDomain
import DoudiStore
import DoudiTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Storage, on each backend")
struct StoreTests {
    @Test("a new database knows the shipped regions and migrates once", arguments: Backend.available)
    func migrations(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            #expect(try await db.schemaVersion() == 37)
            #expect(try await db.migrate().isEmpty)
            let regions = RegionStore(db)
            #expect(try await regions.region(Fixture.village)?.name == "牌楼居委会")
            #expect(try await regions.region(RegionCode("110101001000")!)?.name == "东华门街道")
            // 东莞's townships hang directly on the prefecture.
            let dg = try await regions.children(of: RegionCode("441900000000")!)
            #expect(dg.count == 36)
            #expect(try await regions.villageCodes(in: Fixture.county).count == 220)
            let path = try await regions.path(Fixture.village).map(\.name)
            #expect(path == ["湖南省", "衡阳市", "耒阳市", "蔡子池街道", "牌楼居委会"])
            let total = try await db.read { sql in try await sql.raw("SELECT COUNT(*) AS n FROM regions").first(decoding: N.self)?.n }
            #expect(total == 44_919)
        }
    }

    struct N: Decodable { var n: Int }

    @Test("accounts, passwords and sessions", arguments: Backend.available)
    func users(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let users = UserStore(db)
            let a = try await users.add(username: "li.cadre", password: "correct horse", role: .villageCadre, region: Fixture.village, by: Fixture.system)
            #expect(try await users.authenticate(username: "li.cadre", password: "correct horse")?.id == a.id)
            #expect(try await users.authenticate(username: "li.cadre", password: "wrong horse!") == nil)
            #expect(try await users.authenticate(username: "nobody", password: "correct horse") == nil)
            let taken = await #expect(throws: StoreError.self) {
                try await users.add(username: "li.cadre", password: "another one", role: .auditor, region: Fixture.county, by: Fixture.system)
            }
            #expect(taken?.fields == ["username"])
            let unknown = await #expect(throws: StoreError.self) {
                try await users.add(username: "ghost", password: "another one", role: .auditor, region: RegionCode("430481999999")!, by: Fixture.system)
            }
            #expect(unknown?.fields == ["region"])
            // Only an administrator whose region holds the new account's may add one.
            await #expect(throws: StoreError.forbidden) {
                try await users.add(username: "x.y", password: "another one", role: .admin, region: Fixture.county, by: a.actor)
            }
            let s = try await users.startSession(for: a, kind: .api)
            #expect(try await users.session(token: s.token, kind: .api)?.0.username == "li.cadre")
            #expect(try await users.session(token: s.token, kind: .web) == nil)
            try await users.endSession(token: s.token)
            #expect(try await users.session(token: s.token, kind: .api) == nil)
            // The token itself is never stored.
            let stored = try await db.read { sql in try await sql.raw("SELECT COUNT(*) AS n FROM sessions WHERE token_hash = \(bind: s.token)").first(decoding: N.self)?.n }
            #expect(stored == 0)
        }
    }

    @Test("the register is scoped inside the queries", arguments: Backend.available)
    func scope(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let store = HouseholdStore(db)
            let here = try await Fixture.actor(db, "here", .villageCadre, Fixture.village)
            let there = try await Fixture.actor(db, "there", .villageCadre, Fixture.otherVillage)
            let township = try await Fixture.actor(db, "town", .townshipOfficer, Fixture.township)
            _ = try await store.create(Fixture.household("H1", people: [("43048119700101001", .head, "王强"), ("43048119720202002", .spouse, "李芳")]), by: here)
            _ = try await store.create(Fixture.household("H2", village: Fixture.otherVillage, people: [("43048119800101003", .head, "赵六")]), by: there)

            #expect(try await store.get("H1", by: here)?.members.count == 2)
            #expect(try await store.get("H1", by: there) == nil)
            #expect(try await store.get("H2", by: township) != nil)
            #expect(try await store.search(by: here).total == 1)
            #expect(try await store.search(by: township).total == 2)
            #expect(try await store.search(by: there, text: "王").total == 0)
            #expect(try await store.search(by: township, text: "王").items.map(\.id) == ["H1"])
            #expect(try await store.search(by: township, residentID: validID("43048119800101003")).items.map(\.id) == ["H2"])
            #expect(try await store.search(by: township, region: Fixture.otherVillage).items.map(\.id) == ["H2"])
            // By name: a surname, a full name or any part of it, a member other than the head; a household number.
            _ = try await store.create(Fixture.household("H4", people: [("43048119700101011", .head, "王强生"), ("43048119700101029", .child, "欧阳娜")]), by: here)
            #expect(try await store.search(by: township, text: "王").items.map(\.id).sorted() == ["H1", "H4"])
            #expect(try await store.search(by: township, text: "王强生").items.map(\.id) == ["H4"])
            #expect(try await store.search(by: township, text: " 李芳 ").items.map(\.id) == ["H1"])
            #expect(try await store.search(by: township, text: "欧阳").items.map(\.id) == ["H4"])
            #expect(try await store.search(by: township, text: "H2").items.map(\.id) == ["H2"])
            #expect(try await store.search(by: township, text: "王强生男").total == 0)
            #expect(try await store.search(by: township, text: "强").items.map(\.id) == ["H1", "H4"], "a part within a name: 王强 (强) before 王强生 (强生)")
            #expect(try await store.search(by: there, text: "强").total == 0)
            // The total whatever the page: a full one, the last, one past the end.
            for (limit, offset, shown) in [(1, 0, 1), (2, 1, 2), (50, 0, 3), (2, 2, 1), (2, 9, 0)] {
                let page = try await store.search(by: township, limit: limit, offset: offset)
                #expect(page.total == 3 && page.items.count == shown, "limit \(limit), offset \(offset)")
            }
            #expect(try await store.search(by: township, text: "%").total == 0)
            #expect(try await store.search(by: township, text: "_").total == 0)
            // A name's households in the order of the names, each once however many of its members match; paged
            // with the total; with the other filters.
            _ = try await store.create(Fixture.household("H5", people: [("43048119700101037", .head, "王一"), ("43048119700101045", .child, "王二")]), by: here)
            #expect(try await store.search(by: township, text: "王").items.map(\.id) == ["H5", "H1", "H4"])
            for (offset, shown) in [(0, ["H5", "H1"]), (2, ["H4"])] {
                let page = try await store.search(by: township, text: "王", limit: 2, offset: offset)
                #expect(page.total == 3 && page.items.map(\.id) == shown, "offset \(offset)")
            }
            #expect(try await store.search(by: township, text: "王", region: Fixture.otherVillage).total == 0)
            #expect(try await store.search(by: township, text: "王", region: Fixture.village).total == 3)
            #expect(try await store.search(by: township, text: "王", residentID: validID("43048119700101029")).items.map(\.id) == ["H4"])
            #expect(try await store.search(by: township, text: "H5", residentID: validID("43048119700101029")).total == 0)
            #expect(try await store.search(by: there, text: "H5").total == 0)
            // Writing into another village is refused; so is editing a household one cannot see.
            await #expect(throws: StoreError.forbidden) {
                try await store.create(Fixture.household("H3", village: Fixture.otherVillage, people: [("43048119900101005", .head, "钱七")]), by: here)
            }
            var moved = try await store.get("H2", by: township)!.household
            moved.incomePerCapita = 1
            await #expect(throws: StoreError.notFound) { try await store.update(moved, by: here) }
            let memberID = try await store.get("H2", by: township)!.members[0].id
            await #expect(throws: StoreError.notFound) { try await store.reveal(memberID: memberID, by: here) }
        }
    }

    @Test("a person belongs to one household only", arguments: Backend.available)
    func onePersonOneHousehold(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let store = HouseholdStore(db)
            let cadre = try await Fixture.actor(db, "cadre", .villageCadre, Fixture.village)
            _ = try await store.create(Fixture.household("H1", people: [("43048119700101001", .head, "王强")]), by: cadre)
            await #expect(throws: HouseholdStore.elsewhere("H1")) {
                try await store.create(Fixture.household("H2", people: [("43048119700101001", .head, "王强")]), by: cadre)
            }
            _ = try await store.create(Fixture.household("H2", people: [("43048119800101003", .head, "赵六")]), by: cadre)
            let again = Member(residentID: validID("43048119700101001"), householdID: "H2", name: "王强", relation: .other, laborAbility: .full)
            await #expect(throws: HouseholdStore.elsewhere("H1")) { try await store.addMember(again, by: cadre) }
            let child = Member(residentID: validID("43048120150101007"), householdID: "H2", name: "赵小", relation: .child, laborAbility: .none, childCategory: .leftBehindChild)
            #expect(try await store.addMember(child, by: cadre).members.count == 2)
            #expect(try await store.counts() == (2, 3))
        }
    }

    @Test("writes and full views are audited, masked, and searchable by region", arguments: Backend.available)
    func audit(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let store = HouseholdStore(db)
            let cadre = try await Fixture.actor(db, "cadre", .villageCadre, Fixture.village)
            let auditor = try await Fixture.actor(db, "auditor", .auditor, Fixture.township)
            let farAuditor = try await Fixture.actor(db, "far", .auditor, RegionCode("430481214000")!)
            let h = try await store.create(Fixture.household("H1", people: [("43048119700101001", .head, "王强")]), by: cadre)
            var changed = h.household
            changed.dibao = true
            _ = try await store.update(changed, by: cadre)
            let shown = try await store.reveal(memberID: h.members[0].id, by: cadre)
            #expect(shown.member.residentID == validID("43048119700101001"))
            await #expect(throws: StoreError.forbidden) { try await store.reveal(memberID: h.members[0].id, by: auditor) }

            let entries = try await AuditStore(db).search(by: auditor, subject: nil)
            let actions = entries.map(\.action)
            #expect(actions.contains("household.create") && actions.contains("household.update") && actions.contains("member.reveal"))
            let update = entries.first { $0.action == "household.update" }!
            #expect(update.actor == "cadre")
            #expect(update.beforeJSON?.contains("\"dibao\":false") == true)
            #expect(update.afterJSON?.contains("\"dibao\":true") == true)
            // No full resident ID or phone in the log.
            for e in entries {
                #expect(!(e.afterJSON ?? "").contains(validID("43048119700101001").text))
                #expect(!(e.afterJSON ?? "").contains("13812345678"))
            }
            #expect(try await AuditStore(db).search(by: farAuditor).filter { $0.subject.hasPrefix("H1") }.isEmpty)
            await #expect(throws: StoreError.forbidden) { try await AuditStore(db).search(by: cadre) }
        }
    }

    @Test("regions: rename, add, load a county's village list", arguments: Backend.available)
    func regions(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let admin = try await Fixture.actor(db, "adm", .admin, Fixture.county)
            let regions = RegionStore(db)
            try await regions.upsert(Region(code: Fixture.village, name: "牌楼社区"), by: admin)
            #expect(try await regions.region(Fixture.village)?.name == "牌楼社区")
            let csv = "code,name,level,parent_code\n430481100201,新村,village,430481100000\n430481001001,牌楼居委会,village,430481001000\n"
            let r = try await regions.loadVillages(csv: Array(csv.utf8), file: "v.csv", by: admin)
            #expect(r.added == 1 && r.renamed == 1)
            #expect(try await regions.region(RegionCode("430481100201")!)?.name == "新村")
            let outside = await #expect(throws: StoreError.self) {
                try await regions.loadVillages(csv: Array("code,name\n110101001001,外县村\n".utf8), file: "v.csv", by: admin)
            }
            #expect(outside?.fields == ["v.csv:2"])
            #expect(try await regions.region(RegionCode("110101001001")!) == nil)
        }
    }
}
