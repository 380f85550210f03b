import DoudiDomain
import Foundation
import Testing
@testable import DoudiScreening

/// ../shared/specs/screening-sample, found from this file's place in the repository.
let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared/specs/screening-sample")

@Suite("Screening: the worked sample")
struct SampleTests {
    @Test func flaggedIsByteForByteTheExpectedFile() throws {
        let r = try Screening.run(folder: sample.appendingPathComponent("input").path, parameters: .init(asOf: CivilDate("2025-12-31")!))
        let expected = try [UInt8](Data(contentsOf: sample.appendingPathComponent("expected-flagged.csv")))
        #expect(r.flaggedCSV == expected)
    }

    @Test func summaryHasTheExpectedNumbers() throws {
        let r = try Screening.run(folder: sample.appendingPathComponent("input").path, parameters: .init(asOf: CivilDate("2025-12-31")!))
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: sample.appendingPathComponent("expected-summary.json"))) as! [String: Any]
        let mine = try JSONSerialization.jsonObject(with: Data(r.summaryJSON.utf8)) as! [String: Any]
        for key in expected.keys {
            #expect(NSDictionary(dictionary: ["v": expected[key]!]).isEqual(to: ["v": mine[key] as Any]), "\(key)")
        }
    }
}
