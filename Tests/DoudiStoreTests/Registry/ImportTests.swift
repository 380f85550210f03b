import DoudiDomain
import DoudiSheets
import DoudiStore
import DoudiTestSupport
import Foundation
import Testing

@Suite("Bulk import, on each backend")
struct ImportTests {
    /// A register of `n` demo households in 耒阳市 as the two CSV files, with optional extra columns.
    static func files(_ n: Int) -> (h: String, m: String) {
        let villages = ["430481001001", "430481001002", "430481001003"].compactMap { RegionCode($0) }
        let demo = DemoRegister(villages: villages, today: CivilDate(year: 2026, month: 11, day: 22)!)
        var used = Set<UInt64>()
        var h = "household_id,region_code,poverty_status,dibao,income_per_capita\n"
        var m = "resident_id,household_id,relation,labor_ability,name,sex,phone\n"
        for i in 0..<n {
            let r = demo.household(i, used: &used)
            h += "\(r.household.id),\(r.household.regionCode),\(r.household.povertyStatus.rawValue),\(r.household.dibao ? 1 : 0),\(r.household.incomePerCapita)\n"
            for p in r.members { m += "\(p.residentID.text),\(p.householdID),\(p.relation.rawValue),\(p.laborAbility.rawValue),\(p.name),,\(p.phone ?? "")\n" }
        }
        return (h, m)
    }

    /// The same files as a county fills in the Chinese template: Chinese column names and words for the values.
    static func chinese(_ csv: String, _ columns: [ImportTemplate.Column]) -> [[Sheet.Cell]] {
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines[0]
        let words: [String: (String) -> String] = [
            "poverty_status": { PovertyStatus(rawValue: $0)?.chinese ?? $0 }, "dibao": { $0 == "1" ? "是" : "否" },
            "relation": { Relation(rawValue: $0)?.chinese ?? $0 }, "labor_ability": { LaborAbility(rawValue: $0)?.chinese ?? $0 },
        ]
        let names = header.map { code in columns.first { $0.code == code }?.chinese ?? code }
        return [names.map(Sheet.Cell.text)] + lines.dropFirst().map { row in
            zip(header, row).map { code, value in .text(words[code]?(value) ?? value) }
        }
    }

