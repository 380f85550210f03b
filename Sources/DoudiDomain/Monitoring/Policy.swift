/// Policy parameters (R-MON-3, R-MON-6, R-MON-7, R-MON-9, R-FEED-2): monitoring lines, thresholds, deadlines and
/// the risk-kind catalogue are data per region and year, set by administrators, inherited down the region tree.
public enum PolicyKey: String, CodeNamed {
    /// 监测标准: yuan per person per year (R-MON-3).
    case monitoringLine
    /// Out-of-pocket medical cost that flags a household in screening (R-FEED-2), yuan.
    case medicalThreshold
    /// Disaster loss that flags a household in screening, yuan.
    case disasterThreshold
    /// Whether the time limits below count calendar days (R-MON-6/7, national practice) or working days
    /// (R-MON-11's provinces), on the region's working-day calendar.
    case deadlineCount
    /// Days from a lead to its on-the-spot verification (R-MON-6, 周核实).
    case verificationDays
    /// Days from a lead to the pledge and authorisation (R-MON-7 step 3).
    case pledgeDays
    /// Days from a lead to the end of the democratic review (R-MON-7 step 5).
    case reviewDays
    /// Shortest village public notice, in days (R-MON-7 step 6: at least 5).
    case noticeDays
    /// Days from a lead to the township review (R-MON-7 step 7).
    case townshipDays
    /// Days from a lead to the county decision (R-MON-7: normally 15).
    case decisionDays
    /// Months the income must have stayed above the line before a risk is cleared (R-MON-9: often 6).
    case clearingIncomeMonths
    /// The risk kinds offered, as code names separated by commas (R-MON-4 catalogue).
    case riskKinds
    /// The assistance services a case's measures are drawn from, as code names separated by commas (seed 002's eight).
    case services
    /// 监督电话: the number a village notice gives for objections and complaints.
    case supervisionPhone
    /// 咨询电话: whom a household asks about its report; set for a village, a township or the county.
    case contactPhone
    /// Percent of benefit applications the county visits itself (R-DB-5: at least 30).
    case spotCheckPercent
    /// 1 where the county has delegated the approval of benefits to the townships, 0 where it approves.
    case approvalDelegated
    /// The asset checklist of the economic-status checks (R-DB-1): deposits per covered person (yuan) and how
    /// many vehicles, houses and registered businesses a household may have.
    case depositLimit, vehicleLimit, housingLimit, businessLimit
    /// 低保标准 (R-DB-4): yuan per person per month, for towns and for the countryside, set by the province or
    /// prefecture each year.
    case dibaoUrban, dibaoRural
    /// Allowances on top of dibao (R-DB-3), yuan per person per month for each member of the kind.
    case allowanceElderly, allowanceMinor, allowanceSevereDisability, allowanceSeriousIllness
    /// 渐退 (R-DB-8): the percent of the amount before paid in each month of the exit, in order.
    case phasedExitSchedule
    /// 临时救助 (R-LS-1): the highest amount each approver may grant, as a multiple of the monthly dibao standard;
    /// the township's is also the ceiling of aid first.
    case aidTownshipMultiple, aidCountyMultiple, aidJointMultiple
    /// 先行救助: working days from the payment within which the paperwork is completed.
    case aidFirstDays
    /// R-DB-5's time limits of an application: working days to accept it, to the township's opinion (and once
    /// more for a complicated case), from the notice to the approval; the notice's calendar days.
    case applicationAcceptDays, applicationOpinionDays, applicationExtensionDays, applicationApprovalDays, applicationNoticeDays
    /// A case's six steps (3866): working days each step may take, from the day the case entered it.
    case caseSurveyDays, caseFileDays, caseApproveDays, caseAidDays, caseServeDays, caseMonitorDays
    /// Children without a guardian (R-CH-2): hours the township has to acknowledge a report before it escalates
    /// to the county (24 unless set), and days between follow-up contacts by risk (1, 3, 7 unless set).
    case childAcknowledgeHours, childFollowUpHighDays, childFollowUpMediumDays, childFollowUpLowDays
    /// R-CH-4: the orphan's basic living allowance (socially raised), yuan a month, which a de-facto unsupported
    /// child's allowance follows; the days a carer who pledged has to complete the papers (90 unless set).
    case childAllowance, childPledgeDays

