/// R-MON-8: every monitored household (and every open case) has a helper (帮扶责任人) who visits it at least once
/// a month (每月至少入户走访一次).
public enum MonthlyVisit {
    /// The day the next visit is due: a month after the last one (or after the helper took the household on),
    /// the same day of the month, or the month's last day where it has no such day (31 January → 28 February).
    public static func due(after last: CivilDate) -> CivilDate { last.addingMonths(1) }

    /// Who may be a household's helper: a village cadre or a township officer whose region holds the household.
    public static func mayHelp(role: Role, region: RegionCode, household: RegionCode) -> Bool {
        (role == .villageCadre || role == .townshipOfficer) && region.contains(household)
    }
}
