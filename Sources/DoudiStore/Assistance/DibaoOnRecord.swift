import DoudiDomain
import SQLKit

/// R-DB-1/3 on the records: the covered members as the register has them (age, disability grade, serious
/// illness) against the standard and allowances of the household's region for a month.
enum DibaoOnRecord {
    struct Person: Decodable { var id: Int64; var birth_date: String; var disability_grade: Int?; var health: String }

    /// Refused when a member is not of the household, or the region has no standard for the month's year.
    static func assess(_ sql: any SQLDatabase, region: RegionCode, household: String, covered: [Int64], income: IncomeStatement,
                       month: YearMonth) async throws -> (DibaoAssessment, Policy) {
        let people = try await sql.raw("""
            SELECT id, birth_date, disability_grade, health FROM members WHERE household_id = \(bind: household)
            """).all(decoding: Person.self)
        let byID = Dictionary(uniqueKeysWithValues: people.map { ($0.id, $0) })
        let chosen = covered.compactMap { byID[$0] }
        guard chosen.count == covered.count else {
            throw StoreError.invalid([FieldProblem("covered", .memberNotOfHousehold)])
        }
        let policy = try await PolicyStore.policy(sql, region: region, year: month.year)
        guard let rules = policy.dibaoRules(AreaKind.of(region)) else {
            throw StoreError.invalid([FieldProblem("benefit", Message("本地区未设置\(month.year)年的低保标准", "no dibao standard is set here for \(month.year)"))])
        }
        let persons = chosen.map {
            CoveredPerson(birthDate: CivilDate($0.birth_date) ?? month.firstDay, disabilityGrade: $0.disability_grade,
                          seriouslyIll: $0.health == HealthStatus.seriousIllness.rawValue)
        }
        let a = DibaoAssessment.assess(income: income, persons: persons, assets: AssetCheck(limits: [], values: [:]), rules: rules, on: month.firstDay)
        return (a, policy)
    }
}