    public var chinese: String {
        switch self {
        case .monitoringLine: "监测标准（元/人/年）"
        case .medicalThreshold: "医疗自付预警线（元）"
        case .disasterThreshold: "灾害损失预警线（元）"
        case .deadlineCount: "时限计算方式（自然日或工作日）"
        case .verificationDays: "线索核实时限（天）"
        case .pledgeDays: "承诺授权时限（天，自发现线索起）"
        case .reviewDays: "民主评议时限（天，自发现线索起）"
        case .noticeDays: "村级公示最短天数"
        case .townshipDays: "乡镇审核时限（天，自发现线索起）"
        case .decisionDays: "县级审定时限（天，自发现线索起）"
        case .clearingIncomeMonths: "风险消除收入稳定月数"
        case .riskKinds: "风险类型目录"
        case .services: "帮扶服务目录"
        case .supervisionPhone: "公示监督电话"
        case .contactPhone: "群众咨询电话"
        case .spotCheckPercent: "县级入户抽查比例（%）"
        case .approvalDelegated: "低保审批委托乡镇（1是，0否）"
        case .depositLimit: "核对：人均存款限额（元）"
        case .vehicleLimit: "核对：允许的机动车辆数"
        case .housingLimit: "核对：允许的房产套数"
        case .businessLimit: "核对：允许的工商登记数"
        case .dibaoUrban: "城市低保标准（元/人/月）"
        case .dibaoRural: "农村低保标准（元/人/月）"
        case .allowanceElderly: "低保加发：老年人（元/人/月）"
        case .allowanceMinor: "低保加发：未成年人（元/人/月）"
        case .allowanceSevereDisability: "低保加发：重度残疾人（元/人/月）"
        case .allowanceSeriousIllness: "低保加发：重病患者（元/人/月）"
        case .phasedExitSchedule: "渐退期逐月发放比例（%，如100,100,50）"
        case .aidTownshipMultiple: "临时救助：乡镇审批上限（月低保标准的倍数）"
        case .aidCountyMultiple: "临时救助：县级审批上限（月低保标准的倍数）"
        case .aidJointMultiple: "临时救助：联席会议审批上限（月低保标准的倍数）"
        case .aidFirstDays: "先行救助补办手续时限（工作日）"
        case .applicationAcceptDays: "救助申请：受理时限（工作日）"
        case .applicationOpinionDays: "救助申请：乡镇审核时限（工作日）"
        case .applicationExtensionDays: "救助申请：复杂情况延长（工作日）"
        case .applicationApprovalDays: "救助申请：审批时限（工作日，自公示结束）"
        case .applicationNoticeDays: "救助申请：公示天数"
        case .caseSurveyDays: "帮扶个案：摸底时限（工作日）"
        case .caseFileDays: "帮扶个案：建档时限（工作日）"
        case .caseApproveDays: "帮扶个案：审批时限（工作日）"
        case .caseAidDays: "帮扶个案：救助时限（工作日）"
        case .caseServeDays: "帮扶个案：服务时限（工作日）"
        case .caseMonitorDays: "帮扶个案：监测评估周期（工作日）"
        case .childAcknowledgeHours: "困境儿童：乡镇确认时限（小时）"
        case .childFollowUpHighDays: "困境儿童：高风险跟进间隔（天）"
        case .childFollowUpMediumDays: "困境儿童：中风险跟进间隔（天）"
        case .childFollowUpLowDays: "困境儿童：低风险跟进间隔（天）"
        case .childAllowance: "孤儿基本生活费标准（社会散居，元/人/月）"
        case .childPledgeDays: "儿童基本生活费：承诺后补齐材料时限（天）"
        }
    }

