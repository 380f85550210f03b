import DoudiDomain

/// Makes a screening input folder's files (specs/screening.md) for benchmarks: a county of `households`
/// with about 3.2 members each, 4 medical bills per household, and the rarer feeds, a few rows malformed or
/// unmatched on purpose. Deterministic for a seed.
public struct ScreeningSampleGenerator {
    public var households: Int
    public var asOf: CivilDate
    public var seed: UInt64

    public init(households: Int, asOf: CivilDate, seed: UInt64 = 7) {
        self.households = households; self.asOf = asOf; self.seed = seed
    }

    /// Calls `write(file, bytes)` with successive pieces of each file, header first.
    public func generate(_ write: (Screening.File, [UInt8]) throws -> Void) rethrows {
        var g = DemoRegister.Generator(seed: seed)
        var out: [Screening.File: [UInt8]] = [:]
        for f in Screening.File.allCases { out[f] = Array((f.columns.joined(separator: ",") + "\n").utf8) }
        func flush(_ force: Bool) throws {
            for (f, b) in out where force || b.count > 1 << 20 {
                try write(f, b)
                out[f] = []
            }
        }
        func pad(_ v: Int, _ n: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, n - s.count)) + s }
        let start = asOf.daysSinceEpoch - 400
        var serial = 0
        for h in 0..<households {
            let hid = "H43" + pad(h &* 7919 % 100_000_000, 8) + pad(h / 100_000_000, 1)
            let region = "4321231012" + pad(1 + Int.random(in: 0..<9, using: &g), 2)
            let roll = Int.random(in: 0..<100, using: &g)
            let status = roll < 25 ? "exited" : (roll < 28 ? "notExited" : "none")
            let ipc = Int.random(in: 3_000...40_000, using: &g)
            out[.households]! += Array("\(hid),\(region),\(status),\(Int.random(in: 0..<100, using: &g) < 6 ? 1 : 0),\(ipc)\n".utf8)
            let n = [1, 2, 2, 3, 3, 3, 4, 4, 4, 5][Int.random(in: 0..<10, using: &g)] + (Int.random(in: 0..<5, using: &g) == 0 ? 1 : 0)
            var ids: [String] = []
            for k in 0..<n {
                serial += 1
                // Birth day and sequence number follow the serial, so no two people share an id.
                let birth = CivilDate(daysSinceEpoch: -25_000 + (serial / 1000) % 40_000)
                let body = "432123" + pad(birth.year, 4) + pad(birth.month, 2) + pad(birth.day, 2) + pad(serial % 1000, 3)
                let rid = body + String(UnicodeScalar(ResidentID.checkCharacter(for: Array(body.utf8))))
                ids.append(rid)
                let relation = k == 0 ? "head" : ["spouse", "child", "child", "parent", "other"][Int.random(in: 0..<5, using: &g)]
                let labour = ["full", "full", "full", "partial", "none"][Int.random(in: 0..<5, using: &g)]
                out[.members]! += Array("\(rid),\(hid),\(relation),\(labour)\n".utf8)
            }
            func day() -> String { CivilDate(daysSinceEpoch: start + Int.random(in: 0...400, using: &g)).description }
            for _ in 0..<Int.random(in: 0...8, using: &g) {
                let total = Int.random(in: 50...(Int.random(in: 0..<50, using: &g) == 0 ? 200_000 : 5_000), using: &g)
                out[.medical]! += Array("\(ids.randomElement(using: &g)!),\(day()),\(total),\(total * Int.random(in: 10...60, using: &g) / 100)\n".utf8)
            }
            if Int.random(in: 0..<100, using: &g) < 6 { out[.unemployment]! += Array("\(ids.randomElement(using: &g)!),\(day())\n".utf8) }
            if Int.random(in: 0..<100, using: &g) < 1 { out[.disaster]! += Array("\(ids[0]),\(day()),\(Int.random(in: 500...60_000, using: &g))\n".utf8) }
            if Int.random(in: 0..<200, using: &g) < 1 { out[.death]! += Array("\(ids.randomElement(using: &g)!),\(day())\n".utf8) }
            if Int.random(in: 0..<200, using: &g) < 1 { out[.disability]! += Array("\(ids.randomElement(using: &g)!),\(day()),\(Int.random(in: 1...4, using: &g))\n".utf8) }
            // Now and then a person from elsewhere, and a malformed row.
            if Int.random(in: 0..<1000, using: &g) == 0 { out[.medical]! += Array("110105194912310021,\(day()),100,50\n".utf8) }
            if Int.random(in: 0..<5000, using: &g) == 0 { out[.medical]! += Array("\(ids[0]),2025-02-30,100,50\n".utf8) }
            try flush(false)
        }
        try flush(true)
    }
}
