import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Every form any role's pages offer: refused without the session's CSRF token and with another session's,
/// leaving no trace; sent as offered, audited when it wrote and silent when it was refused. Every write the
/// API document lists: audited when it succeeds, not when it is refused.
@Suite("Sweeps: CSRF on every form, an audit entry for every write")
struct WriteSweepTests {
    @Test("every POST form needs its own session's token; what it writes is audited, what it refuses is not", arguments: Backend.available)
    func everyForm(_ backend: Backend) async throws {
        try await withServer(backend, households: 60, monitoring: true) { client, services in
            var patterns = Set<String>(), wrote = Set<String>()
            // Cadres of the villages where an identification waits and a household is monitored, so that the
            // case file's forms are met too.
            var cadres: [String] = []
            // (An identification at its first step: its first form, completing the step, writes as offered.)
            for (i, status) in [EpisodeStatus.identifying, .monitored].enumerated() {
                let e = try #require(try await services.episodes.episodes(by: Actor.system(), statuses: [status]).first { $0.step == nil || $0.step == .pledge })
                _ = try await services.users.add(username: "sweep.\(i)", password: DemoLoader.password, role: .villageCadre,
                                                 region: e.regionCode, by: Actor.system())
                cadres.append("sweep.\(i)")
            }
            for user in SweepTests.accounts + cadres {
                let b = Browser(client), other = Browser(client)
                _ = try await b.login(user)
                _ = try await other.login(user)
                let otherToken = try #require(Browser.field("_csrf", in: String(buffer: try await other.request(.get, "/households").body)))
                var forms: [String: PageForm] = [:]
                for page in try await crawl(b, perPattern: 2, limit: 80) {
                    for f in PageForm.all(in: page.body) where forms[f.pattern] == nil { forms[f.pattern] = f }
                }
                #expect(forms["/logout"] != nil, "\(user): no logout form found")
                // An account's own forms last: ending its sessions signs the sweep's browser out.
                for (pattern, form) in forms.sorted(by: { ($0.key.hasPrefix("/users/") ? 1 : 0, $0.key) < ($1.key.hasPrefix("/users/") ? 1 : 0, $1.key) }) {
                    patterns.insert(pattern)
                    let before = try await auditCount(services.db)
                    var fields = form.fields
                    fields["_csrf"] = nil
                    let none = try await b.submit(form, fields)
                    fields["_csrf"] = otherToken
                    let foreign = try await b.submit(form, fields)
                    if pattern == "/logout" {
                        // Logging out without the token leaves the session as it was.
                        #expect(try await b.request(.get, "/").headers[.location] != "/login", "\(user): a forged logout ended the session")
                    } else {
                        #expect(none.status == .forbidden, "\(user) \(form.action) without a token: \(none.status)")
                        #expect(foreign.status == .forbidden, "\(user) \(form.action) with another session's token: \(foreign.status)")
                    }
                    #expect(try await auditCount(services.db) == before, "\(user) \(form.action): a refused form left an audit entry")
                    guard pattern != "/logout" else { continue }
                    var sent = try await b.submit(form, form.fields)
                    // A form that asks again first (the shared confirmation page) writes when confirmed.
                    if sent.status == .ok, String(buffer: sent.body).contains("name=\"confirmed\" value=\"1\"") {
                        sent = try await b.submit(form, form.fields.merging(["confirmed": "1"]) { a, _ in a })
                    }
                    let after = try await auditCount(services.db)
                    #expect(sent.status.code < 500, "\(user) \(form.action): \(sent.status)")
                    if sent.status.code < 400 {
                        #expect(after > before, "\(user) \(form.action) answered \(sent.status) and left no audit entry")
                        wrote.insert(pattern)
                    } else {
                        #expect(after == before, "\(user) \(form.action) answered \(sent.status) and left an audit entry")
                    }
                }
            }
            // Sent as offered, forms that need nothing more wrote: the audit side of the sweep was exercised.
            #expect(wrote.isSuperset(of: ["/members/#/reveal", "/households/#/edit", "/episodes/#", "/policy"]), "\(wrote.sorted())")
            // The walk met the forms that write.
            for p in ["/households/#/edit", "/households/#/members", "/households/#/visits", "/members/#/reveal", "/leads/#", "/episodes/#", "/hotline", "/policy", "/regions", "/import", "/users/#"] {
                #expect(patterns.contains(p), "no form posts to \(p)")
            }
        }
    }

