import DoudiDomain
import DoudiStore
import Foundation

/// Limits on what anyone can reach without an account: nothing there may be used to flood the queue, to guess
/// codes or to guess passwords. The page and the API call the same functions, so both count alike.
struct PublicLimits: Sendable {
    /// Reports per client address per hour.
    let perAddress: RateLimiter
    /// Reports per resident ID per day.
    let perPerson: RateLimiter
    /// Failed status look-ups per client address per hour.
    let lookups: RateLimiter
    /// Failed logins per client address and username per quarter hour, on the login page and the token endpoint alike.
    let logins: RateLimiter

    init(clock: Clock) {
        perAddress = RateLimiter(limit: 10, seconds: 3_600, clock: clock)
        perPerson = RateLimiter(limit: 3, seconds: 86_400, clock: clock)
        lookups = RateLimiter(limit: 30, seconds: 3_600, clock: clock)
        logins = RateLimiter(limit: 10, seconds: 900, clock: clock)
    }

    static let tooMany = Message("提交过于频繁，请稍后再试", "too many requests; try again later")

    enum ReportOutcome { case created(trackingCode: String), invalid([FieldProblem]), tooMany }

    /// A self-report from the page or the API. Every report that passes its check counts against both limits,
    /// whatever it says; one that fails its check counts against neither.
    func submit(_ report: SelfReport, from address: String, leads: LeadStore, today: CivilDate) async throws -> ReportOutcome {
        guard perAddress.take(address) else { return .tooMany }
        let checked: SelfReport.Checked
        switch report.check(today: today) {
        case .failure(let p):
            perAddress.refund(address)
            return .invalid(p.problems)
        case .success(let c): checked = c
        }
        guard perPerson.take(checked.residentID.text) else {
            perAddress.refund(address)
            return .tooMany
        }
        do {
            return .created(trackingCode: try await leads.submit(checked))
        } catch StoreError.invalid(let p) { return .invalid(p) }
    }

    enum LookupOutcome { case found(PublicStatus), notFound, tooMany }

    /// Where a public report stands, a household's self-report or a guardian's report on a child, in the words its
    /// holder reads.
    struct PublicStatus {
        var code: String
        var words: Message
        var nextStep: Message
        var receivedOn: CivilDate
        var place: String
        var contact: String?
    }

    /// A status look-up (a self-report's code, else a guardian's): only those that find nothing count.
    func lookUp(code: String, mobile: String, from address: String, leads: LeadStore, children: ChildCaseStore) async throws -> LookupOutcome {
        guard lookups.take(address) else { return .tooMany }
        let found: PublicStatus
        if let s = try await leads.status(trackingCode: code, mobile: mobile) {
            found = PublicStatus(code: s.status.rawValue, words: Message(s.status.chinese, s.status.english), nextStep: s.status.nextStep, receivedOn: s.receivedOn,
                                 place: s.place, contact: s.contact)
        } else if let s = try await children.guardianStatus(trackingCode: code, mobile: mobile) {
            found = PublicStatus(code: s.status.rawValue, words: Message(s.status.chinese, s.status.english), nextStep: s.status.guardianNextStep,
                                 receivedOn: s.receivedOn, place: s.place, contact: s.contact)
        } else { return .notFound }
        lookups.refund(address)
        return .found(found)
    }

    enum LoginOutcome { case account(UserStore.Account), wrong, tooMany }

    /// A password check: only failures count.
    func logIn(username: String, password: String, from address: String, users: UserStore) async throws -> LoginOutcome {
        let key = "\(address)|\(username)"
        guard logins.take(key) else { return .tooMany }
        guard let account = try await users.authenticate(username: username, password: password) else { return .wrong }
        logins.refund(key)
        return .account(account)
    }
}
