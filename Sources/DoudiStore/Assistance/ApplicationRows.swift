import DoudiDomain
import Foundation

/// An application as the lists and the page show it.
public struct ApplicationSummary: Sendable, Hashable, Decodable {
    public var id: Int64
    public var householdID: String
    public var region: RegionCode
    public var kind: BenefitKind
    public var covered: [Int64]
    public var income: IncomeStatement
    public var assets: [String: Int]
    public var relativeOfStaff: Bool
    public var status: ApplicationStatus
    public var step: ApplicationStep
    public var state: ApplicationState
    public var approvedAmount: Int?
    public var decidedOn: CivilDate?
    /// A refusal's reasons, for the letter.
    public var reasons: String?
    public var episodeID: Int64?
    public var headName: String
    /// The current step's last day on the region's calendar (filled in by the store's reads).
    public var stepDue: CivilDate

    enum CodingKeys: String, CodingKey {
        case id, household_id, region, kind, covered, income, income_months, assets, relative_of_staff, spot_check, delegated, aid_approver, status, step
        case submitted_on, accepted_on, home_visited, county_visited, extended, proposed_amount, approved_amount, notice_from, notice_to
        case unresolved_objections, decided_on, reasons, episode_id, head_name
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func day(_ k: CodingKeys) throws -> CivilDate? { try c.decodeIfPresent(String.self, forKey: k).flatMap { CivilDate($0) } }
        func flag(_ k: CodingKeys) throws -> Bool { try c.decode(Int.self, forKey: k) != 0 }
        func code<E: CodeNamed>(_ k: CodingKeys) throws -> E {
            let raw = try c.decode(String.self, forKey: k)
            guard let e = E(rawValue: raw) else { throw DecodingError.dataCorruptedError(forKey: k, in: c, debugDescription: "unknown \(raw)") }
            return e
        }
        id = try c.decode(Int64.self, forKey: .id)
        householdID = try c.decode(String.self, forKey: .household_id)
        guard let r = RegionCode(value: UInt64(try c.decode(Int64.self, forKey: .region))) else {
            throw DecodingError.dataCorruptedError(forKey: .region, in: c, debugDescription: "not a region code")
        }
        region = r
        kind = try code(.kind)
        covered = try c.decode(String.self, forKey: .covered).split(separator: ",").compactMap { Int64($0) }
        income = StoredIncome.statement(try c.decode(String.self, forKey: .income), months: try c.decode(Int.self, forKey: .income_months))
        assets = (try? JSONDecoder().decode([String: Int].self, from: Data(try c.decode(String.self, forKey: .assets).utf8))) ?? [:]
        relativeOfStaff = try flag(.relative_of_staff)
        status = try code(.status)
        step = try code(.step)
        guard let submitted = try day(.submitted_on) else { throw DecodingError.dataCorruptedError(forKey: .submitted_on, in: c, debugDescription: "no date") }
        var s = ApplicationState(submittedOn: submitted, spotCheck: try flag(.spot_check), delegated: try flag(.delegated))
        s.step = step; s.acceptedOn = try day(.accepted_on); s.homeVisited = try flag(.home_visited); s.countyVisited = try flag(.county_visited)
        s.extended = try flag(.extended); s.proposedAmount = try c.decodeIfPresent(Int.self, forKey: .proposed_amount)
        s.approver = try c.decodeIfPresent(String.self, forKey: .aid_approver).flatMap(AidApprover.init(rawValue:))
        s.noticeFrom = try day(.notice_from); s.noticeTo = try day(.notice_to); s.unresolvedObjections = try c.decode(Int.self, forKey: .unresolved_objections)
        state = s
        approvedAmount = try c.decodeIfPresent(Int.self, forKey: .approved_amount)
        decidedOn = try day(.decided_on)
        reasons = try c.decodeIfPresent(String.self, forKey: .reasons)
        episodeID = try c.decodeIfPresent(Int64.self, forKey: .episode_id)
        headName = try c.decodeIfPresent(String.self, forKey: .head_name) ?? ""
        stepDue = submitted
    }
}

/// One line of an application's timeline.
public struct ApplicationEvent: Sendable, Hashable, Decodable {
    public var day: CivilDate
    public var step: ApplicationStep
    public var action: String
    public var note: String
    public var actor: String

    enum CodingKeys: String, CodingKey { case on_day, step, action, note, actor }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let d = CivilDate(try c.decode(String.self, forKey: .on_day)), let s = ApplicationStep(rawValue: try c.decode(String.self, forKey: .step)) else {
            throw DecodingError.dataCorruptedError(forKey: .on_day, in: c, debugDescription: "bad event row")
        }
        day = d; step = s
        action = try c.decode(String.self, forKey: .action); note = try c.decode(String.self, forKey: .note); actor = try c.decode(String.self, forKey: .actor)
    }
}

public struct ApplicationDetail: Sendable, Hashable {
    public var summary: ApplicationSummary
    public var events: [ApplicationEvent]
    /// The departments' answers about the covered members (家庭经济状况核对), and each source against its limit.
    public var checks: [CheckAnswer]
    public var findings: [CheckFinding]
    /// The benefit an approval put in force.
    public var benefitID: Int64?
    /// For dibao: the declared income of the covered members against the region's standard of the month
    /// submitted (R-DB-1/3), what the township's opinion starts from; nil for other kinds or without a standard.
    public var assessment: DibaoAssessment?
    /// The region's time limits the application runs on.
    public var limits: ApplicationTimeLimits
}
