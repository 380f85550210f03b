import DoudiDomain

/// The demo's children left without a guardian, all in the demo village: seen by the `children` account (the
/// township's supervisor), not by the village's cadre nor by the `hotline` account (another operator took the call);
/// the `hospital` account sees the one it reported.
enum DemoChildren {
    static func load(_ db: Database, today: CivilDate) async throws {
        let store = ChildCaseStore(db), village = DemoLoader.village
        let director = Actor(userID: 0, username: "demo.children", role: .childDirector, region: village)
        let supervisor = Actor(userID: 0, username: "children", role: .childDirector, region: DemoLoader.township)
        let operatorOnCall = Actor(userID: 0, username: "demo.hotline", role: .hotlineOperator, region: DemoLoader.county)
        func report(_ name: String, _ birth: String, _ why: String, by actor: Actor) async throws -> Int64 {
            try await store.report(try ChildReport(childName: name, birthDate: birth, regionCode: village.description, situation: why).check(today: today).get(), by: actor)
        }
        let hospital = Actor(userID: 0, username: "hospital", role: .healthWorker, region: DemoLoader.county)
        let hour: Int64 = 3_600_000, now = db.clock.nowMillis()
        // From the hospital, which asked an admitted patient about her children: seen by the `hospital` account too.
        _ = try await store.report(try ChildReport(childName: "冯小禾", birthDate: "2019-04-08", regionCode: village.description,
                                                   situation: "患者入院时告知：孩子由其独自照看，现一人在家", guardianName: "冯某英", guardianAbsence: "infected")
                                    .check(today: today, guardianRequired: true).get(), by: hospital)
        // Waiting for the township.
        _ = try await report("刘小雨", "2018-09-12", "母亲在定点医院抗疫一线，父亲确诊住院，家中仅有孩子一人", by: director)
        // In isolation observation, the place ending tomorrow with nothing arranged after it: it stands out.
        let watched = try await report("周小宝", "2021-02-03", "父母均为密切接触者，集中隔离观察", by: operatorOnCall)
        try await store.acknowledge(watched, risk: .high, care: CarePeriod(kind: .isolationObservation, carer: "市集中隔离观察点", from: now, to: now + 30 * hour), by: supervisor)
        // With relatives, followed up.
        let withAunt = try await report("吴小兰", "2014-06-20", "父亲服刑在押，母亲确诊住院治疗", by: director)
        try await store.acknowledge(withAunt, risk: .medium, care: CarePeriod(kind: .relativeCare, carer: "姑姑 吴某", from: now), by: supervisor)
        try await store.recordContact(withAunt, note: "电话回访：孩子在姑姑家生活正常，网课按时参加", by: director)
        // Her father imprisoned for years, her mother dead: de-facto unsupported (R-CH-6), her allowance approved by the
        // county on her aunt's pledge and on this month's roll (the demo's standard is made up).
        try await PolicyStore(db).set(region: DemoLoader.county, year: 2020, key: .childAllowance, value: "1200", by: .system("demo"))
        _ = try await store.assess(withAunt, parentA: ParentStatus(.imprisoned, since: today.adding(days: -400), until: today.adding(days: 1_500)),
                                   parentB: ParentStatus(.dead), judged: nil, birthDate: nil, by: supervisor)
        let protection = Actor(userID: 0, username: "protection", role: .childDirector, region: DemoLoader.county)
        try await store.grantAllowance(withAunt, AllowanceGrant(payee: "吴某", bankAccount: BankAccount("6217002920001234567")!, pledged: true), by: protection)
        // Closed: the mother came back.
        let back = try await report("郑小明", "2016-11-30", "母亲隔离观察期间无人照料", by: director)
        try await store.acknowledge(back, risk: .low, care: CarePeriod(kind: .villageCommitteeCare, carer: "牌楼居委会", from: now), by: supervisor)
        try await store.close(back, reason: "母亲解除隔离后接回，监护恢复", by: supervisor)
        // The demo village surveyed its children yesterday, in full; the township's other villages not yet.
        try await ChildSurveyStore(db).record(ChildSurvey(village: village, day: today.adding(days: -1), childrenChecked: 146, withoutCare: 2,
                                                          items: Set(SurveyItem.allCases), note: "与疫情排查同步，逐户上门"), by: director)
    }
}
