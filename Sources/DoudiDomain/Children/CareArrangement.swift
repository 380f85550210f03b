/// How urgent a child's case is, set when the township acknowledges it and changed with a reason.
public enum ChildRisk: String, CodeNamed, Comparable {
    case high, medium, low
    public var chinese: String {
        switch self { case .high: "高"; case .medium: "中"; case .low: "低" }
    }
    public var english: String {
        switch self { case .high: "High"; case .medium: "Medium"; case .low: "Low" }
    }
    public static func < (a: ChildRisk, b: ChildRisk) -> Bool { a.rank < b.rank }
    var rank: Int { self == .high ? 0 : self == .medium ? 1 : 2 }
}

/// R-CH-3's care arrangements (分类临时照料).
public enum CareArrangementKind: String, CodeNamed {
    case isolationObservation, relativeCare, designatedCarer, villageCommitteeCare, agencyTemporaryGuardianship
    public var chinese: String {
        switch self {
        case .isolationObservation: "集中隔离医学观察"; case .relativeCare: "亲属临时照料"; case .designatedCarer: "指定人员临时照料"
        case .villageCommitteeCare: "村（居）委会照料"; case .agencyTemporaryGuardianship: "民政部门临时监护（机构安置）"
        }
    }
    public var english: String {
        switch self {
        case .isolationObservation: "Isolation and medical observation"; case .relativeCare: "Care by relatives"
        case .designatedCarer: "Care by a designated carer"; case .villageCommitteeCare: "Care by the village committee"
        case .agencyTemporaryGuardianship: "Temporary guardianship by civil affairs (in an agency)"
        }
    }
}

/// One arrangement on a child's timeline: who cares for the child from when to when (times in milliseconds since
/// 1970, because a gap of a night matters; `to` nil while it lasts).
public struct CarePeriod: Sendable, Hashable {
    public var kind: CareArrangementKind
    public var carer: String
    public var from: Int64
    public var to: Int64?

    public init(kind: CareArrangementKind, carer: String, from: Int64, to: Int64? = nil) {
        self.kind = kind; self.carer = carer; self.from = from; self.to = to
    }

    /// An arrangement as a page or the API sends it: the kind's code name, the carer, from and to (`from`
    /// defaults to `now`). Every problem at once.
    public static func parse(kind: String?, carer: String?, from: Int64?, to: Int64?, now: Int64) -> Result<CarePeriod, ProblemList> {
        var problems: [FieldProblem] = []
        let kind = kind.flatMap(CareArrangementKind.init(rawValue:))
        if kind == nil { problems.append(FieldProblem("kind", Message("请选择照料方式", "choose how the child is cared for"))) }
        let who = (carer ?? "").trimmingSpaces()
        if who.isEmpty || who.count > 50 { problems.append(FieldProblem("carer", Message("请填写照料人或机构（不超过50个字）", "enter the carer or the agency, at most 50 characters"))) }
        let start = from ?? now
        if let to, to <= start { problems.append(FieldProblem("to", Message("结束时间应晚于开始时间", "the end comes after the start"))) }
        guard problems.isEmpty, let kind else { return .failure(ProblemList(problems)) }
        return .success(CarePeriod(kind: kind, carer: who, from: start, to: to))
    }

    /// The same from a form, whose times are Beijing minutes as typed (`BeijingMinute`); blank `from` is now, blank
    /// `to` open.
    public static func parse(kind: String?, carer: String?, fromText: String, toText: String, now: Int64) -> Result<CarePeriod, ProblemList> {
        var problems: [FieldProblem] = []
        func time(_ text: String, _ field: String) -> Int64? {
            guard !text.trimmingSpaces().isEmpty else { return nil }
            guard let t = BeijingMinute.millis(text) else { problems.append(FieldProblem(field, realMinute)); return nil }
            return t
        }
        let from = time(fromText, "from"), to = time(toText, "to")
        switch parse(kind: kind, carer: carer, from: from, to: to, now: now) {
        case .success(let p) where problems.isEmpty: return .success(p)
        case .success: return .failure(ProblemList(problems))
        case .failure(let f): return .failure(ProblemList(problems + f.problems))
        }
    }

