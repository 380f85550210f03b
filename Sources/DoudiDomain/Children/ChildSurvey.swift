/// 全面排查 (R-CH-2, 工作方案): each village checks every child's guardianship situation together with the epidemic
/// screening, and records that it has, with what it found.
public enum SurveyItem: String, CodeNamed {
    case everyFamilyVisited, guardiansConfirmed, epidemicScreening, casesReported
    public var chinese: String {
        switch self {
        case .everyFamilyVisited: "已逐户摸排有未成年子女的家庭"; case .guardiansConfirmed: "已核实每名儿童监护人的健康、隔离和在岗情况"
        case .epidemicScreening: "已与疫情排查同步开展"; case .casesReported: "发现的监护缺失儿童均已报告"
        }
    }
    public var english: String {
        switch self {
        case .everyFamilyVisited: "Every family with children visited"; case .guardiansConfirmed: "Each child's guardians' health, isolation and duty confirmed"
        case .epidemicScreening: "Done together with the epidemic screening"; case .casesReported: "Every child found without care reported"
        }
    }
}

/// One village's survey on one day.
public struct ChildSurvey: Sendable, Hashable {
    public var village: RegionCode
    public var day: CivilDate
    public var childrenChecked: Int
    public var withoutCare: Int
    public var items: Set<SurveyItem>
    public var note: String

    public init(village: RegionCode, day: CivilDate, childrenChecked: Int, withoutCare: Int, items: Set<SurveyItem>, note: String) {
        self.village = village; self.day = day; self.childrenChecked = childrenChecked; self.withoutCare = withoutCare; self.items = items; self.note = note
    }

    /// Complete when every item of the checklist is done.
    public var isComplete: Bool { items.count == SurveyItem.allCases.count }

    /// A survey as a form or the API sends it: every problem at once. A survey is recorded on the day it was done,
    /// not ahead of it.
    public static func check(village: String, day: String, childrenChecked: String, withoutCare: String, items: [String], note: String,
                             today: CivilDate) -> Result<ChildSurvey, ProblemList> {
        var problems: [FieldProblem] = []
        let code = RegionCode(village.trimmingSpaces())
        if code?.level != .village { problems.append(FieldProblem("regionCode", .chooseVillage)) }
        let date = CivilDate(day.trimmingSpaces())
        if date == nil || date! > today { problems.append(FieldProblem("surveyedOn", Message("排查日期应为今天或之前的真实日期", "the survey's day is a real day, today or before"))) }
        let checked = Int(childrenChecked.trimmingSpaces())
        if checked == nil || !(0...100_000).contains(checked!) {
            problems.append(FieldProblem("childrenChecked", Message("排查儿童人数应为0到100000的整数", "children checked is a whole number from 0 to 100000")))
        }
        let found = Int(withoutCare.trimmingSpaces())
        if found == nil || found! < 0 || (checked.map { found! > $0 } ?? false) {
            problems.append(FieldProblem("withoutCare", Message("发现监护缺失儿童人数应为不超过排查人数的整数", "children found without care is a whole number, at most those checked")))
        }
        var chosen: Set<SurveyItem> = []
        for i in items.map({ $0.trimmingSpaces() }) where !i.isEmpty {
            if let item = SurveyItem(rawValue: i) { chosen.insert(item) } else {
                problems.append(FieldProblem("items", Message("排查事项“\(i)”不在清单中", "“\(i)” is not an item of the checklist")))
            }
        }
        let text = note.trimmingSpaces()
        if text.count > 1_000 { problems.append(FieldProblem("note", Message("说明不超过1000个字", "a note has at most 1000 characters"))) }
        guard problems.isEmpty, let code, let date, let checked, let found else { return .failure(ProblemList(problems)) }
        return .success(ChildSurvey(village: code, day: date, childrenChecked: checked, withoutCare: found, items: chosen, note: text))
    }
}