    public var english: String {
        switch self {
        case .monitoringLine: "Monitoring line (yuan/person/year)"
        case .medicalThreshold: "Medical out-of-pocket threshold (yuan)"
        case .disasterThreshold: "Disaster loss threshold (yuan)"
        case .deadlineCount: "Time limits count (calendar or working days)"
        case .verificationDays: "Lead verification (days)"
        case .pledgeDays: "Pledge and authorisation (days from the lead)"
        case .reviewDays: "Democratic review (days from the lead)"
        case .noticeDays: "Village public notice, shortest (days)"
        case .townshipDays: "Township review (days from the lead)"
        case .decisionDays: "County decision (days from the lead)"
        case .clearingIncomeMonths: "Months of stable income before clearing"
        case .riskKinds: "Risk-kind catalogue"
        case .services: "Catalogue of assistance services"
        case .supervisionPhone: "Supervision telephone on notices"
        case .contactPhone: "Telephone for residents' questions"
        case .spotCheckPercent: "County spot checks of applications (%)"
        case .approvalDelegated: "Approval delegated to townships (1 yes, 0 no)"
        case .depositLimit: "Checks: deposits per person, at most (yuan)"
        case .vehicleLimit: "Checks: motor vehicles allowed"
        case .housingLimit: "Checks: houses allowed"
        case .businessLimit: "Checks: registered businesses allowed"
        case .dibaoUrban: "Urban dibao standard (yuan/person/month)"
        case .dibaoRural: "Rural dibao standard (yuan/person/month)"
        case .allowanceElderly: "Dibao allowance: elderly (yuan/person/month)"
        case .allowanceMinor: "Dibao allowance: minors (yuan/person/month)"
        case .allowanceSevereDisability: "Dibao allowance: severely disabled (yuan/person/month)"
        case .allowanceSeriousIllness: "Dibao allowance: seriously ill (yuan/person/month)"
        case .phasedExitSchedule: "Phased exit: percent paid month by month (e.g. 100,100,50)"
        case .aidTownshipMultiple: "Temporary aid: township's ceiling (times the monthly dibao standard)"
        case .aidCountyMultiple: "Temporary aid: county's ceiling (times the monthly dibao standard)"
        case .aidJointMultiple: "Temporary aid: joint meeting's ceiling (times the monthly dibao standard)"
        case .aidFirstDays: "Aid first: paperwork completed within (working days)"
        case .applicationAcceptDays: "Applications: acceptance within (working days)"
        case .applicationOpinionDays: "Applications: township's opinion within (working days)"
        case .applicationExtensionDays: "Applications: extension for a complicated case (working days)"
        case .applicationApprovalDays: "Applications: approval within (working days after the notice)"
        case .applicationNoticeDays: "Applications: notice (days)"
        case .caseSurveyDays: "Cases: survey within (working days)"
        case .caseFileDays: "Cases: file within (working days)"
        case .caseApproveDays: "Cases: approval within (working days)"
        case .caseAidDays: "Cases: aid within (working days)"
        case .caseServeDays: "Cases: services within (working days)"
        case .caseMonitorDays: "Cases: monitoring reviewed every (working days)"
        case .childAcknowledgeHours: "Children: township acknowledges within (hours)"
        case .childFollowUpHighDays: "Children: follow-up every (days), high risk"
        case .childFollowUpMediumDays: "Children: follow-up every (days), medium risk"
        case .childFollowUpLowDays: "Children: follow-up every (days), low risk"
        case .childAllowance: "Orphan's basic living allowance, raised in the community (yuan/person/month)"
        case .childPledgeDays: "Children's allowance: papers completed within (days of the pledge)"
        }
    }

