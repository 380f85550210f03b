/// The messages more than one capability or face says, each written once.
/// A message only one place says stays beside the rule it explains.
extension Message {
    /// A procedure's step (identification, clearing, an application) that cannot take this action now.
    public static func notAtStep(_ chinese: String, _ english: String) -> Message {
        Message("当前环节（\(chinese)）不能办理此事项", "this cannot be done at the current step (\(english))")
    }
    public static func objectionsOpen(_ n: Int) -> Message { Message("还有\(n)条异议未处理", "\(n) objection(s) not settled yet") }
    public static let noticeStartOutside = Message("公示开始日期不在办理期间内", "the first day of the notice is outside the procedure")
    public static let regionCodeDigits = Message("区划代码应为12位数字", "a region code has 12 digits")
    public static let notInYourRegion = Message("记录不存在或不在您的辖区内", "no such record in your region")
    public static let dayFormat = Message("日期应为YYYY-MM-DD", "a day is written YYYY-MM-DD")
    public static let realDay = Message("日期应为YYYY-MM-DD格式的真实日期", "a date is a real day written YYYY-MM-DD")
    public static let chooseYourVillage = Message("请选择所在的村（社区）", "choose your village")
    public static let chooseVillage = Message("请选择村（社区）", "choose a village")
    /// A member chosen for a benefit (an application, a change) who is not of the household.
    public static let memberNotOfHousehold = Message("所选成员不属于该户", "a member chosen is not of this household")

    /// A refusal because of the region, not the role.
    public static func outsideYourRegion(_ asked: String, _ own: String) -> Message {
        Message("\(asked)不在您的管辖范围（\(own)）内", "\(asked) lies outside your region (\(own))")
    }

    public static func regionNotInTable(_ region: RegionCode) -> Message {
        Message("区划代码\(region)不在区划表中", "region code \(region) is not in the division table")
    }
}
