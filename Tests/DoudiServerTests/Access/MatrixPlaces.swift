import DoudiDomain
import DoudiPhotos
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The records the access matrix asks about: the same set in four villages at growing distance from the demo
/// village, so that every account has one place inside its subtree and one just outside it.
struct MatrixPlace: Sendable {
    var village: RegionCode
    var household: String
    var headName: String
    var member: Int64
    /// A lead already verified: a second verification is refused after the scope check, whoever sends it.
    var lead: Int64
    /// An identification at its public notice, posted today: completing it early is refused after the scope check.
    var episode: Int64
    /// A village cadre's account there.
    var account: Int64
    /// A benefit application refused at the township's opinion: acting on it again is refused after the scope
    /// check, and its letter can be printed.
    var application: Int64
    /// A benefit in force from this month: the township and the county may change or stop it.
    var benefit: Int64
    /// Aid first paid from the township's fund (funded for the matrix's payments), its paperwork already complete.
    var aid: Int64
    /// A 3866 case at its approval step: no one may send it back to the survey.
    var caseID: Int64
    /// A measure on that case referred to education and not yet answered: no one may record its result yet.
    var measure: Int64
    /// This quarter's review of the household, recorded by its helper (the place's cadre) and confirmed: no one may
    /// change it or decide it again.
    var effect: Int64
    /// A photo of the helper's visit to the household.
    var photo: Int64
    /// A child's case reported by the place's child director and not yet acknowledged: a follow-up contact is
    /// refused (nothing is in care yet) after the visibility check, whoever sends it.
    var child: Int64
    /// A volunteers' post of the place's village (the township's), and a task on it tomorrow: an assignment of
    /// volunteer 1 to it, or a confirmation of assignment `task`'s number, is refused after the visibility check.
    var post: Int64
    var task: Int64

    /// What only this place's pages would show.
    var markers: [String] { [household, headName] }

    /// 牌楼居委会 (every account's own), 南正居委会 (same street), 车站居委会 (next street), a village of 常宁市.
    static let villages = ["430481001001", "430481001002", "430481002001", "430482001001"].map { RegionCode($0)! }

