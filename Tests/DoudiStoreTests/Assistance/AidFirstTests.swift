import DoudiDomain
import DoudiStore
import DoudiTestSupport
import Foundation
import Testing

@Suite("Aid first and the reserve funds (R-LS-1): paid at once within the township's ceiling and the fund, for the register or outside it; paperwork due; figures")
struct AidFirstTests {
    static let county = Actor(userID: 0, username: "cty", role: .countyOfficer, region: Fixture.county)
    static let township = Actor(userID: 0, username: "twn", role: .townshipOfficer, region: Fixture.township)
    static let otherTownship = Actor(userID: 0, username: "oth", role: .townshipOfficer, region: RegionCode("430481002000")!)
    static func outsider(_ amount: Int, place: RegionCode = Fixture.village) -> AidFirstInput {
        AidFirstInput(recipient: .outside(name: "赵外来", residentID: validID("36048119900101001"), registeredAt: "江西省瑞金市"), place: place, kind: .emergency,
                      amount: amount, reason: "务工途中受伤，无力返乡")
    }

    @Test(arguments: Backend.available)
    func paidFromTheFundWithinTheCeiling(_ backend: Backend) async throws {
        let clock = MovableClock(start: 1_795_000_000_000)  // 2026-11-18, a Wednesday (Beijing)
        try await withFreshDatabase(backend, clock: clock.clock) { db in
            let village = try await Fixture.actor(db, "vil", .villageCadre, Fixture.village)
            _ = try await ApplicationStoreTests.household(db, "F1", village)
            let aid = AidFirstStore(db), today = db.clock.today()
            // Only the county funds a township; nothing is paid from an empty fund.
            await #expect(throws: StoreError.forbidden) { try await aid.deposit(Fixture.township, amount: 5_000, note: "", by: Self.township, today: today) }
            await #expect(throws: StoreError.self) { try await aid.pay(Self.outsider(100), by: Self.township, today: today) }
            #expect(try await aid.deposit(Fixture.township, amount: 5_000, note: "2026年第四季度备用金", by: Self.county, today: today) == 5_000)
            // A household of the register, then a person registered in another province (urban standard 678 × 3 = 2,034 at most).
            let first = try await aid.pay(AidFirstInput(recipient: .household("F1"), place: Fixture.village, kind: .expense, amount: 1_000, reason: "住院自付费用"),
                                          by: Self.township, today: today)
            try await aid.pay(Self.outsider(1_500), by: Self.township, today: today)
            await #expect(throws: StoreError.self) { try await aid.pay(Self.outsider(2_035), by: Self.township, today: today) }
            // 2,500 left: 2,000 passes, then 600 does not; a refused payment leaves no record.
            try await aid.pay(Self.outsider(2_000), by: Self.township, today: today)
            await #expect(throws: StoreError.self) { try await aid.pay(Self.outsider(600), by: Self.township, today: today) }
            #expect(try await aid.funds(by: Self.township).map(\.balance) == [500])
            #expect(try await aid.movements(Fixture.township, by: Self.township).movements.map(\.amount) == [-2_000, -1_500, -1_000, 5_000])
            // Another township neither finds the household nor pays where it does not reach; it sees none of it.
            await #expect(throws: StoreError.notFound) {
                try await aid.pay(AidFirstInput(recipient: .household("F1"), place: RegionCode("430481002001")!, kind: .expense, amount: 10, reason: "x"),
                                  by: Self.otherTownship, today: today)
            }
            await #expect(throws: StoreError.notFound) { try await aid.pay(Self.outsider(10), by: Self.otherTownship, today: today) }
            #expect(try await aid.list(by: Self.otherTownship).isEmpty)
            let list = try await aid.list(by: village)
            #expect(list.count == 3 && list.filter(\.outside).allSatisfy { $0.maskedID?.hasPrefix("3604") == true && $0.maskedID?.contains("*") == true })
            // Ten working days for the paperwork: Wednesday 18 November → Wednesday 2 December.
            let r = try #require(try await aid.record(first, by: village))
            #expect(r.householdID == "F1" && r.name == "王大" && r.dueOn == CivilDate("2026-12-02"))
            var figures = try await AssistanceFigures.of(db, region: Fixture.county, month: YearMonth("2026-11")!, by: Self.county)
            #expect(figures.aidFirst == .init(paid: 3, amount: 4_500, outside: 2, overdue: 0))
            // Fifteen days on (3 December) the first is completed, a day late; the other two stay open, overdue.
            clock.advance(hours: 24 * 15)
            await #expect(throws: StoreError.forbidden) { try await aid.complete(first, note: "已补交申请书", by: village, today: db.clock.today()) }
            await #expect(throws: StoreError.self) { try await aid.complete(first, note: " ", by: Self.township, today: db.clock.today()) }
            try await aid.complete(first, note: "已补交申请书和核对授权书，县级审批", by: Self.township, today: db.clock.today())
            let done = try #require(try await aid.record(first, by: village))
            #expect(done.completedOn == CivilDate("2026-12-03") && done.late(today: db.clock.today()))
            figures = try await AssistanceFigures.of(db, region: Fixture.county, month: YearMonth("2026-12")!, by: Self.county)
            #expect(figures.aidFirst == .init(paid: 0, amount: 0, outside: 0, overdue: 2))
            #expect(try await AuditStore(db).search(by: .system(), action: "aid.first").count == 3)
            #expect(try await AuditStore(db).search(by: .system(), action: "reserve.deposit").count == 1)
        }
    }

    @Test(arguments: Backend.available)
    func temporaryAidIsPaidOnce(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let village = try await Fixture.actor(db, "vil", .villageCadre, Fixture.village)
            let members = try await ApplicationStoreTests.household(db, "T1", village)
            let store = ApplicationStore(db)
            let id = try await store.apply(ApplicationInput(householdID: "T1", kind: .temporaryAid, covered: members, income: IncomeStatement([]), authorised: true),
                                           by: village, today: PaymentRollTests.d("2026-10-01"), draw: 99)
            for (actor, action, day) in [(Self.township, ApplicationAction.accept, "2026-10-02"), (Self.township, .recordHomeVisit(note: "火灾"), "2026-10-03"),
                                         (Self.township, .opinion(approve: true, amount: 3_000, reasons: ""), "2026-10-09"),
                                         (village, .startNotice(from: PaymentRollTests.d("2026-10-10"), to: PaymentRollTests.d("2026-10-17")), "2026-10-10"),
                                         (village, .closeNotice, "2026-10-18"), (Self.county, .approve(amount: 3_000), "2026-11-03")] {
                try await store.act(id, action, by: actor, today: PaymentRollTests.d(day))
            }
            #expect(try await BenefitChangeTests.paid(db, "2026-11") == ["T1": 3_000])
            #expect(try await BenefitChangeTests.paid(db, "2026-12").isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func temporaryAidIsApprovedByItsTier(_ backend: Backend) async throws {
        try await withFreshDatabase(backend) { db in
            let village = try await Fixture.actor(db, "vil", .villageCadre, Fixture.village)
            let store = ApplicationStore(db)
            let d = PaymentRollTests.d
            // Urban standard 678: the township approves up to 2,034, the county up to 8,136, the joint meeting up to 24,408.
            func proposed(_ id: String, first: Int, _ amount: Int) async throws -> Int64 {
                let members = try await ApplicationStoreTests.household(db, id, village, first: first)
                let app = try await store.apply(ApplicationInput(householdID: id, kind: .temporaryAid, covered: members, income: IncomeStatement([]), authorised: true),
                                                by: village, today: d("2026-10-01"), draw: 99)
                for action in [ApplicationAction.accept, .recordHomeVisit(note: "突发重病")] { try await store.act(app, action, by: Self.township, today: d("2026-10-02")) }
                try await store.act(app, .opinion(approve: true, amount: amount, reasons: ""), by: Self.township, today: d("2026-10-03"))
                for (action, day) in [(ApplicationAction.startNotice(from: d("2026-10-04"), to: d("2026-10-11")), "2026-10-04"), (.closeNotice, "2026-10-12")] {
                    try await store.act(app, action, by: village, today: d(day))
                }
                return app
            }
            let small = try await proposed("K1", first: 10, 1_500)
            #expect(try await store.application(small, by: village)?.summary.state.approver == .township)
            await #expect(throws: StoreError.self) { try await store.act(small, .approve(amount: 1_500), by: Self.county, today: d("2026-10-13")) }
            await #expect(throws: StoreError.self) { try await store.act(small, .approve(amount: 2_100), by: Self.township, today: d("2026-10-13")) }
            try await store.act(small, .approve(amount: 1_500), by: Self.township, today: d("2026-10-13"))
            let large = try await proposed("K2", first: 20, 20_000)
            #expect(try await store.application(large, by: village)?.summary.state.approver == .jointMeeting)
            await #expect(throws: StoreError.self) { try await store.act(large, .approve(amount: 20_000), by: Self.township, today: d("2026-10-13")) }
            try await store.act(large, .approve(amount: 20_000), by: Self.county, today: d("2026-10-13"))
            // Over the joint meeting's ceiling the township cannot even propose it.
            let members = try await ApplicationStoreTests.household(db, "K3", village, first: 30)
            let over = try await store.apply(ApplicationInput(householdID: "K3", kind: .temporaryAid, covered: members, income: IncomeStatement([]), authorised: true),
                                             by: village, today: d("2026-10-01"), draw: 99)
            for action in [ApplicationAction.accept, .recordHomeVisit(note: "火灾")] { try await store.act(over, action, by: Self.township, today: d("2026-10-02")) }
            await #expect(throws: StoreError.self) { try await store.act(over, .opinion(approve: true, amount: 24_409, reasons: ""), by: Self.township, today: d("2026-10-03")) }
        }
    }
}
