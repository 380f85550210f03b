/// 监测对象类型 (R-MON-2).
public enum MonitoringType: String, CodeNamed {
    case unstableExited, marginalAtRisk, suddenHardship
    public var chinese: String {
        switch self { case .unstableExited: "脱贫不稳定户"; case .marginalAtRisk: "边缘易致贫户"; case .suddenHardship: "突发严重困难户" }
    }

    /// R-MON-2: an exited household can be `unstableExited`, one never on the poverty register
    /// `marginalAtRisk`; any household can be `suddenHardship`. A not-exited household is already assisted.
    public func problem(for status: PovertyStatus) -> FieldProblem? {
        switch (self, status) {
        case (_, .notExited):
            FieldProblem("monitoringType", Message("未脱贫户已在帮扶中，不纳入监测", "a not-exited household is already assisted, not monitored"))
        case (.unstableExited, .none):
            FieldProblem("monitoringType", Message("脱贫不稳定户须为已脱贫户", "an unstable exited household must have exited the poverty register"))
        case (.marginalAtRisk, .exited):
            FieldProblem("monitoringType", Message("边缘易致贫户须为非建档立卡户", "a marginal household must never have been on the poverty register"))
        default: nil
        }
    }
}

/// 周核实 (R-MON-6): what the on-the-spot verification of a lead decided.
public enum LeadDecision: Sendable, Hashable {
    case confirmed(MonitoringType, [RiskKind])
    case notConfirmed(reason: String)
    case merged(into: Int64)

    public var status: LeadStatus {
        switch self { case .confirmed: .confirmed; case .notConfirmed: .notConfirmed; case .merged: .merged }
    }

    /// Reads a decision from its parts as the API and the form send them.
    public static func parse(decision: String, monitoringType: String?, riskKinds: [String], reason: String?, mergeInto: Int64?) -> Result<LeadDecision, ProblemList> {
        var problems: [FieldProblem] = []
        switch decision {
        case "confirmed":
            let type = monitoringType.flatMap(MonitoringType.init(rawValue:))
            if type == nil { problems.append(MonitoringType.problem(field: "monitoringType", text: monitoringType ?? "")) }
            let kinds = RiskKind.parse(riskKinds, required: true, &problems)
            guard problems.isEmpty, let type else { return .failure(ProblemList(problems)) }
            return .success(.confirmed(type, kinds))
        case "notConfirmed":
            let text = (reason ?? "").trimmingSpaces()
            guard !text.isEmpty, text.count <= 500 else {
                return .failure(ProblemList([FieldProblem("reason", Message("请填写核实不符的原因（不超过500个字）", "give the reason, at most 500 characters"))]))
            }
            return .success(.notConfirmed(reason: text))
        case "merged":
            guard let mergeInto else { return .failure(ProblemList([FieldProblem("mergeInto", Message("请填写合并到的线索编号", "give the lead to merge into"))])) }
            return .success(.merged(into: mergeInto))
        default:
            return .failure(ProblemList([LeadStatus.problem(field: "decision", text: decision)]))
        }
    }
}

/// The verification deadline of a lead and who must act when it passes (R-MON-6): within `days` of its
/// creation by its village; overdue, the township; overdue twice over, the county.
public struct VerificationDeadline: Sendable, Hashable {
    public var limit: TimeLimit
    public var calendar: WorkingDayCalendar
    public init(limit: TimeLimit = TimeLimit(days: 7), calendar: WorkingDayCalendar = WorkingDayCalendar()) {
        self.limit = limit; self.calendar = calendar
    }
    public var days: Int { limit.days }

    public enum Escalation: String, Sendable, CaseIterable { case village, township, county }

    public func due(createdOn: CivilDate) -> CivilDate { limit.due(from: createdOn, calendar: calendar) }

    /// Overdue, the township takes it up; overdue by a second time limit, the county.
    public func escalation(createdOn: CivilDate, today: CivilDate) -> Escalation {
        let due = due(createdOn: createdOn)
        if today <= due { return .village }
        return today <= limit.due(from: due, calendar: calendar) ? .township : .county
    }

    /// Who may record the verification: the village's cadre always; once overdue, the township takes it up
    /// too; overdue twice over, the county as well.
    /// `level`: where the lead was filed; a township without a village list verifies its own leads from the start.
    public func mayVerify(_ role: Role, createdOn: CivilDate, today: CivilDate, level: RegionCode.Level = .village) -> Bool {
        switch (role, escalation(createdOn: createdOn, today: today)) {
        case (.townshipOfficer, _) where level == .township: true
        case (.villageCadre, _): true
        case (.townshipOfficer, .township), (.townshipOfficer, .county): true
        case (.countyOfficer, .county): true
        default: false
        }
    }
}
