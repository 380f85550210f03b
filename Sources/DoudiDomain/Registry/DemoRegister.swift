/// A made-up register for the demo county and the benchmarks: plausible households with valid resident IDs.
/// Deterministic for a seed, so a demo and a benchmark can be reproduced.
public struct DemoRegister {
    public struct Generator: RandomNumberGenerator {
        var state: UInt64
        public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
        /// splitmix64
        public mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
    static let given = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国海燕志春德福林生荣文辉翠菊凤云峰斌波宇浩")

    public var villages: [RegionCode]
    public var today: CivilDate
    public init(villages: [RegionCode], today: CivilDate) { self.villages = villages; self.today = today }

    static func name(_ g: inout Generator) -> String {
        var s = String(surnames.randomElement(using: &g)!)
        for _ in 0..<Int.random(in: 1...2, using: &g) { s.append(given.randomElement(using: &g)!) }
        return s
    }

    /// A valid 18-character ID registered in `county` (6 digits), born on `birth`, of `sex`; `serial` keeps it unique.
    public static func residentID(county: String, birth: CivilDate, sex: Sex, serial: Int) -> ResidentID {
        let seq = (serial % 500) * 2 + (sex == .male ? 1 : 0)
        func pad(_ v: Int, _ n: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, n - s.count)) + s }
        let body = county + pad(birth.year, 4) + pad(birth.month, 2) + pad(birth.day, 2) + pad(seq, 3)
        let check = ResidentID.checkCharacter(for: Array(body.utf8))
        return try! ResidentID(body + String(UnicodeScalar(check)))
    }

    /// Household `index` (0-based) of the demo register; identifiers are `H` + the village code + a serial.
    /// `used` holds the IDs handed out so far, so that no two people share one.
    public func household(_ index: Int, seed: UInt64 = 2020, used: inout Set<UInt64>) -> HouseholdRecord {
        var g = Generator(seed: seed &+ UInt64(index) &* 1_000_003)
        let village = villages[index % villages.count]
        let county = String(village.description.prefix(6))
        let statusRoll = Int.random(in: 0..<100, using: &g)
        let status: PovertyStatus = statusRoll < 18 ? .exited : (statusRoll < 20 ? .notExited : .none)
        let dibao = Int.random(in: 0..<100, using: &g) < 8
        let household = Household(
            id: "H" + village.description + "-" + String(index), regionCode: village, povertyStatus: status, dibao: dibao,
            nearDibao: !dibao && Int.random(in: 0..<100, using: &g) < 4, extremeHardship: Int.random(in: 0..<100, using: &g) < 2,
            incomePerCapita: Int.random(in: 4_000...30_000, using: &g), address: "")
        let size = [1, 2, 3, 3, 4, 4, 4, 5, 5, 6, 4][Int.random(in: 0..<11, using: &g)]
        var members: [Member] = []
        let headAge = Int.random(in: 28...78, using: &g)
        // Serial numbers are unique per index within a county and birth date range.
        for k in 0..<size {
            let relation: Relation = k == 0 ? .head : (k == 1 ? .spouse : (k < size - 1 || size < 5 ? .child : .parent))
            let age: Int
            switch relation {
            case .head: age = headAge
            case .spouse: age = max(20, headAge + Int.random(in: -5...5, using: &g))
            case .child: age = max(0, headAge - Int.random(in: 20...35, using: &g))
            default: age = min(100, headAge + Int.random(in: 20...30, using: &g))
            }
            var birth = CivilDate(year: today.year - age, month: Int.random(in: 1...12, using: &g), day: Int.random(in: 1...28, using: &g))!
            if birth > today { birth = CivilDate(year: birth.year - 1, month: birth.month, day: birth.day)! }
            let sex: Sex = relation == .head ? (Int.random(in: 0..<10, using: &g) < 8 ? .male : .female)
                : relation == .spouse ? (members[0].sex == .male ? .female : .male) : (Bool.random(using: &g) ? .male : .female)
            var serial = index &* 7 &+ k
            var rid = Self.residentID(county: county, birth: birth, sex: sex, serial: serial)
            while !used.insert(rid.key).inserted {
                serial += 1
                rid = Self.residentID(county: county, birth: birth, sex: sex, serial: serial)
            }
            let labour: LaborAbility = age < 16 || age > 70 ? .none : (Int.random(in: 0..<10, using: &g) < 8 ? .full : .partial)
            let disabled = Int.random(in: 0..<100, using: &g) < 3
            let school: Schooling = age < 6 ? .preschool : age < 12 ? .primary : age < 15 ? .juniorSecondary : age < 18 ? .seniorSecondary : .notInSchool
            let work: Employment = labour == .none || age < 16 ? .notApplicable : [.inCounty, .inProvince, .outOfProvince, .notWorking][Int.random(in: 0..<4, using: &g)]
            let phone = age >= 18 && Bool.random(using: &g) ? "13" + String(Int.random(in: 100_000_000...999_999_999, using: &g)) : nil
            members.append(Member(residentID: rid, householdID: household.id, name: Self.name(&g), relation: relation, sex: sex,
                                  birthDate: birth, laborAbility: labour, health: disabled ? .disabled : (Int.random(in: 0..<100, using: &g) < 8 ? .chronicIllness : .healthy),
                                  disabilityGrade: disabled ? Int.random(in: 1...4, using: &g) : nil, schooling: school, employment: work,
                                  phone: phone, childCategory: age < 18 && Int.random(in: 0..<100, using: &g) < 6 ? .leftBehindChild : nil))
        }
        return HouseholdRecord(household: household, members: members)
    }
}