    /// A value as stored: a risk-kind catalogue typed in Chinese (因病、因灾) or with other separators becomes its
    /// code names separated by commas; other values are trimmed.
    public func normalized(_ value: String) -> String {
        let v = value.trimmingSpaces()
        if self == .deadlineCount { return (DayCount.allCases.first { $0.chinese == v }?.rawValue) ?? v }
        if self == .phasedExitSchedule { return Self.percents(v).map { $0.map(String.init).joined(separator: ",") } ?? v }
        let parts = v.split(whereSeparator: { ",，、 ;；".contains($0) }).map(String.init)
        switch self {
        case .riskKinds: return parts.map { RiskKind(text: $0)?.rawValue ?? $0 }.joined(separator: ",")
        case .services: return parts.map { ServiceKind(text: $0)?.rawValue ?? $0 }.joined(separator: ",")
        default: return v
        }
    }

    /// The problem with a value for this key, or nil when it can be stored.
    public func problem(_ value: String) -> FieldProblem? {
        let v = value.trimmingSpaces()
        if self == .riskKinds {
            var problems: [FieldProblem] = []
            let kinds = RiskKind.parse(v.split(separator: ",").map { String($0).trimmingSpaces() }, required: true, &problems)
            if kinds.isEmpty && problems.isEmpty { problems.append(FieldProblem("riskKinds", .emptyCatalogue)) }
            return problems.first.map { FieldProblem(rawValue, $0.message) }
        }
        if self == .services {
            let names = v.split(separator: ",").map { String($0).trimmingSpaces() }
            if let bad = names.first(where: { ServiceKind(text: $0) == nil }) { return ServiceKind.problem(field: rawValue, text: bad) }
            return names.isEmpty ? FieldProblem(rawValue, .emptyCatalogue) : nil
        }
        if self == .deadlineCount {
            return DayCount(rawValue: normalized(v)) == nil ? DayCount.problem(field: rawValue, text: v) : nil
        }
        if self == .phasedExitSchedule {
            return Self.percents(v) == nil
                ? FieldProblem(rawValue, Message("应为1到24个0到100的整数，用逗号分隔，如100,100,50", "1 to 24 whole numbers from 0 to 100 separated by commas, such as 100,100,50"))
                : nil
        }
        if self == .supervisionPhone || self == .contactPhone {
            let ok = (5...30).contains(v.count) && v.allSatisfy { $0.isASCII && ($0.isNumber || "-() ".contains($0)) }
            return ok ? nil : FieldProblem(rawValue, Message("应为电话号码，如0734-4321000", "must be a telephone number, such as 0734-4321000"))
        }
        guard let n = Int(v), n >= 0 else {
            return FieldProblem(rawValue, Message("应为不带符号的整数", "must be a whole number"))
        }
        let range: ClosedRange<Int> = switch self {
        case .monitoringLine, .medicalThreshold, .disasterThreshold: 1...10_000_000
        case .noticeDays: 5...60  // R-MON-7: never shorter than five days
        case .clearingIncomeMonths: 1...36
        case .spotCheckPercent: 30...100  // R-DB-5: at least 30 %
        case .approvalDelegated: 0...1
        case .depositLimit: 0...10_000_000
        case .vehicleLimit, .housingLimit, .businessLimit: 0...10
        case .dibaoUrban, .dibaoRural: 1...100_000
        case .allowanceElderly, .allowanceMinor, .allowanceSevereDisability, .allowanceSeriousIllness: 0...100_000
        case .aidTownshipMultiple, .aidCountyMultiple, .aidJointMultiple: 1...120
        case .aidFirstDays: 1...60
        case .applicationNoticeDays: 5...60
        case .childAcknowledgeHours: 1...72  // "at once" (R-CH-2): three days at the very most
        case .childFollowUpHighDays, .childFollowUpMediumDays, .childFollowUpLowDays: 1...30
        case .childAllowance: 1...100_000
        case .childPledgeDays: 1...365
        default: 1...120
        }
        guard range.contains(n) else {
            return FieldProblem(rawValue, Message("应在\(range.lowerBound)到\(range.upperBound)之间", "must be between \(range.lowerBound) and \(range.upperBound)"))
        }
        return nil
    }
}