    static func make(_ services: Services) async throws -> [MatrixPlace] {
        let system = Actor.system("matrix")
        // 常宁市 has townships in the shipped table but no villages: one is added, as an administrator would.
        try await services.regions.upsert(Region(code: villages[3], name: "界外村"), by: system)
        let today = services.clock.today()
        var out: [MatrixPlace] = []
        for (i, village) in villages.enumerated() {
            let id = "AM-\(i)", name = "矩阵户主\(i)"
            let head = validID("43048119600101" + String(format: "%03d", 100 + i))
            _ = try await services.households.create(HouseholdRecord(
                household: Household(id: id, regionCode: village, povertyStatus: .exited, incomePerCapita: 6_000),
                members: [Member(residentID: head, householdID: id, name: name, relation: .head, laborAbility: .full)]), by: system)
            let member = try #require(try await services.households.get(id, by: system)?.members.first).id
            for _ in 0..<2 {
                _ = try await services.leads.submit(try SelfReport(name: name, residentID: head.text, mobile: "13800000000", regionCode: village.description,
                                                                   riskKinds: ["illness"], description: "", consent: true).check(today: today).get())
            }
            let leads = try await services.leads.leads(by: system, status: .open).filter { $0.householdID == id }.map(\.id).sorted()
            let cadre = Actor(userID: 0, username: "matrix", role: .villageCadre, region: village)
            try await services.leads.verify(leadID: leads[0], decision: .confirmed(.unstableExited, [.illness]), by: cadre)
            try await services.leads.verify(leadID: leads[1], decision: .notConfirmed(reason: "重复"), by: cadre)
            let episode = try #require(try await services.episodes.episodes(by: system, statuses: [.identifying], householdID: id).first).id
            try await services.db.transaction { tx in
                try await tx.sql.raw("""
                    UPDATE episodes SET step = \(bind: ProcedureStep.publicNotice.rawValue), notice_from = \(bind: today.description),
                      notice_to = \(bind: today.adding(days: 6).description) WHERE id = \(bind: episode)
                    """).run()
            }
            let account = try await services.users.add(username: "matrix.\(i)", password: "matrix-pass-2026", role: .villageCadre, region: village, by: system).id
            let township = Actor(userID: 0, username: "matrix", role: .townshipOfficer, region: try #require(village.parent))
            let application = try await services.applications.apply(
                ApplicationInput(householdID: id, kind: .dibao, covered: [member], income: IncomeStatement([IncomeItem(.wages, 1_000)]), authorised: true),
                by: township, today: today, draw: 99)
            for action in [ApplicationAction.accept, .recordHomeVisit(note: "入户"), .opinion(approve: false, amount: 0, reasons: "收入高于标准")] {
                try await services.applications.act(application, action, by: township, today: today)
            }
            // A stand-in for an approved application's benefit (the procedure to approval takes days of notice): the row
            // the approval would write, on the refused application (only the rows' access is asked about here).
            let benefit = try await services.db.transaction { tx in
                try #require(try await tx.sql.raw("""
                    INSERT INTO benefits (application_id, household_id, region, kind, persons, monthly_amount, start_month, approved_on, created_at)
                    VALUES (\(bind: application), \(bind: id), \(bind: Int64(village.value)), 'dibao', 1, 300, \(bind: YearMonth(today).description),
                            \(bind: today.description), 0)
                    RETURNING id
                    """).first(decoding: BenefitID.self)).id
            }
            let county = Actor(userID: 0, username: "matrix", role: .countyOfficer, region: village.truncated(to: .county))
            let funds = AidFirstStore(services.db)
            try await funds.deposit(village.truncated(to: .township), amount: 100_000, note: "", by: county, today: today)
            let aid = try await funds.pay(AidFirstInput(recipient: .outside(name: "矩阵外来\(i)", residentID: validID("36048119900101" + String(format: "%03d", 100 + i)),
                                                                            registeredAt: "江西省"), place: village, kind: .emergency, amount: 100, reason: "矩阵"),
                                          by: township, today: today)
            try await funds.complete(aid, note: "手续齐全", by: township, today: today)
            let cases = CaseStore(services.db)
            let caseID = try await cases.open(household: id, origin: .cadre, note: "矩阵", by: township, today: today)
            for _ in 0..<2 { try await cases.move(caseID, .advance(note: "矩阵"), by: township, today: today) }
            let measure = try await MeasureStore(services.db).record(case: caseID, MeasureInput(service: .education, startOn: today, note: "矩阵"), referTo: .education,
                                                                     by: township, today: today)
            try await HelperStore(services.db).assign(household: id, username: "matrix.\(i)", by: township, today: today)
            let effect = try await EffectReviewStore(services.db).record(
                household: id, EffectReviewInput(quarter: Quarter(today), incomeNow: 9_000, incomeBefore: 8_000, guarantees: Set(Guarantee.allCases), measuresTaken: "矩阵", nextSteps: "矩阵"),
                by: Actor(userID: account, username: "matrix.\(i)", role: .villageCadre, region: village))
            try await EffectReviewStore(services.db).decide(effect, .confirm, by: township)
            let picture = try PhotoMaker.photo(try #require(PhotoMaker.jpeg(rgb: [UInt8](repeating: 128, count: 16 * 16 * 3), width: 16, height: 16))).get()
            let visit = try Visit(date: today.description, findings: "矩阵", riskKinds: [], hardship: false, photos: [picture]).check(today: today).get()
            _ = try await services.leads.recordVisit(visit, householdID: id, by: township)
            let photo = try #require(try await services.leads.visits(household: id, by: township).first?.photos.first)
            let child = try await ChildCaseStore(services.db).report(
                try ChildReport(childName: name + "之子", birthDate: "2018-01-01", regionCode: village.description, situation: "矩阵").check(today: today).get(),
                by: Actor(userID: 0, username: "matrix.child", role: .childDirector, region: village))
            let volunteers = VolunteerStore(services.db)
            let post = try await volunteers.addPost(try PostDraft.check(name: "矩阵岗位", kind: "necessities", region: village.description, skills: [], dailyHours: "4",
                                                                         weeklyHours: "8").get(), by: township)
            let task = try await volunteers.addTask(try TaskDraft.check(postID: String(post.id), region: village.description, day: today.adding(days: 1).description,
                                                                         hours: "2", mode: "offline", risk: "low", needed: "1", note: "矩阵", household: "", childCase: "",
                                                                         today: today).get(), by: township)
            out.append(MatrixPlace(village: village, household: id, headName: name, member: member, lead: leads[1], episode: episode, account: account,
                                   application: application, benefit: benefit, aid: aid, caseID: caseID, measure: measure, effect: effect, photo: photo, child: child,
                                   post: post.id, task: task))
        }
        return out
    }

    struct BenefitID: Decodable { var id: Int64 }

    /// The nearest place outside `region`, or nil for an account that reaches all four.
    static func outside(_ region: RegionCode, in places: [MatrixPlace]) -> MatrixPlace? {
        places.first { !region.contains($0.village) }
    }
}

/// One account the matrix speaks for: a role (or nobody), its page session and its API token.
struct MatrixCaller {
    var column: String
    var region: RegionCode?
    var browser: Browser
    var csrf: String
    var token: String?

    static func all(_ client: any TestClientProtocol) async throws -> [MatrixCaller] {
        var out = [MatrixCaller(column: "anonymous", region: nil, browser: Browser(client), csrf: "", token: nil)]
        for role in Role.allCases {
            let user = try #require(DemoLoader.users.first { $0.role == role })
            let b = Browser(client)
            _ = try await b.login(user.username)
            let csrf = try #require(Browser.field("_csrf", in: String(buffer: try await b.request(.get, "/households").body)))
            out.append(MatrixCaller(column: role.rawValue, region: user.region, browser: b, csrf: csrf, token: try await client.token(user.username)))
        }
        return out
    }
}

/// Turns a route of the router into a request about one place: its path with the place's records, and a body
/// that passes every input check, so the answer says what access decided (or, once past it, what the record's
/// state allows: a verified lead, a notice not yet over).
struct MatrixRequest {
    var method: HTTPRequest.Method
    var uri: String
    var form: [String: String]?
    var json: String?
    var csv: String?
    var multipart: Bool = false

    /// Routes whose answer does not depend on a place: the rest are asked inside and outside.
    /// (Writes that name a region in their body count as scoped.)
    static func isScoped(_ method: HTTPRequest.Method, _ path: String) -> Bool {
        path.contains("{") && !path.contains("{trackingCode}")
            || method != .get && ["/households/new", "/hotline", "/policy", "/regions", "/users", "/api/v1/households", "/api/v1/leads/hotline", "/api/v1/policy",
                                 "/calendar", "/calendar/remove", "/api/v1/calendar", "/assistance/new", "/api/v1/assistance/applications", "/assistance/roll", "/api/v1/assistance/roll",
                                 "/assistance/aid", "/assistance/aid/fund", "/api/v1/assistance/aid", "/api/v1/assistance/reserve",
                                 "/cases", "/api/v1/cases", "/visits", "/api/v1/children/cases", "/children", "/children/survey", "/api/v1/children/surveys",
                                 "/volunteers/orgs", "/api/v1/volunteers/orgs", "/volunteers/levels", "/api/v1/volunteers/response-levels", "/volunteers/posts",
                                 "/api/v1/volunteers/posts", "/volunteers/tasks", "/api/v1/volunteers/tasks", "/volunteers/people", "/api/v1/volunteers"].contains(path)
    }

    static func make(_ method: HTTPRequest.Method, _ path: String, place p: MatrixPlace, serial n: Int, noticeDays: Int, csrf: String) -> MatrixRequest {
        let id = { (s: String) in
            s.replacingOccurrences(of: "{householdId}", with: p.household).replacingOccurrences(of: "{memberId}", with: String(p.member))
                .replacingOccurrences(of: "{leadId}", with: String(p.lead)).replacingOccurrences(of: "{episodeId}", with: String(p.episode))
                .replacingOccurrences(of: "{regionCode}", with: p.village.description).replacingOccurrences(of: "{trackingCode}", with: "ZZZZZZZZ")
                .replacingOccurrences(of: "{applicationId}", with: String(p.application)).replacingOccurrences(of: "{quarter}", with: Quarter(Clock.system.today()).description)
                .replacingOccurrences(of: "{photoId}", with: String(p.photo)).replacingOccurrences(of: "{caseId}", with: String(p.child))
                .replacingOccurrences(of: "{taskId}", with: String(p.task)).replacingOccurrences(of: "{assignmentId}", with: String(p.task))
                .replacingOccurrences(of: "{volunteerId}", with: "1")
        }
        var uri = id(path)
        if let r = uri.range(of: "{id}") {
            let record = path.hasPrefix("/volunteers/") ? String(p.task) : path.hasPrefix("/visits/photos/") ? String(p.photo) : path.hasPrefix("/children/") ? String(p.child) : path.contains("/cases/") ? String(p.caseID) : path.contains("/measures/") ? String(p.measure) : path.contains("/effects/") ? String(p.effect) : path.contains("/benefits/") ? String(p.benefit) : path.contains("/aid/") ? String(p.aid) : path.hasPrefix("/households") ? p.household : path.hasPrefix("/members") ? String(p.member)
                : path.hasPrefix("/assistance") ? String(p.application)
                : path.hasPrefix("/leads") ? String(p.lead) : path.hasPrefix("/users") ? String(p.account) : String(p.episode)
            uri.replaceSubrange(r, with: record)
        }
        if path == "/api/v1/public/self-reports/{trackingCode}" { uri += "?code=ZZZZZZZZ&mobile=13800000000" }
        let person = freshID(n).text, village = p.village.description, year = String(Clock.system.today().year)
        let visit = ["date": Clock.system.today().description, "findings": "正常", "hardship": "0"]
        let household = ["householdId": "AMN-\(n)", "regionCode": village, "povertyStatus": "none", "residentId": person, "name": "新户\(n)", "relation": "head", "laborAbility": "full"]
        let call = ["caller": "来电人", "callbackNumber": "13912345678", "residentId": person, "name": "热线\(n)", "regionCode": village, "riskKinds": "accident"]
        let policy = ["region": village, "year": year, "key": "noticeDays", "value": String(noticeDays)]
        var r = MatrixRequest(method: method, uri: uri)
        switch (method, path) {
        case (.post, "/households/new"): r.form = household
        case (.post, "/households/{id}/edit"): r.form = ["regionCode": village, "povertyStatus": "exited", "incomePerCapita": "6000"]
        case (.post, "/households/{id}/members"): r.form = ["residentId": person, "name": "新成员\(n)", "relation": "child", "laborAbility": "none"]
        case (.post, "/households/{id}/visits"): r.form = visit
        case (.post, "/leads/{id}"): r.form = ["decision": "notConfirmed", "reason": "再核", "confirmed": "1"]
        case (.post, "/hotline"): r.form = call
        case (.post, "/episodes/{id}"): r.form = ["action": "complete", "note": "公示结束"]
        case (.post, "/episodes/{id}/clearing"): r.form = ["monthlyIncome": "1", "food": "1"]
        case (.post, "/policy"): r.form = policy
        // A day that no one sets: removing it is refused as not found (404) once access allows it.
        case (.post, "/assistance/new"): r.form = ["household": p.household, "kind": "dibao", "covered": String(p.member), "income.wages": "1000", "authorised": "1"]
        case (.post, "/assistance/{id}"): r.form = ["action": "approve", "amount": "600"]
        // The county of the place, a month no one pays: a draft built again each time.
        case (.post, "/assistance/roll"):
            r.form = ["regionCode": p.village.ancestors.first { $0.level == .county }?.description ?? "", "month": "2030-01", "step": "build"]
        case (.get, "/api/v1/assistance/figures"): r.uri += "?regionCode=\(village)&month=2030-01"
        case (.post, "/assistance/reviews"): r.form = ["benefit": "999999999", "class": "yearly", "confirmed": "1"]
        case (.post, "/api/v1/assistance/reviews"): r.json = #"{"benefitId":999999999}"#
        case (.post, "/assistance/benefits/{id}"): r.form = ["reason": "全户迁出", "stop": "1", "confirmed": "1"]
        case (.post, "/assistance/aid"):
            r.form = ["recipient": "household", "household": p.household, "place": village, "kind": "emergency", "amount": "100", "reason": "火灾", "confirmed": "1"]
        case (.post, "/api/v1/assistance/aid"): r.json = #"{"householdId":"\#(p.household)","place":"\#(village)","kind":"emergency","amount":100,"reason":"火灾"}"#
        case (.post, "/assistance/aid/fund"): r.form = ["township": p.village.truncated(to: .township).description, "amount": "1", "confirmed": "1"]
        case (.post, "/api/v1/assistance/reserve"): r.json = #"{"township":"\#(p.village.truncated(to: .township))","amount":1}"#
        case (.post, "/assistance/aid/{id}"): r.form = ["note": "手续齐全"]
        case (.post, "/households/{id}/helper"): r.form = ["helper": "admin"]
        case (.put, "/api/v1/households/{householdId}/helper"): r.json = #"{"username":"admin"}"#
        case (.post, "/cases"): r.form = ["household": p.household, "origin": "cadre", "note": "矩阵"]
        case (.post, "/api/v1/cases"): r.json = #"{"householdId":"\#(p.household)","origin":"cadre","note":"矩阵"}"#
        // The guardian named and why away: what a hospital must give (the others may).
        case (.post, "/api/v1/children/cases"):
            r.json = #"{"childName":"矩阵儿童\#(n)","birthDate":"2018-01-01","regionCode":"\#(village)","situation":"矩阵","guardianName":"矩阵","guardianAbsence":"isolated"}"#
        case (.post, "/api/v1/children/cases/{caseId}/actions"): r.json = #"{"action":"contact","note":"矩阵"}"#
        case (.post, "/children"):
            r.form = ["childName": "矩阵儿童\(n)", "birthDate": "2018-01-01", "regionCode": village, "situation": "矩阵", "guardianName": "矩阵", "guardianAbsence": "isolated"]
        case (.post, "/children/{id}"): r.form = ["action": "contact", "note": "矩阵"]
        // A survey of the place's village today, the checklist complete: recorded again each time (the same day replaces it).
        case (.post, "/children/survey"):
            r.form = ["regionCode": village, "surveyedOn": Clock.system.today().description, "childrenChecked": "10", "withoutCare": "0", "items": "everyFamilyVisited"]
        case (.post, "/api/v1/children/surveys"):
            r.json = #"{"regionCode":"\#(village)","surveyedOn":"\#(Clock.system.today())","childrenChecked":10,"withoutCare":0,"items":["everyFamilyVisited"]}"#
        case (.post, "/cases/{id}"): r.form = ["move": "sendBack", "to": "survey", "note": "矩阵"]
        case (.post, "/api/v1/cases/{id}/moves"): r.json = #"{"move":"sendBack","to":"survey","note":"矩阵"}"#
        case (.post, "/cases/{id}/measures"): r.form = ["service": "living", "startOn": Clock.system.today().description, "amount": "100", "measureNote": "矩阵"]
        case (.post, "/api/v1/cases/{id}/measures"): r.json = #"{"service":"living","startOn":"\#(Clock.system.today())","amount":100,"note":"矩阵"}"#
        case (.post, "/measures/{id}"): r.form = ["move": "finish", "note": "矩阵"]
        case (.post, "/households/{id}/effect"):
            r.form = ["quarter": Quarter(Clock.system.today()).description, "incomeNow": "9000", "incomeBefore": "8000", "guarantees": "food", "measuresTaken": "矩阵", "nextSteps": "矩阵"]
        case (.put, "/api/v1/households/{householdId}/effects/{quarter}"):
            r.json = #"{"incomeNow":9000,"incomeBefore":8000,"guarantees":["food"],"measuresTaken":"矩阵","nextSteps":"矩阵"}"#
        case (.post, "/effects/{id}"): r.form = ["decision": "confirm", "household": p.household, "quarter": Quarter(Clock.system.today()).description]
        case (.post, "/api/v1/effects/{id}/decision"): r.json = #"{"decision":"confirm"}"#
        case (.get, "/api/v1/cases/figures"): r.uri += "?regionCode=\(p.village)"
        case (.get, "/api/v1/effects"), (.get, "/api/v1/effects/missing"): r.uri += "?quarter=\(Quarter(Clock.system.today()))"
        case (.post, "/visits"): r.form = ["householdId": p.household, "date": Clock.system.today().description, "findings": "矩阵", "key": "matrix-visit-\(n)"]
        case (.post, "/api/v1/measures/{id}/moves"): r.json = #"{"move":"finish","note":"矩阵"}"#
        case (.post, "/api/v1/assistance/aid/{id}/complete"): r.json = #"{"note":"手续齐全"}"#
        case (.post, "/api/v1/assistance/benefits/{id}/changes"): r.json = #"{"reason":"全户迁出","stop":true,"preview":true}"#
        case (.get, "/api/v1/assistance/roll"): r.uri += "?regionCode=\(p.village.truncated(to: .county))&month=2030-02"
        case (.post, "/api/v1/assistance/roll"): r.json = #"{"regionCode":"\#(p.village.truncated(to: .county))","month":"2030-01","step":"build"}"#
        case (.post, "/api/v1/assistance/applications"):
            r.json = #"{"householdId":"\#(p.household)","kind":"dibao","covered":[\#(p.member)],"income":[{"category":"wages","yuan":1000}],"authorised":true}"#
        case (.post, "/api/v1/assistance/applications/{applicationId}/actions"): r.json = #"{"action":"approve","amount":600}"#
        case (.post, "/calendar"): r.form = ["region": village, "date": "2030-06-03", "kind": "holiday", "title": "矩阵"]
        case (.post, "/calendar/remove"): r.form = ["region": village, "date": "2030-06-04"]
        case (.delete, "/api/v1/calendar"): r.uri += "?region=\(village)&date=2030-06-04"
        case (.put, "/api/v1/calendar"): r.json = #"{"region":"\#(village)","date":"2030-06-03","kind":"holiday","title":"矩阵"}"#
        case (.post, "/regions"): r.form = ["code": village, "name": "同名\(n)"]
        case (.post, "/users/{id}"): r.form = ["change": "endSessions"]
        case (.post, "/episodes/batch"): r.form = ["ids": String(p.episode), "confirmed": "1"]
        case (.post, "/users"): r.form = ["username": "matrix.new.\(n)", "password": "Matrix-pass-2026", "role": "villageCadre", "region": village]
        case (.post, "/login"): r.form = ["username": "nobody", "password": "wrong-password"]
        case (.post, "/report/status"): r.form = ["code": "ZZZZZZZZ", "mobile": "13800000000"]
        case (.post, "/report"): r.form = ["name": "某", "residentId": person, "mobile": "13800000000", "regionCode": village, "riskKinds": "illness"]
        case (.post, "/report/child"): r.form = ["guardianName": "某", "mobile": "13800000000", "guardianAbsence": "isolated", "childName": "某", "regionCode": village, "situation": "矩阵"]
        case (.post, "/import"), (.post, "/assistance/checks"): r.multipart = true
        case (.post, "/api/v1/assistance/checks"): r.csv = "身份证号码,核对类别,数值,核对日期\n"
        case (.post, "/api/v1/auth/token"): r.json = #"{"username":"nobody","password":"wrong-password"}"#
        case (.post, "/api/v1/households"):
            r.json = #"{"householdId":"AMN-\#(n)","regionCode":"\#(village)","members":[{"residentId":"\#(person)","relation":"head","laborAbility":"full","name":"新户\#(n)"}]}"#
        case (.put, "/api/v1/households/{householdId}"): r.json = #"{"regionCode":"\#(village)","povertyStatus":"exited","incomePerCapita":6000}"#
        case (.post, "/api/v1/households/{householdId}/members"): r.json = #"{"residentId":"\#(person)","relation":"child","laborAbility":"none","name":"新成员\#(n)"}"#
        case (.post, "/api/v1/households/{householdId}/visits"): r.json = #"{"date":"\#(Clock.system.today())","findings":"正常","hardship":false}"#
        case (.post, "/api/v1/leads/{leadId}/verification"): r.json = #"{"decision":"notConfirmed","reason":"再核"}"#
        case (.post, "/api/v1/leads/hotline"):
            r.json = #"{"caller":"来电人","callbackNumber":"13912345678","residentId":"\#(person)","name":"热线\#(n)","regionCode":"\#(village)","riskKinds":["accident"]}"#
        case (.post, "/api/v1/episodes/{episodeId}/actions"): r.json = #"{"action":"complete","note":"公示结束"}"#
        case (.post, "/api/v1/episodes/{episodeId}/clearing"): r.json = #"{"monthlyIncome":[1],"food":true,"clothing":true,"education":true,"medical":true,"housing":true,"drinkingWater":true,"rigidExpensesResolved":true,"risksRemoved":true,"noNewRisk":true}"#
        case (.put, "/api/v1/policy"): r.json = #"{"region":"\#(village)","year":\#(year),"key":"noticeDays","value":"\#(noticeDays)"}"#
        // Without consent, so every caller meets the check and none uses up the address's reports of the hour.
        case (.post, "/api/v1/public/child-reports"):
            r.json = #"{"guardianName":"某","mobile":"13800000000","guardianAbsence":"isolated","childName":"某","regionCode":"\#(village)","situation":"矩阵","consent":false}"#
        case (.post, "/api/v1/public/self-reports"): r.json = #"{"name":"某","residentId":"\#(person)","mobile":"13800000000","regionCode":"\#(village)","riskKinds":["illness"],"consent":false}"#
        // The place's township: an organization is of a county or a township.
        case (.post, "/volunteers/orgs"):
            r.form = ["name": "矩阵协会\(n)", "regionCode": p.village.truncated(to: .township).description, "adminUsername": "matrix.org.\(n)", "adminPassword": "Matrix-org-2026"]
        case (.post, "/api/v1/volunteers/orgs"):
            r.json = #"{"name":"矩阵协会\#(n)","regionCode":"\#(p.village.truncated(to: .township))","adminUsername":"matrix.org.\#(n)","adminPassword":"Matrix-org-2026"}"#
        case (.post, "/volunteers/levels"): r.form = ["regionCode": village, "level": "level4", "since": Clock.system.today().description, "confirmed": "1"]
        case (.post, "/api/v1/volunteers/response-levels"): r.json = #"{"regionCode":"\#(village)","level":"level4"}"#
        case (.post, "/volunteers/posts"): r.form = ["kind": "publicity", "regionCode": village, "dailyHours": "2", "weeklyHours": "4"]
        case (.post, "/api/v1/volunteers/posts"): r.json = #"{"kind":"publicity","regionCode":"\#(village)","dailyHours":2,"weeklyHours":4}"#
        case (.post, "/volunteers/tasks"):
            r.form = ["postId": String(p.post), "regionCode": village, "day": Clock.system.today().adding(days: 1).description, "hours": "1", "mode": "offline",
                      "risk": "low", "needed": "1"]
        case (.post, "/api/v1/volunteers/tasks"):
            r.json = #"{"postId":\#(p.post),"regionCode":"\#(village)","day":"\#(Clock.system.today().adding(days: 1))","hours":1,"mode":"offline","risk":"low","needed":1}"#
        case (.post, "/volunteers/people"): r.form = ["name": "矩阵志愿者", "mobile": "13900000000", "joinedThrough": "organization", "homeRegion": village]
        case (.post, "/api/v1/volunteers"): r.json = #"{"name":"矩阵志愿者","mobile":"13900000000","joinedThrough":"organization","homeRegion":"\#(village)"}"#
        case (.post, "/volunteers/tasks/{id}/assign"): r.form = ["volunteerId": "1"]
        case (.post, "/volunteers/tasks/{id}/reveal"): r.form = ["volunteerId": "1"]
        case (.post, "/api/v1/volunteers/tasks/{taskId}/assignments"): r.json = #"{"volunteerId":1}"#
        case (.post, "/volunteers/assignments/{id}"): r.form = ["action": "confirm"]
        case (.post, "/api/v1/volunteers/assignments/{assignmentId}/actions"): r.json = #"{"action":"confirm"}"#
        case (.post, "/me/health"): r.form = ["temperature": "36.5"]
        case (.post, "/api/v1/volunteers/health"): r.json = #"{"temperature":36.5}"#
        default: break
        }
        if r.form != nil || (method == .post && !path.hasPrefix("/api/")) { r.form = (r.form ?? [:]).merging(["_csrf": csrf]) { a, _ in a } }
        return r
    }

    /// Resident IDs no one holds yet, one per request that registers somebody.
    static func freshID(_ n: Int) -> ResidentID {
        validID("4304811970" + String(format: "%02d%02d%03d", 1 + n / 900 % 12, 1 + n / 10_800 % 28, 100 + n % 900))
    }

    func send(_ caller: MatrixCaller) async throws -> TestResponse {
        if uri.hasPrefix("/api/") {
            return try await caller.browser.client.api(method, uri, token: caller.token, json: json, csv: csv)
        }
        if multipart { return try await caller.browser.request(method, uri, multipart: [("_csrf", nil, caller.csrf)]) }
        return try await caller.browser.request(method, uri, form: form)
    }
}