    public static let realMinute = Message("时间应为真实的日期和时刻（如 2020-02-03 18:30）", "a time is a real day and minute, such as 2020-02-03 18:30")
}

/// R-CH-3 read strictly: from acknowledgement until closure a child always has an arrangement in force.
public enum CareTimeline {
    public struct Gap: Sendable, Hashable {
        public var from: Int64
        /// nil: from `from` on, nothing at all.
        public var to: Int64?
        public init(from: Int64, to: Int64?) { self.from = from; self.to = to }
    }

    /// The stretches of time from `start` until `end` (nil: open, the case not closed) that no period covers.
    public static func gaps(_ periods: [CarePeriod], from start: Int64, until end: Int64?) -> [Gap] {
        var out: [Gap] = []
        var covered = start  // everything before this instant is covered
        for p in periods.sorted(by: { $0.from < $1.from }) {
            if let end, covered >= end { break }
            if p.from > covered { out.append(Gap(from: covered, to: end.map { min(p.from, $0) } ?? p.from)) }
            guard let to = p.to else { return end.map { e in out.filter { $0.from < e } } ?? out }  // open: covers the rest
            covered = max(covered, to)
        }
        if let end { if covered < end { out.append(Gap(from: covered, to: end)) } } else { out.append(Gap(from: covered, to: nil)) }
        return out.filter { g in g.to.map { g.from < $0 } ?? true }
    }

    /// The instant the child will first be without care, when that is within `hours` of `now` (or has passed
    /// already: an arrangement ended and nothing took it over); nil while care is arranged beyond the horizon.
    public static func uncovered(_ periods: [CarePeriod], now: Int64, hours: Int = 48) -> Int64? {
        guard let first = gaps(periods, from: now, until: nil).first, first.from <= now + Int64(hours) * 3_600_000 else { return nil }
        guard first.from == now else { return first.from }
        // Already without care: since the last arrangement ended (or now, for a child never placed).
        return periods.compactMap(\.to).filter { $0 <= now }.max() ?? now
    }

    public static let gapMessage = Message("照料安排不能出现空档：变更后该儿童将有一段时间无人照料", "care cannot have a gap: after this change the child would be left without care for a time")
}

/// The township acknowledges a new case within a number of hours (24 unless the region sets another).
public struct AcknowledgementDeadline: Sendable, Hashable {
    public var hours: Int
    public init(hours: Int = 24) { self.hours = hours }
    /// The region's own time where its policy sets one.
    public init(_ policy: Policy) { self.init(hours: policy.int(.childAcknowledgeHours) ?? 24) }
    public func due(reportedAt: Int64) -> Int64 { reportedAt + Int64(hours) * 3_600_000 }
    /// Not acknowledged and past its time: it escalates to the county.
    public func isOverdue(reportedAt: Int64, acknowledgedAt: Int64?, now: Int64) -> Bool { acknowledgedAt == nil && now > due(reportedAt: reportedAt) }
}

/// Follow-up contacts: every `days[risk]` days from the last contact (or the acknowledgement); daily while high.
public struct FollowUpSchedule: Sendable, Hashable {
    public var days: [ChildRisk: Int]
    public init(days: [ChildRisk: Int] = [.high: 1, .medium: 3, .low: 7]) { self.days = days }
    /// The region's own days where its policy sets them.
    public init(_ policy: Policy) {
        let d = FollowUpSchedule().days
        self.init(days: [.high: policy.int(.childFollowUpHighDays) ?? d[.high] ?? 1, .medium: policy.int(.childFollowUpMediumDays) ?? d[.medium] ?? 3,
                         .low: policy.int(.childFollowUpLowDays) ?? d[.low] ?? 7])
    }
    public func due(after last: Int64, risk: ChildRisk) -> Int64 { last + Int64(days[risk] ?? 1) * 86_400_000 }
    public func isOverdue(last: Int64, risk: ChildRisk, now: Int64) -> Bool { now > due(after: last, risk: risk) }
}
