import PropertyBased
import Testing
@testable import DoudiDomain

@Suite("RegionCode (R-DATA-3)")
struct RegionCodeTests {
    @Test("level and parent", arguments: [
        ("430000000000", RegionCode.Level.province, nil as String?),
        ("430400000000", .prefecture, "430000000000"),
        ("430481000000", .county, "430400000000"),
        ("430481214000", .township, "430481000000"),
        ("430481214201", .village, "430481214000"),
        // 东莞: townships directly under the prefecture.
        ("441900003000", .township, "441900000000"),
    ])
    func levelAndParent(_ code: String, _ level: RegionCode.Level, _ parent: String?) {
        let c = RegionCode(code)!
        #expect(c.level == level)
        #expect(c.parent?.description == parent)
    }

    @Test("rejects what is not a 12-digit division code", arguments: ["43048100000", "4304810000000", "43048100000a", "000000000000", "100000000000"])
    func rejects(_ s: String) { #expect(RegionCode(s) == nil) }

    @Test func ancestorsAndSubtree() {
        let v = RegionCode("430481214201")!
        #expect(v.ancestors.map(\.description) == ["430481214000", "430481000000", "430400000000", "430000000000"])
        for a in v.ancestors { #expect(a.contains(v)) }
        #expect(!v.contains(v.parent!))
        #expect(!RegionCode("430481214000")!.contains(RegionCode("430481213001")!))
        #expect(RegionCode.country.contains(v))
    }

    @Test("display type from the code ranges", arguments: [
        ("430481001000", RegionCode.DisplayType.subdistrict), ("430481102000", .town), ("430481214000", .ruralTownship),
        ("430481001001", .residentsCommittee), ("430481214201", .villagersCommittee),
        ("430481000000", .countyCity), ("430421000000", .countyProper), ("430405000000", .district),
        ("433100000000", .prefectureRegion), ("429000000000", .provinceAdministered),
    ])
    func displayType(_ code: String, _ type: RegionCode.DisplayType) {
        #expect(RegionCode(code)!.displayType == type)
    }

    /// Codes of every level: a random code with zero, three or more trailing digits zeroed.
    static let anyCode = Gen.int64(in: 110_000_000_000...829_999_999_999).map { (v: Int64) -> UInt64 in
        let cuts: [UInt64] = [1, 1_000, 1_000_000, 100_000_000, 10_000_000_000]
        let cut = cuts[Int(v % 5)]
        return UInt64(v) - UInt64(v) % cut
    }

    @Test func everyAncestorContainsAndIsHigher() async {
        await propertyCheck(input: Self.anyCode) { value in
            guard let c = RegionCode(value: value) else { return }
            var previous = c
            for a in c.ancestors {
                #expect(a.level < previous.level)
                #expect(a.contains(c))
                #expect(a.subtreeRange.contains(c.value))
                previous = a
            }
            #expect(RegionCode(prefix: c.prefix) == c)
        }
    }
}