    /// One valid and one refused request for every write of the API. A write the document lists and this table
    /// does not is a failure: a new route comes with its audit check.
    @Test("every API write is audited when it succeeds and leaves nothing when refused", arguments: Backend.available)
    func everyAPIWrite(_ backend: Backend) async throws {
        try await withServer(backend, households: 60, monitoring: true) { client, services in
            let all = Actor.system()
            let household = try #require(try await services.households.search(by: all, region: DemoLoader.village).items.first).id
            let member = try #require(try await services.households.get(household, by: all)?.members.first).id
            _ = try await services.leads.submit(try SelfReport(name: "扫", residentID: validID("43048119900101901").text, mobile: "13800000001",
                                                               regionCode: DemoLoader.village.description, riskKinds: ["illness"], description: "", consent: true)
                .check(today: Clock.system.today()).get())
            let lead = try #require(try await services.leads.leads(by: all, status: .open).first { $0.region == DemoLoader.village }).id
            // An identification at its first step and a monitored household, each in a village with a cadre of its own.
            let identifying = try #require(try await services.episodes.episodes(by: all, statuses: [.identifying]).first { $0.step == .pledge })
            let monitored = try #require(try await services.episodes.episodes(by: all, statuses: [.monitored]).first)
            let cadres = try await [identifying.regionCode, monitored.regionCode].enumerated().asyncMap { i, region in
                _ = try await services.users.add(username: "sweep.\(i)", password: "password-sweep", role: .villageCadre, region: region, by: all)
                return try await client.token("sweep.\(i)", "password-sweep")
            }
            let line = try await services.policy.policy(region: monitored.regionCode, year: Clock.system.today().year).int(.monitoringLine) ?? 10_000
            let village = try await client.token("village"), hotline = try await client.token("hotline"), admin = try await client.token("admin")
            let township = try await client.token("township"), county = try await client.token("county")
            let benefit = try #require(try await BenefitReviewStore(services.db).due(by: .system(), month: YearMonth("2099-12")!, limit: 1).first).benefitID
            let openAid = try #require(try await AidFirstStore(services.db).list(by: .system(), openOnly: true, limit: 1).first).id
            let application = try await services.applications.apply(
                ApplicationInput(householdID: household, kind: .dibao, covered: [member], income: IncomeStatement([]), authorised: true),
                by: Actor(userID: 0, username: "sweep", role: .townshipOfficer, region: RegionCode("430481001000")!), today: Clock.system.today(), draw: 99)
            func person(_ n: Int) -> String { validID("43048119910101" + String(n)).text }
            // A household of its own with a case at its survey: the township finishes any step, so it moves it on.
            let village1 = RegionCode("430481001001")!
            _ = try await services.households.create(HouseholdRecord(household: Household(id: "HSW-C", regionCode: village1, povertyStatus: .none, incomePerCapita: 3_000),
                                                                     members: [Member(residentID: validID("43048119910101199"), householdID: "HSW-C", name: "扫个案", relation: .head, laborAbility: .full)]), by: all)
            let caseID = try await CaseStore(services.db).open(household: "HSW-C", origin: .cadre, note: "扫描", by: Actor(userID: 0, username: "sweep", role: .villageCadre, region: village1),
                                                               today: Clock.system.today())
            let measure = try await MeasureStore(services.db).record(case: caseID, MeasureInput(service: .living, startOn: Clock.system.today(), amount: 300, note: "扫描"),
                                                                     by: Actor(userID: 0, username: "sweep", role: .villageCadre, region: village1), today: Clock.system.today())
            // HSW-C's helper is the village's cadre, who recorded last quarter's review: the township decides it.
            let township1 = Actor(userID: 0, username: "sweep", role: .townshipOfficer, region: RegionCode("430481001000")!)
            try await HelperStore(services.db).assign(household: "HSW-C", username: "village", by: township1, today: Clock.system.today())
            let villageID = try #require(try await services.users.accountID(username: "village"))
            // A child's case waiting for the township, and the supervisor who acknowledges it.
            let children = try await client.token("children")
            let child = try await ChildCaseStore(services.db).report(
                try ChildReport(childName: "扫儿童", birthDate: "2018-01-01", regionCode: village1.description, situation: "扫描").check(today: Clock.system.today()).get(),
                by: Actor(userID: 0, username: "sweep", role: .childDirector, region: village1))
            let lastQuarter = Quarter(Clock.system.today()).previous
            let effect = try await EffectReviewStore(services.db).record(
                household: "HSW-C", EffectReviewInput(quarter: lastQuarter, incomeNow: 9_000, incomeBefore: 8_000, guarantees: [.food], measuresTaken: "扫描", nextSteps: "扫描"),
                by: Actor(userID: villageID, username: "village", role: .villageCadre, region: village1))
            let criteria = { (months: Int) in
                #"{"monthlyIncome":[\#(Array(repeating: String(line + 500), count: months).joined(separator: ","))],"food":true,"clothing":true,"education":true,"medical":true,"housing":true,"drinkingWater":true,"rigidExpensesResolved":true,"risksRemoved":true,"noNewRisk":true}"#
            }
            // The demo's association: a task of today on its phone post, 陈志远 assigned to it (he accepts), 李晓梅 assignable
            // to the demo's calls, 王强 not (no health declaration today).
            let orgs = try await client.token("volunteers"), volunteer = try await client.token("volunteer")
            let vstore = VolunteerStore(services.db)
            let assoc = Actor(userID: try #require(try await services.users.accountID(username: "volunteers")), username: "volunteers", role: .volunteerOrgAdmin,
                              region: DemoLoader.county)
            let phonePost = try #require(try await vstore.posts(by: assoc).first { $0.kind == .phoneCompanion })
            let people = Dictionary(uniqueKeysWithValues: try await vstore.volunteers(by: assoc).map { ($0.name, $0.id) })
            let calls = try #require(try await vstore.tasks(from: Clock.system.today(), by: assoc).first { $0.post.id == phonePost.id })
            let sweepTask = try await vstore.addTask(try TaskDraft.check(postID: String(phonePost.id), region: DemoLoader.township.description, day: Clock.system.today().description,
                                                                         hours: "1", mode: "online", risk: "low", needed: "3", note: "扫描", household: "", childCase: "",
                                                                         today: Clock.system.today()).get(), by: assoc)
            let pending = try await vstore.assign(task: sweepTask, volunteer: try #require(people["陈志远"]), by: assoc)
            // operationId: (method, path, token, valid body, refused body)
            let table: [String: (HTTPRequest.Method, String, String?, String, String)] = [
                "createHousehold": (.post, "/households", village, #"{"householdId":"HSW-1","regionCode":"430481001001","members":[{"residentId":"\#(person(101))","relation":"head","laborAbility":"full","name":"扫描"}]}"#,
                                    #"{"householdId":"HSW-2","regionCode":"430481001001","members":[{"residentId":"123","relation":"head","laborAbility":"full"}]}"#),
                "updateHousehold": (.put, "/households/\(household)", village, #"{"regionCode":"430481001001","povertyStatus":"none","address":"新地址"}"#,
                                    #"{"regionCode":"430481001001","povertyStatus":"rich"}"#),
                "addMember": (.post, "/households/\(household)/members", village, #"{"residentId":"\#(person(102))","relation":"child","laborAbility":"none","name":"小扫"}"#,
                              #"{"residentId":"\#(person(103))","relation":"boss","laborAbility":"none"}"#),
                "revealMember": (.post, "/members/\(member)/reveal", village, "", "/members/999999999/reveal"),
                "submitSelfReport": (.post, "/public/self-reports", nil, SelfReportTests.body(rid: person(104)), SelfReportTests.body(rid: person(105), consent: false)),
                "submitGuardianReport": (.post, "/public/child-reports", nil, GuardianReportTests.body(mobile: "13912349991"), GuardianReportTests.body(consent: false)),
                "verifyLead": (.post, "/leads/\(lead)/verification", village, #"{"decision":"notConfirmed","reason":"收入稳定"}"#, #"{"decision":"maybe"}"#),
                "recordHotlineCall": (.post, "/leads/hotline", hotline, #"{"caller":"王大妈","callbackNumber":"13912345678","residentId":"\#(person(106))","name":"王五","regionCode":"430481001001","riskKinds":["accident"]}"#,
                                      #"{"caller":"王大妈","callbackNumber":"12","residentId":"\#(person(107))","name":"王五","regionCode":"430481001001","riskKinds":["accident"]}"#),
                "recordVisit": (.post, "/households/\(household)/visits", village, #"{"date":"\#(Clock.system.today())","findings":"一切正常","hardship":false}"#,
                                #"{"date":"2999-01-01","findings":"","hardship":false}"#),
                "actOnEpisode": (.post, "/episodes/\(identifying.id)/actions", cadres[0], #"{"action":"complete","note":"已签"}"#, #"{"action":"fly"}"#),
                "proposeClearing": (.post, "/episodes/\(monitored.id)/clearing", cadres[1], criteria(6), criteria(2)),
                "setCalendarDay": (.put, "/calendar", admin, #"{"region":"430481000000","date":"2026-12-07","kind":"holiday","title":"县庆"}"#,
                                   #"{"region":"430481000000","date":"2026-13-01","kind":"holiday","title":"县庆"}"#),
                // After setCalendarDay (the document's order): the county's own day is there to remove.
                "removeCalendarDay": (.delete, "/calendar?region=430481000000&date=2026-12-07", admin, "", "/calendar?region=430481000000&date=2030-01-01"),
                "createApplication": (.post, "/assistance/applications", village,
                                      #"{"householdId":"\#(household)","kind":"dibao","covered":[\#(member)],"income":[{"category":"wages","yuan":3600}],"authorised":true}"#,
                                      #"{"householdId":"\#(household)","kind":"dibao","covered":[\#(member)],"income":[],"authorised":false}"#),
                "actOnApplication": (.post, "/assistance/applications/\(application)/actions", township, #"{"action":"accept"}"#, #"{"action":"fly"}"#),
                "loadChecks": (.post, "/assistance/checks", county, "身份证号码,核对类别,数值,核对日期\n", "身份证号码,数值\n"),
                "changeRoll": (.post, "/assistance/roll", county, #"{"regionCode":"430481000000","month":"2030-03","step":"build"}"#,
                               #"{"regionCode":"430481000000","month":"2030-04","step":"approve"}"#),
                "recordReview": (.post, "/assistance/reviews", county, #"{"benefitId":\#(benefit)}"#, #"{"benefitId":999999999}"#),
                "changeBenefit": (.post, "/assistance/benefits/\(benefit)/changes", county, #"{"reason":"全户迁出","stop":true}"#, #"{"reason":" ","stop":true}"#),
                "payAidFirst": (.post, "/assistance/aid", township, #"{"householdId":"\#(household)","place":"430481001001","kind":"emergency","amount":100,"reason":"火灾"}"#,
                                #"{"householdId":"\#(household)","place":"430481001001","kind":"emergency","amount":5000,"reason":"火灾"}"#),
                "completeAidFirst": (.post, "/assistance/aid/\(openAid)/complete", township, #"{"note":"已补交申请书"}"#, #"{"note":" "}"#),
                "fundReserve": (.post, "/assistance/reserve", county, #"{"township":"430481001000","amount":100}"#, #"{"township":"430481001000","amount":0}"#),
                // After createHousehold (the document's order): HSW-1 is there, with no case yet.
                "openCase": (.post, "/cases", village, #"{"householdId":"HSW-1","origin":"cadre","note":"走访发现"}"#, #"{"householdId":"HSW-1","origin":"cadre","note":" "}"#),
                "moveCase": (.post, "/cases/\(caseID)/moves", township, #"{"move":"advance","note":"摸底完成"}"#, #"{"move":"sendBack","to":"monitor","note":"扫描"}"#),
                "recordMeasure": (.post, "/cases/\(caseID)/measures", village, #"{"service":"medical","startOn":"\#(Clock.system.today())","note":"住院自付","referTo":"health"}"#,
                                  #"{"service":"medical","startOn":"2026-02-30","note":"住院自付"}"#),
                "moveMeasure": (.post, "/measures/\(measure)/moves", township, #"{"move":"finish","note":"已发放"}"#, #"{"move":"refer","to":"civilAffairs","note":"扫描"}"#),
                "assignHelper": (.put, "/households/HSW-C/helper", township, #"{"username":"township"}"#, #"{"username":"admin"}"#),
                "recordEffectReview": (.put, "/households/HSW-C/effects/\(Quarter(Clock.system.today()))", village,
                                       #"{"incomeNow":9800,"incomeBefore":8600,"guarantees":["food","medical"],"measuresTaken":"临时救助","nextSteps":"继续走访"}"#,
                                       #"{"incomeNow":9800,"incomeBefore":8600,"guarantees":["food"],"measuresTaken":" ","nextSteps":"继续走访"}"#),
                "decideEffectReview": (.post, "/effects/\(effect)/decision", township, #"{"decision":"confirm"}"#, #"{"decision":"return","reason":" "}"#),
                "reportChildCase": (.post, "/children/cases", children, #"{"childName":"扫二","birthDate":"2019-02-02","regionCode":"430481001001","situation":"父母隔离"}"#,
                                    #"{"childName":"扫二","birthDate":"2001-02-02","regionCode":"430481001001","situation":"父母隔离"}"#),
                "actOnChildCase": (.post, "/children/cases/\(child)/actions", children, #"{"action":"acknowledge","risk":"high","kind":"relativeCare","carer":"外婆"}"#,
                                   #"{"action":"acknowledge","kind":"relativeCare","carer":"外婆"}"#),
                "recordChildSurvey": (.post, "/children/surveys", children,
                                      #"{"regionCode":"430481001001","surveyedOn":"\#(Clock.system.today())","childrenChecked":12,"withoutCare":0,"items":["everyFamilyVisited"]}"#,
                                      #"{"regionCode":"430481001001","surveyedOn":"\#(Clock.system.today())","childrenChecked":12,"withoutCare":13,"items":[]}"#),
                "registerVolunteerOrg": (.post, "/volunteers/orgs", admin, #"{"name":"扫描协会","regionCode":"430481001000","adminUsername":"sweep.org","adminPassword":"Sweep-org-2026"}"#,
                                         #"{"name":"扫","regionCode":"430481001000","adminUsername":"sweep.org2","adminPassword":"Sweep-org-2026"}"#),
                "addVolunteer": (.post, "/volunteers", orgs, #"{"name":"扫志愿","mobile":"13900001111","joinedThrough":"organization","homeRegion":"430481001001"}"#,
                                 #"{"name":"扫志愿","mobile":"1","joinedThrough":"organization","homeRegion":"430481001001"}"#),
                "addVolunteerPost": (.post, "/volunteers/posts", orgs, #"{"kind":"publicity","regionCode":"430481000000","dailyHours":2,"weeklyHours":6}"#,
                                     #"{"kind":"flying","regionCode":"430481000000","dailyHours":2,"weeklyHours":6}"#),
                "addVolunteerTask": (.post, "/volunteers/tasks", orgs,
                                     #"{"postId":\#(phonePost.id),"regionCode":"430481001000","day":"\#(Clock.system.today())","hours":1,"mode":"online","risk":"low","needed":1}"#,
                                     #"{"postId":\#(phonePost.id),"regionCode":"430481001000","day":"\#(Clock.system.today())","hours":13,"mode":"online","risk":"low","needed":1}"#),
                "assignVolunteer": (.post, "/volunteers/tasks/\(calls.id)/assignments", orgs, #"{"volunteerId":\#(try #require(people["李晓梅"]))}"#,
                                    #"{"volunteerId":\#(try #require(people["王强"]))}"#),
                "actOnAssignment": (.post, "/volunteers/assignments/\(pending.id)/actions", volunteer, #"{"action":"accept"}"#, #"{"action":"serve","hours":1}"#),
                "revealVolunteerMobile": (.post, "/volunteers/\(try #require(people["李晓梅"]))/reveal", orgs, "", "/volunteers/999999999/reveal"),
                "declareVolunteerHealth": (.post, "/volunteers/health", volunteer, #"{"temperature":36.6}"#, #"{"temperature":50}"#),
                "setResponseLevel": (.post, "/volunteers/response-levels", admin, #"{"regionCode":"430481001000","level":"level3"}"#,
                                     #"{"regionCode":"4304","level":"level3"}"#),
                "setPolicy": (.put, "/policy", admin, #"{"region":"430481000000","year":2026,"key":"verificationDays","value":"6"}"#,
                              #"{"region":"430481000000","year":2026,"key":"noticeDays","value":"2"}"#),
            ]
            // Writes that are no change to the records: a login session.
            let notRecords: Set<String> = ["createToken"]
            let writes = try await SweepTests.operations(client).filter { $0.method != "get" }.map(\.id)
            #expect(writes.count >= table.count)
            for id in writes where !notRecords.contains(id) {
                guard let (method, path, token, valid, refused) = table[id] else { Issue.record("API write \(id) has no row in the audit sweep"); continue }
                var before = try await auditCount(services.db)
                // The refused body, or for reveal a member that does not exist.
                // A department's file is sent as CSV, everything else as JSON.
                func send(_ body: String?) async throws -> TestResponse {
                    id == "loadChecks" ? try await client.api(method, "/api/v1" + path, token: token, csv: body)
                        : try await client.api(method, "/api/v1" + path, token: token, json: body)
                }
                let r = refused.hasPrefix("/") ? try await client.api(method, "/api/v1" + refused, token: token) : try await send(refused)
                #expect((400..<500).contains(r.status.code), "\(id) refused: \(r.status)")
                #expect(try await auditCount(services.db) == before, "\(id): a refused write left an audit entry")
                before = try await auditCount(services.db)
                let ok = try await send(valid.isEmpty ? nil : valid)
                #expect((200..<300).contains(ok.status.code), "\(id): \(ok.status) \(String(buffer: ok.body).prefix(200))")
                #expect(try await auditCount(services.db) > before, "\(id) succeeded and left no audit entry")
            }
        }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for e in self { out.append(try await transform(e)) }
        return out
    }
}