/// One value set by an administrator for a region (and everything under it) from a year on.
public struct PolicySetting: Sendable, Hashable {
    public var region: RegionCode
    public var year: Int
    public var key: PolicyKey
    public var value: String
    public init(region: RegionCode, year: Int, key: PolicyKey, value: String) {
        self.region = region; self.year = year; self.key = key; self.value = value
    }
}

/// The parameters in force for one region in one year.
public struct Policy: Sendable, Hashable {
    public var values: [PolicyKey: String]
    /// The region's working-day calendar, for the time limits counted in working days.
    public var calendar = WorkingDayCalendar()
    /// Where each value comes from: the region and year of the setting that won.
    public var sources: [PolicyKey: Source]
    public struct Source: Sendable, Hashable { public var region: RegionCode; public var year: Int }

    /// Inheritance: for each key, among the settings of the region and its ancestors from years up to `year`,
    /// the latest year wins, and within one year the nearest region. So a county's own line holds until its
    /// province sets a newer one, and a line set for 2024 still holds in 2025 until 2025's is set.
    public static func resolve(region: RegionCode, year: Int, settings: [PolicySetting], calendar: WorkingDayCalendar = WorkingDayCalendar()) -> Policy {
        var best: [PolicyKey: PolicySetting] = [:]
        for s in settings where s.year <= year && s.region.contains(region) {
            if let b = best[s.key], (b.year, b.region.depth) >= (s.year, s.region.depth) { continue }
            best[s.key] = s
        }
        return Policy(values: best.mapValues(\.value), calendar: calendar, sources: best.mapValues { Source(region: $0.region, year: $0.year) })
    }

    public func int(_ key: PolicyKey) -> Int? { values[key].flatMap { Int($0.trimmingSpaces()) } }

    /// The risk kinds the catalogue offers; all of them when none is set.
    public var riskKinds: [RiskKind] {
        guard let v = values[.riskKinds] else { return RiskKind.allCases }
        let kinds = v.split(separator: ",").compactMap { RiskKind(rawValue: String($0).trimmingSpaces()) }
        return kinds.isEmpty ? RiskKind.allCases : kinds
    }

    /// The assistance services the catalogue offers; all eight when none is set.
    public var services: [ServiceKind] {
        let kinds = (values[.services] ?? "").split(separator: ",").compactMap { ServiceKind(rawValue: String($0).trimmingSpaces()) }
        return kinds.isEmpty ? ServiceKind.allCases : kinds
    }

    /// A number that must be there: the shipped country-level settings give every key, so a missing one is a
    /// broken database, reported rather than replaced by a constant.
    public func required(_ key: PolicyKey) throws(PolicyMissing) -> Int {
        guard let n = int(key) else { throw PolicyMissing(key: key) }
        return n
    }

    /// How the time limits count their days; calendar days where nothing is set.
    public var deadlineCount: DayCount { values[.deadlineCount].flatMap(DayCount.init(rawValue:)) ?? .calendarDays }

    /// A time limit of `key`'s days, counted as the region counts them.
    public func limit(_ key: PolicyKey) throws(PolicyMissing) -> TimeLimit { TimeLimit(days: try required(key), count: deadlineCount) }

    /// The asset limits of the economic-status checks; the shipped country-level values where none is set.
    public var checkLimits: CheckLimits {
        CheckLimits(depositsPerPerson: int(.depositLimit) ?? 12_000, vehicles: int(.vehicleLimit) ?? 0, housing: int(.housingLimit) ?? 1,
                    business: int(.businessLimit) ?? 0)
    }

    public var verification: VerificationDeadline {
        VerificationDeadline(limit: TimeLimit(days: int(.verificationDays) ?? 7, count: deadlineCount), calendar: calendar)
    }
}

public struct PolicyMissing: Error, Sendable, Hashable { public var key: PolicyKey }

extension RegionCode {
    /// 0 for the country, 5 for a village: nearer regions are deeper.
    public var depth: Int { isCountry ? 0 : level.rawValue }
}

extension Message {
    static let emptyCatalogue = Message("目录不能为空", "the catalogue cannot be empty")
}
