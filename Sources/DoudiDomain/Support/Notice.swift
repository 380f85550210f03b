/// 公示: one mechanism for every list that must be posted (issue 13, item 8). Each kind names the fields it may
/// show; a sheet is built from whatever a record offers and keeps those fields only, so a resident ID, a phone,
/// a bank account or a health detail handed to it never reaches the wall.
public enum NoticeKind: String, CodeNamed {
    /// 防止返贫监测对象 identified, or their risk cleared (R-MON-7, R-MON-10).
    case monitoringIdentification, monitoringClearing
    case dibao, extremeHardship, temporaryAid

    public var chinese: String {
        switch self {
        case .monitoringIdentification: "防止返贫监测对象公示"
        case .monitoringClearing: "防止返贫监测对象风险消除公示"
        case .dibao: "最低生活保障审核公示"
        case .extremeHardship: "特困人员救助供养审核公示"
        case .temporaryAid: "临时救助公示"
        }
    }
    public var english: String {
        switch self {
        case .monitoringIdentification: "Notice of households identified for monitoring"
        case .monitoringClearing: "Notice of households whose risk is cleared"
        case .dibao: "Notice of dibao applications reviewed"
        case .extremeHardship: "Notice of extreme-hardship support reviewed"
        case .temporaryAid: "Notice of temporary aid"
        }
    }

    /// The fields this kind may show, in the order of its columns (R-MON-7; R-DB-5: the head's name, the persons
    /// covered, the income and the proposed amount).
    public var fields: [NoticeField] {
        switch self {
        case .monitoringIdentification, .monitoringClearing: [.headName, .monitoringType, .riskKinds]
        case .dibao: [.headName, .persons, .incomePerCapita, .amount]
        case .extremeHardship, .temporaryAid: [.headName, .persons, .amount]
        }
    }

    /// The kind of notice an application's benefit is posted on.
    public init(_ benefit: BenefitKind) {
        switch benefit {
        case .dibao, .singlePersonDibao: self = .dibao
        case .extremeHardship: self = .extremeHardship
        case .temporaryAid: self = .temporaryAid
        }
    }
}

/// What a record may offer a notice. The last ones are on no kind's list, ever: they are named here so that
/// a test can hand them over and see them dropped.
public enum NoticeField: String, CodeNamed {
    case headName, persons, monitoringType, riskKinds, incomePerCapita, amount
    case residentID, phone, bankAccount, health, address

    public var chinese: String {
        switch self {
        case .headName: "户主姓名"; case .persons: "保障人数"; case .monitoringType: "监测类型"; case .riskKinds: "主要风险"
        case .incomePerCapita: "家庭月人均收入（元）"; case .amount: "拟保障金额（元/月）"
        case .residentID: "身份证号码"; case .phone: "联系电话"; case .bankAccount: "银行账号"; case .health: "健康状况"; case .address: "住址"
        }
    }
    public var english: String {
        switch self {
        case .headName: "Head of household"; case .persons: "Persons"; case .monitoringType: "Monitoring type"; case .riskKinds: "Main risks"
        case .incomePerCapita: "Monthly income per person (yuan)"; case .amount: "Proposed amount (yuan a month)"
        case .residentID: "Resident ID"; case .phone: "Telephone"; case .bankAccount: "Bank account"
        case .health: "Health"; case .address: "Address"
        }
    }
}

/// One sheet to post: a kind, the place and period, and its rows with the kind's columns only.
public struct NoticeSheet: Sendable, Hashable {
    public var kind: NoticeKind
    public var from: CivilDate
    public var to: CivilDate
    public var columns: [NoticeField] { kind.fields }
    public var rows: [[String]]

    /// `entries`: what each record offers; only the kind's fields are kept, in its order.
    public init(kind: NoticeKind, from: CivilDate, to: CivilDate, entries: [[NoticeField: String]]) {
        self.kind = kind; self.from = from; self.to = to
        rows = entries.map { e in kind.fields.map { e[$0] ?? "" } }
    }
}
