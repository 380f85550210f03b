import DoudiDomain
import PropertyBased
import Testing
@testable import DoudiScreening

/// Small hand-made inputs for the rules of specs/screening.md.
struct Input {
    var households = ["household_id,region_code,poverty_status,dibao,income_per_capita"]
    var members = ["resident_id,household_id,relation,labor_ability"]
    var medical = ["resident_id,date,total_cost,out_of_pocket"]
    var unemployment = ["resident_id,date"]
    var disaster = ["resident_id,date,loss"]
    var death = ["resident_id,date"]
    var disability = ["resident_id,date,grade"]

    func run(asOf: String = "2025-12-31", line: Int64 = 7_100) throws -> Screening.Result {
        func b(_ l: [String]) -> [UInt8] { Array((l.joined(separator: "\n") + "\n").utf8) }
        return try Screening.run(contents: [.households: b(households), .members: b(members), .medical: b(medical), .unemployment: b(unemployment),
                                            .disaster: b(disaster), .death: b(death), .disability: b(disability)],
                                 parameters: .init(asOf: CivilDate(asOf)!, monitoringLine: line))
    }
}

let A = "432123197001010011", B = "432123197201010022", C = "432123200001010033"

@Suite("Screening rules")
struct RuleTests {
    @Test("two decimals, half away from zero", arguments: [
        (Int64(2001), Int64(3), "667.00"), (1, 3, "0.33"), (2, 3, "0.67"), (1, 200, "0.01"), (1, 201, "0.00"),
        (-1, 201, "0.00"), (-1, 200, "-0.01"), (-2, 3, "-0.67"), (0, 5, "0.00"), (7100, 1, "7100.00"),
    ])
    func decimals(_ num: Int64, _ n: Int64, _ text: String) {
        #expect(Screening.twoDecimals(numerator: num, n: n) == text)
    }

    @Test func twoDecimalsMatchesExactRounding() async {
        await propertyCheck(input: Gen.int64(in: -10_000_000...10_000_000), Gen.int64(in: 1...12)) { num, n in
            let s = Screening.twoDecimals(numerator: num, n: n)
            let exact = Double(num) / Double(n)
            #expect(abs(Double(s)! - exact) <= 0.005 + 1e-9)
            #expect(s != "-0.00")
        }
    }

    @Test func illnessWindowAndCategories() throws {
        var i = Input()
        i.households += ["H1,432123101208,none,0,8000", "H2,432123101208,exited,0,8000", "H3,432123101208,notExited,0,100", "H4,432123101208,none,0,100000"]
        i.members += ["\(A),H1,head,full", "\(B),H2,head,full", "\(C),H3,head,none", "432123198001010044,H4,head,full"]
        // H1: 1,000 in the window, 9,000 the day before it starts: only the first counts.
        i.medical += ["\(A),2025-01-01,5000,1000", "\(A),2024-12-31,20000,9000", "\(B),2025-06-01,30000,12000", "\(C),2025-06-01,30000,12000",
                      "432123198001010044,2025-06-01,50000,12000"]
        let r = try i.run()
        // H1: oop 1,000 < 10,000 and 2,000 < 8,000: not ill. H2: 12,000 >= 10,000, and >= income: sudden hardship.
        // H3: not exited, never listed. H4: ill but adjusted 88,000 above the line: not listed.
        #expect(r.flagged.map(\.householdID) == ["H2"])
        #expect(r.flagged[0].category == .suddenHardship)
        #expect(r.flagged[0].adjusted == "-4000.00")
    }

    @Test func deathCountsOnlyForFullLabourAndDisabilityOnlyGradesOneTwo() throws {
        var i = Input()
        i.households += ["H1,432123101208,none,0,5000", "H2,432123101208,none,0,5000", "H3,432123101208,none,0,5000"]
        i.members += ["\(A),H1,head,partial", "\(B),H2,head,full", "\(C),H3,head,full"]
        i.death += ["\(A),2025-03-01", "\(B),2025-03-01"]
        i.disability += ["\(C),2025-03-01,3", "\(C),2025-03-02,5"]
        let r = try i.run()
        #expect(r.flagged.map(\.householdID) == ["H2"])
        #expect(r.flagged[0].signals == [.death])
        #expect(r.rejectedLines[.disability] == [3])  // grade 5 is outside 1-4
    }

    @Test func unmatchedRejectedAndOrphans() throws {
        var i = Input()
        i.households += ["H1,432123101208,none,0,5000", "H2,432123101208,none,0,5000", "H3,432123101208,bogus,0,5000"]
        i.members += ["\(A),H1,head,full", "\(B),H9,head,full"]
        i.unemployment += ["\(A),2025-02-30", "999999999999999999,2020-01-01", "\(A),2025-05-05", "\(A)", "\(A),2025-05-05,extra"]
        i.medical += ["\(A),2025-01-01,-5,1", "\(A),2025-01-01,1e3,1", "\(A),2025-01-01, 5,1"]
        let r = try i.run()
        #expect(r.householdsWithoutMembers == 1)  // H2
        #expect(r.membersWithoutHousehold == 1)  // B in H9
        #expect(r.rejectedLines[.households] == [4])
        #expect(r.rejectedLines[.unemployment] == [2, 5, 6])
        #expect(r.rejectedLines[.medical] == [2, 3, 4])
        #expect(r.unmatched[.unemployment] == 1)
        #expect(r.flagged.map(\.householdID) == ["H1"])
        #expect(r.flagged[0].signals == [.unemployment])
        #expect(r.flagged[0].category == .marginalAtRisk)
    }

    @Test func repeatedKeysStopTheRunNamingBothLines() {
        var i = Input()
        i.households += ["H1,432123101208,none,0,5000", "H1,432123101208,none,0,5000"]
        #expect { try i.run() } throws: { ($0 as? Screening.InputError)?.message.en.contains("lines 2 and 3") == true }
        var j = Input()
        j.households += ["H1,432123101208,none,0,5000"]
        j.members += ["\(A),H1,head,full", "\(A),H1,spouse,full"]
        #expect { try j.run() } throws: { ($0 as? Screening.InputError)?.message.en.contains("lines 2 and 3") == true }
    }

    @Test func outputIsSortedByBytesAndTheLineIsAParameter() throws {
        var i = Input()
        i.households += ["h2,432123101208,none,0,6000", "H10,432123101208,none,0,6000", "H9,432123101208,none,0,6000"]
        i.members += ["\(A),h2,head,full", "\(B),H10,head,full", "\(C),H9,head,full"]
        i.unemployment += ["\(A),2025-05-05", "\(B),2025-05-05", "\(C),2025-05-05"]
        #expect(try i.run().flagged.map(\.householdID) == ["H10", "H9", "h2"])
        #expect(try i.run(line: 6000).flagged.isEmpty)  // 6,000 is not below a line of 6,000
    }
}
