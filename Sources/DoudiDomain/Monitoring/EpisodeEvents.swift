/// What happened on an episode's timeline. The pages name them through their strings (`ev.` + code name).
public enum EpisodeEventKind: String, CodeNamed {
    case opened, leadAttached, completed, rejected, noticePosted, objection, objectionUpheld, objectionDismissed
    case clearingProposed, screeningUpdate
    public var chinese: String {
        switch self {
        case .opened: "线索核实属实，启动识别"; case .leadAttached: "新线索并入"; case .completed: "办结"; case .rejected: "不予通过"
        case .noticePosted: "张贴公示"; case .objection: "收到异议"; case .objectionUpheld: "异议成立"; case .objectionDismissed: "异议不成立"
        case .clearingProposed: "申请风险消除"; case .screeningUpdate: "部门筛查预警"
        }
    }
}

/// An objection raised during the village notice, and how it was settled.
public enum ObjectionStatus: String, CodeNamed {
    case open, upheld, dismissed
    public var chinese: String {
        switch self { case .open: "待处理"; case .upheld: "异议成立"; case .dismissed: "异议不成立" }
    }
}
