import DoudiDomain
import Foundation
import Testing
@testable import DoudiScreening

/// The register handed over typed (as the database gives it) screens exactly as the same rows in files.
@Suite("Screening: the register handed over typed")
struct RegisterRunTests {
    /// The sample's well-formed rows as typed values; the malformed ones the file run rejects are left out.
    static func register() throws -> ScreeningRegister {
        func rows(_ name: String) throws -> [[String]] {
            try String(contentsOf: sample.appendingPathComponent("input/\(name).csv"), encoding: .utf8)
                .split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        }
        var r = ScreeningRegister(), index: [String: Int32] = [:]
        for f in try rows("households") where f.count == 5 {
            guard let region = RegionCode(f[1]), let status = PovertyStatus(rawValue: f[2]), f[3] == "0" || f[3] == "1",
                  let income = Int64(f[4]), index[f[0]] == nil, !f[0].isEmpty else { continue }
            index[f[0]] = Int32(r.households.count)
            r.households.append(.init(id: f[0], region: region, povertyStatus: status, dibao: f[3] == "1", incomePerCapita: income))
        }
        for f in try rows("members") where f.count == 4 {
            guard let labour = LaborAbility(rawValue: f[3]), Relation(rawValue: f[2]) != nil, !f[0].isEmpty else { continue }
            r.members.append(.init(residentID: f[0], household: index[f[1]] ?? -1, laborAbility: labour))
        }
        return r
    }

    @Test func flagsWhatTheFileRunFlags() throws {
        let p = Screening.Parameters(asOf: CivilDate("2025-12-31")!)
        let files = try Screening.run(folder: sample.appendingPathComponent("input").path, parameters: p)
        let typed = try Screening.run(register: Self.register(), feedsFolder: sample.appendingPathComponent("input").path, parameters: p)
        #expect(typed.flagged.count > 50)
        #expect(typed.flaggedCSV == files.flaggedCSV)
        #expect(typed.unmatched == files.unmatched)
        #expect(typed.membersWithoutHousehold == files.membersWithoutHousehold)
    }

    @Test func aFindingNamesItsRiskKindsAndItsNote() {
        let f = ScreeningFinding(householdID: "H1", regionCode: "430481100201", category: .suddenHardship, signals: [.illness, .death], adjusted: "-10.00")
        #expect(f.riskKinds == [.illness, .lackOfLabour])
        #expect(f.note(asOf: CivilDate("2026-11-20")!) == "筛查 screening 2026-11-20: illness|death → suddenHardship, -10.00")
    }

    @Test func aPersonTwiceInTheRegisterStopsTheRun() throws {
        var r = ScreeningRegister()
        r.households = [.init(id: "H1", region: RegionCode("430481100201")!, povertyStatus: .none, dibao: false, incomePerCapita: 100)]
        r.members = [.init(residentID: "430481198501011236", household: 0, laborAbility: .full), .init(residentID: "430481198501011236", household: 0, laborAbility: .none)]
        #expect(throws: Screening.InputError.self) {
            try Screening.run(register: r, feedsFolder: sample.appendingPathComponent("input").path, parameters: .init(asOf: CivilDate("2025-12-31")!))
        }
    }
}
