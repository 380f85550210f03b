import DoudiDomain
import DoudiStore
import DoudiTestSupport
import Foundation
import Testing

@Suite("Part of a name or of a household number finds the households that hold it, after an import and after edits, on each backend")
struct PartSearchTests {
    @Test(arguments: Backend.available)
    func everyPartFindsItsHouseholds(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let county = try await Fixture.actor(db, "county", .countyOfficer, Fixture.county)
            let (h, m) = ImportTests.files(40)
            // The first load is larger than the register: the path that rebuilds every index at the end.
            let loaded = try await RegisterImporter(db).run(households: "h.csv", Array(h.utf8), members: "m.csv", Array(m.utf8), by: county)
            #expect(loaded.importedHouseholds == 40 && loaded.rejections.isEmpty)
            let store = HouseholdStore(db)
            let all = try await store.search(by: county, limit: 200).items.map(\.id)
            var names: [String: [String]] = [:]  // household → its members' names
            for id in all { names[id] = try #require(try await store.get(id, by: county)).members.map(\.member.name) }
            func found(_ text: String) async throws -> Set<String> {
                Set(try await store.search(by: county, text: text, limit: 200).items.map(\.id))
            }
            // Every part of every name (one character up to the whole), against the register read one by one.
            var parts = Set<String>()
            for list in names.values { for name in list { parts.formUnion(Self.substrings(name)) } }
            var checked = 0
            for part in parts.sorted() {
                let expected = Set(names.filter { $0.value.contains { $0.contains(part) } }.keys)
                #expect(try await found(part) == expected, "“\(part)”")
                checked += 1
            }
            #expect(checked > 100)
            // The commonest character, a page of three at a time: every household once, the same total on each page.
            let common = try #require(parts.filter { $0.count == 1 }.max { a, b in
                names.values.filter { $0.contains { $0.contains(a) } }.count < names.values.filter { $0.contains { $0.contains(b) } }.count
            })
            let expected = Set(names.filter { $0.value.contains { $0.contains(common) } }.keys)
            var paged: [String] = []
            for offset in stride(from: 0, through: expected.count, by: 3) {
                let page = try await store.search(by: county, text: common, limit: 3, offset: offset)
                #expect(page.total == expected.count)
                paged += page.items.map(\.id)
            }
            #expect(expected.count > 3 && paged.count == expected.count && Set(paged) == expected)
            // Parts of household numbers of three characters or more (the trigram index) and shorter (read).
            for id in all.prefix(8) {
                for part in [String(id.dropFirst(4).prefix(6)), String(id.suffix(3)), String(id.suffix(2)).lowercased()] {
                    let expected = Set(all.filter { $0.uppercased().contains(part.uppercased()) })
                    #expect(try await found(part) == expected, "“\(part)”")
                }
            }
            let none = try await found("ZZZ"), noName = try await found("王王王王")
            #expect(none.isEmpty && noName.isEmpty)

            // Edits are followed: a person added is found by a part of the name; households imported later are found, and one
            // left out is not.
            let target = all[3]
            let extra = Member(residentID: validID("43048120150101007"), householdID: target, name: "欧阳修远", relation: .child, laborAbility: .none)
            _ = try await store.addMember(extra, by: county)
            let given = try await found("修远"), middle = try await found("阳修")
            #expect(given == [target] && middle == [target])
            // Two more households, one of them left out after its rows were written (a member's relation is
            // wrong): its names and number are gone with it, the other's are found.
            let (h2, m2) = ImportTests.files(42)
            let newIDs = h2.split(separator: "\n").dropFirst(41).map { String($0.split(separator: ",")[0]) }
            let (kept, leftOut) = (newIDs[0], newIDs[1])
            var memberLines = [String(m2.split(separator: "\n")[0])]
            for line in m2.split(separator: "\n").dropFirst() where newIDs.contains(where: { line.contains(",\($0),") }) {
                var f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                f[4] = f[1] == kept ? "诸葛亮亮" : "司马光明"
                memberLines.append(f.joined(separator: ","))
            }
            let lastOfLeftOut = try #require(memberLines.lastIndex { $0.contains(",\(leftOut),") })
            var wrong = memberLines[lastOfLeftOut].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            wrong[2] = "当家人"
            memberLines[lastOfLeftOut] = wrong.joined(separator: ",")
            let hLines: [String] = h2.split(separator: "\n").map(String.init)
            let hNew = ([hLines[0]] + Array(hLines.dropFirst(41))).joined(separator: "\n") + "\n"
            let second = try await RegisterImporter(db).run(households: "h.csv", Array(hNew.utf8), members: "m.csv",
                                                            Array((memberLines.joined(separator: "\n") + "\n").utf8), by: county)
            #expect(second.importedHouseholds == 1, "\(second.rejections.prefix(2))")
            let keptName = try await found("葛亮"), goneName = try await found("马光"), goneNumber = try await found(String(leftOut.suffix(5)))
            #expect(keptName == [kept] && goneName.isEmpty && !goneNumber.contains(leftOut))
        }
    }

    /// A common character has more endings than a page's first read (2 × 1 + 64): the households are counted by
    /// the database (PostgreSQL's DISTINCT in byte order), and the count is the register's.
    @Test(arguments: Backend.available)
    func aCountedTotalIsTheRegisters(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let county = try await Fixture.actor(db, "county", .countyOfficer, Fixture.county)
            let (h, m) = ImportTests.files(1_000)
            _ = try await RegisterImporter(db).run(households: "h.csv", Array(h.utf8), members: "m.csv", Array(m.utf8), by: county)
            var names: [String: [String]] = [:]
            for line in m.split(separator: "\n").dropFirst() {
                let f = line.split(separator: ",", omittingEmptySubsequences: false)
                names[String(f[1]), default: []].append(String(f[4]))
            }
            let endings = { (c: Character) in names.values.reduce(0) { $0 + $1.reduce(0) { $0 + $1.filter { $0 == c }.count } } }
            let common = try #require(Set(names.values.joined().joined()).max { endings($0) < endings($1) })
            #expect(endings(common) > 66)
            let expected = names.filter { $0.value.contains { $0.contains(common) } }.count
            let store = HouseholdStore(db)
            for offset in [0, 7] {
                let page = try await store.search(by: county, text: String(common), limit: 1, offset: offset)
                #expect(page.total == min(expected, HouseholdStore.countCap + 1) && page.items.count == 1, "“\(common)”")
            }
        }
    }

    static func substrings(_ s: String) -> Set<String> {
        let c = Array(s)
        var out = Set<String>()
        for i in c.indices { for j in i..<c.count { out.insert(String(c[i...j])) } }
        return out
    }
}
