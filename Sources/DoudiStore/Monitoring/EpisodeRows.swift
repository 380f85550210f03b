import DoudiDomain
import Foundation

/// A monitoring episode as lists show it, decoded once: code names as their enums, the region as a code.
public struct EpisodeSummary: Sendable, Hashable, Decodable {
    public var id: Int64
    public var householdID: String
    public var regionCode: RegionCode
    public var leadID: Int64?
    public var previousID: Int64?
    public var monitoringType: MonitoringType
    public var riskKinds: [RiskKind]
    public var status: EpisodeStatus
    public var procedureKind: ProcedureKind?
    public var step: ProcedureStep?
    public var startedOn: CivilDate
    public var noticeFrom: CivilDate?
    public var noticeTo: CivilDate?
    public var foundOn: CivilDate
    public var identifiedOn: CivilDate?
    public var clearedOn: CivilDate?
    public var headName: String?
    /// The deadline of the current step while a procedure runs, from the policy of the episode's region and
    /// of the year it started; set by the store.
    public var stepDue: CivilDate?

    public func overdue(today: CivilDate) -> Bool { stepDue.map { today > $0 } ?? false }
    /// A procedure (identification or clearing) is under way: a step waits for its actor.
    public var running: Bool { status == .identifying || status == .clearing }

    enum CodingKeys: String, CodingKey {
        case id, status, step
        case householdID = "household_id", regionCode = "region", leadID = "lead_id", previousID = "previous_id", monitoringType = "monitoring_type"
        case riskKinds = "risk_kinds", procedureKind = "procedure_kind", startedOn = "started_on", noticeFrom = "notice_from"
        case noticeTo = "notice_to", foundOn = "found_on", identifiedOn = "identified_on", clearedOn = "cleared_on", headName = "head_name"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Int64.self, forKey: .id)
        householdID = try c.decode(String.self, forKey: .householdID)
        regionCode = try c.region(forKey: .regionCode)
        leadID = try c.decodeIfPresent(Int64.self, forKey: .leadID)
        previousID = try c.decodeIfPresent(Int64.self, forKey: .previousID)
        monitoringType = try c.known(MonitoringType.self, forKey: .monitoringType)
        riskKinds = try c.riskKinds(forKey: .riskKinds)
        status = try c.known(EpisodeStatus.self, forKey: .status)
        procedureKind = try c.knownIfPresent(ProcedureKind.self, forKey: .procedureKind)
        step = try c.knownIfPresent(ProcedureStep.self, forKey: .step)
        startedOn = try c.decode(CivilDate.self, forKey: .startedOn)
        noticeFrom = try c.decodeIfPresent(CivilDate.self, forKey: .noticeFrom)
        noticeTo = try c.decodeIfPresent(CivilDate.self, forKey: .noticeTo)
        foundOn = try c.decode(CivilDate.self, forKey: .foundOn)
        identifiedOn = try c.decodeIfPresent(CivilDate.self, forKey: .identifiedOn)
        clearedOn = try c.decodeIfPresent(CivilDate.self, forKey: .clearedOn)
        headName = try c.decodeIfPresent(String.self, forKey: .headName)
    }

    mutating func setStepDue(_ book: PolicyBook) {
        stepDue = try? step?.due(startedOn: startedOn, policy: book.policy(region: regionCode, year: startedOn.year))
    }

    func state(unresolved: Int) -> ProcedureState? {
        guard let kind = procedureKind, let step else { return nil }
        return ProcedureState(kind: kind, step: step, startedOn: startedOn, noticeFrom: noticeFrom, noticeTo: noticeTo, unresolvedObjections: unresolved)
    }
}

/// One line of an episode's timeline.
public struct EpisodeEvent: Sendable, Hashable, Decodable {
    public var at: Int64
    public var onDay: CivilDate
    public var procedureKind: ProcedureKind?
    public var step: ProcedureStep?
    public var action: EpisodeEventKind
    public var note: String
    public var actor: String
    enum CodingKeys: String, CodingKey { case at, step, action, note, actor, onDay = "on_day", procedureKind = "procedure_kind" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        at = try c.decode(Int64.self, forKey: .at)
        onDay = try c.decode(CivilDate.self, forKey: .onDay)
        procedureKind = try c.knownIfPresent(ProcedureKind.self, forKey: .procedureKind)
        step = try c.knownIfPresent(ProcedureStep.self, forKey: .step)
        action = try c.known(EpisodeEventKind.self, forKey: .action)
        note = try c.decode(String.self, forKey: .note)
        actor = try c.decode(String.self, forKey: .actor)
    }
}

public struct ObjectionRecord: Sendable, Hashable, Decodable {
    public var id: Int64
    public var raisedOn: CivilDate
    public var text: String
    public var status: ObjectionStatus
    public var resolution: String?
    enum CodingKeys: String, CodingKey { case id, text, status, resolution, raisedOn = "raised_on" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Int64.self, forKey: .id)
        raisedOn = try c.decode(CivilDate.self, forKey: .raisedOn)
        text = try c.decode(String.self, forKey: .text)
        status = try c.known(ObjectionStatus.self, forKey: .status)
        resolution = try c.decodeIfPresent(String.self, forKey: .resolution)
    }
}

/// An episode with its timeline, objections and the deadline of its current step.
public struct EpisodeDetail: Sendable {
    public var episode: EpisodeSummary
    public var events: [EpisodeEvent]
    public var objections: [ObjectionRecord]
    public var noticeDays: Int
}