    @Test("the Chinese template is taken as Excel and as CSV: the same register as the code names give", arguments: Backend.available)
    func chineseTemplateInExcelAndCSV(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let (h, m) = Self.files(30)
            let hRows = Self.chinese(h, ImportTemplate.households), mRows = Self.chinese(m, ImportTemplate.members)
            #expect(hRows[0].first == .text("户编号") && mRows.dropFirst().contains { $0.contains(.text("户主")) })
            let book = { (rows: [[Sheet.Cell]]) in try Sheet(name: "x", headers: rows[0].map { if case .text(let s) = $0 { s } else { "" } }, rows: Array(rows.dropFirst())).xlsx() }
            let county = try await Fixture.actor(db, "county", .countyOfficer, Fixture.county)
            let importer = RegisterImporter(db)
            let first = try await importer.run(households: "户表.xlsx", Array(try book(hRows)), members: "成员表.xlsx", Array(try book(mRows)), by: county)
            #expect(first.importedHouseholds == 30 && first.rejections.isEmpty, "\(first.rejections.prefix(3))")
            // The code-name files of the same register change nothing: the Chinese words meant the same values.
            let again = try await importer.run(households: "households.csv", Array(h.utf8), members: "members.csv", Array(m.utf8), by: county)
            #expect(again.importedHouseholds == 0 && again.rejections.isEmpty && again.unchangedHouseholds == 30)
            // A Chinese CSV (as Excel saves “CSV UTF-8”) is the same again.
            let csv = { (rows: [[Sheet.Cell]]) in Sheet(name: "x", headers: [], rows: rows).csv.split(separator: "\n", maxSplits: 1)[1] }
            let third = try await importer.run(households: "户表.csv", Array(csv(hRows).utf8), members: "成员表.csv", Array(csv(mRows).utf8), by: county)
            #expect(third.unchangedHouseholds == 30 && third.rejections.isEmpty, "\(third.rejections.prefix(3))")
            // A wrong word is named in Chinese, with the words allowed.
            let bad = String(csv(mRows)).replacingOccurrences(of: ",户主,", with: ",当家人,")
            let refused = try await importer.run(households: "户表.csv", Array(csv(hRows).utf8), members: "成员表.csv", Array(bad.utf8), by: county)
            #expect(refused.rejections.contains { $0.field == "relation" && $0.message.zh.contains("当家人") && $0.message.zh.contains("户主、配偶") })
            // A file that is not a workbook though it looks like one is refused in words, nothing stored.
            await #expect(throws: StoreError.self) {
                try await importer.run(households: "户表.xlsx", Array("PK\u{03}\u{04}broken".utf8), members: "成员表.csv", Array(m.utf8), by: county)
            }
        }
    }

    @Test("good households are stored whole, bad ones left out and reported, a re-run changes nothing", arguments: Backend.available)
    func importAndRerun(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            var (h, m) = Self.files(300)
            // Break one member's check character and one household's region.
            var lines = m.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let broken = lines[5]
            let brokenHousehold = broken.split(separator: ",")[1]
            lines[5] = String(broken.prefix(17)) + (broken.dropFirst(17).first == "1" ? "2" : "1") + broken.dropFirst(18)
            m = lines.joined(separator: "\n")
            var hl = h.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let badRegionHousehold = hl[10].split(separator: ",")[0]
            hl[10] = hl[10].replacingOccurrences(of: "4304810010", with: "4304819990")
            h = hl.joined(separator: "\n")

            let importer = RegisterImporter(db)
            let cadre = try await Fixture.actor(db, "county", .countyOfficer, Fixture.county)
            let r = try await importer.run(households: "households.csv", Array(h.utf8), members: "members.csv", Array(m.utf8), by: cadre)
            #expect(r.householdRows == 300)
            #expect(r.importedHouseholds == 298)
            #expect(r.leftOutHouseholds == 2)
            #expect(r.rejections.contains { $0.file == "members.csv" && $0.line == 6 && $0.field == "resident_id" })
            #expect(r.rejections.contains { $0.file == "households.csv" && $0.line == 11 && $0.field == "region_code" })
            #expect(r.rejections.contains { $0.householdID == String(brokenHousehold) && $0.file == "households.csv" })
            #expect(r.csv.hasPrefix("file,line,field,reason_zh,reason_en,household_id\n"))
            let store = HouseholdStore(db)
            #expect(try await store.get(String(brokenHousehold), by: cadre) == nil)
            #expect(try await store.get(String(badRegionHousehold), by: cadre) == nil)
            let counts = try await store.counts()
            #expect(counts.households == 298)
            #expect(counts.members == r.importedMembers)
            // Sex came from the resident ID; the phone column was kept.
            // The list's total (kept by the database as households come and go) leaves the two out too.
            let first = try await store.search(by: cadre, limit: 1)
            #expect(first.total == 298)
            let some = first.items[0].id
            let one = try #require(try await store.get(some, by: cadre))
            #expect(one.members.allSatisfy { $0.member.sex == $0.member.residentID.sex })
            // The bulk path's audit entries are links of the chain like any other.
            let verdict = try await AuditStore(db).verify()
            #expect(verdict.firstBroken == nil && verdict.entries >= 298)

            let again = try await importer.run(households: "households.csv", Array(h.utf8), members: "members.csv", Array(m.utf8), by: cadre)
            #expect(again.importedHouseholds == 0)
            #expect(again.unchangedHouseholds == 298)
            #expect(again.nothingChanged)
            #expect(again.summary.en.contains("did not change"))
            #expect(try await store.counts() == counts)
        }
    }

    @Test("a household left out by a later row, or as a whole, leaves no row and no audit entry behind", arguments: Backend.available)
    func leftOutLate(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let (h, m) = Self.files(40)
            var rows = m.split(separator: "\n").map(String.init)
            let header = rows.removeFirst()
            func household(_ row: String) -> String { String(row.split(separator: ",", omittingEmptySubsequences: false)[1]) }
            var seen = Set<String>()
            let ids = rows.map(household).filter { seen.insert($0).inserted }
            let (twoHeads, borrower, lender, empty) = (ids[3], ids[5], ids[7], ids[9])
            // A second head; a person of another household listed again at the very end, under `borrower`;
            // a household with no members left.
            let second = try #require(rows.firstIndex { household($0) == twoHeads && $0.contains(",spouse,") || household($0) == twoHeads && $0.contains(",child,") })
            rows[second] = rows[second].replacingOccurrences(of: ",spouse,", with: ",head,").replacingOccurrences(of: ",child,", with: ",head,")
            let lent = try #require(rows.first { household($0) == lender })
            rows.removeAll { household($0) == empty }
            rows.append(lent.replacingOccurrences(of: lender, with: borrower))
            let members = ([header] + rows).joined(separator: "\n") + "\n"

            let county = try await Fixture.actor(db, "county", .countyOfficer, Fixture.county)
            let r = try await RegisterImporter(db).run(households: "h.csv", Array(h.utf8), members: "m.csv", Array(members.utf8), by: county)
            #expect(r.importedHouseholds == 37)
            #expect(r.leftOutHouseholds == 3)
            #expect(r.rejections.contains { $0.file == "m.csv" && $0.line == rows.count + 1 && $0.field == "resident_id" }, "\(r.rejections)")
            let store = HouseholdStore(db)
            for id in [twoHeads, borrower, empty] {
                #expect(try await store.get(id, by: county) == nil, "\(id) was left out")
                #expect(try await AuditStore(db).search(by: Actor.system(), subject: id).isEmpty, "no audit entry for \(id)")
            }
            #expect(try await store.get(lender, by: county)?.members.count == rows.filter { household($0) == lender }.count)
            let counts = try await store.counts()
            #expect(counts.households == 37)
            #expect(counts.members == r.importedMembers)
            #expect(r.importedMembers == rows.filter { ![twoHeads, borrower, empty].contains(household($0)) }.count)
        }
    }

    @Test("a file with a missing column changes nothing", arguments: Backend.available)
    func missingColumn(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let cadre = try await Fixture.actor(db, "county", .countyOfficer, Fixture.county)
            let missing = await #expect(throws: StoreError.self) {
                try await RegisterImporter(db).run(households: "h.csv", Array("household_id,region_code\n".utf8), members: "m.csv",
                                                   Array("resident_id,household_id,relation,labor_ability\n".utf8), by: cadre)
            }
            #expect(missing?.fields == ["file"])
            #expect(try await HouseholdStore(db).counts() == (0, 0))
        }
    }

    @Test("households outside the importer's region are rejected", arguments: Backend.available)
    func outsideScope(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let (h, m) = Self.files(20)
            let cadre = try await Fixture.actor(db, "village", .villageCadre, Fixture.village)
            let r = try await RegisterImporter(db).run(households: "h.csv", Array(h.utf8), members: "m.csv", Array(m.utf8), by: cadre)
            #expect(r.importedHouseholds > 0)
            #expect(r.leftOutHouseholds > 0)
            let stored = try await HouseholdStore(db).search(by: Actor.system(), limit: 200).items
            #expect(stored.allSatisfy { $0.region == Fixture.village })
        }
    }
}
