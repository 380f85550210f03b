/// A guardian's own report on the public page (R-CH-2: found and reported at once, by anyone who knows): the
/// guardian who cannot care for the child, how to call them back, the child and where. No account; nothing in the
/// answer says whether the child is known.
public struct GuardianReport: Sendable, Hashable {
    public var guardianName: String
    public var mobile: String
    public var guardianAbsence: String
    public var childName: String
    public var birthDate: String
    public var regionCode: String
    public var situation: String
    public var consent: Bool

    public init(guardianName: String, mobile: String, guardianAbsence: String, childName: String, birthDate: String, regionCode: String,
                situation: String, consent: Bool) {
        self.guardianName = guardianName; self.mobile = mobile; self.guardianAbsence = guardianAbsence; self.childName = childName
        self.birthDate = birthDate; self.regionCode = regionCode; self.situation = situation; self.consent = consent
    }

    public struct Checked: Sendable, Hashable {
        public var report: ChildReport.Checked
        public var mobile: String
    }

    /// Every problem at once: the child's report as a director's (the guardian named and why away required), a
    /// mobile number to call back, and the consent to the processing of what is sent.
    public func check(today: CivilDate) -> Result<Checked, ProblemList> {
        var problems: [FieldProblem] = []
        let child = ChildReport(childName: childName, birthDate: birthDate, regionCode: regionCode, situation: situation, guardianName: guardianName,
                                guardianAbsence: guardianAbsence).check(today: today, guardianRequired: true)
        if case .failure(let f) = child { problems += f.problems }
        let number = mobile.typedNumber
        if !number.isMobileNumber { problems.append(FieldProblem("mobile", .mobileDigits)) }
        if !consent { problems.append(FieldProblem("consent", Message("请阅读并同意个人信息处理说明", "read and agree to how the information is used"))) }
        guard problems.isEmpty, case .success(let report) = child else { return .failure(ProblemList(problems)) }
        return .success(Checked(report: report, mobile: number))
    }
}
