import DoudiDomain
import SQLKit

/// The demo county's caseload: benefits approved over the last two years, in force now, for households of the
/// county that have no application of the demo's own. Written in bulk, so that a county of 60,000
/// beneficiaries (the roll's benchmark) loads in seconds; each is an approved application with its timeline line
/// and its benefit, paid into a sealed account.
enum DemoCaseload {
    static let author = "demo.caseload"
    /// The demo's monthly dibao standard (yuan a person), for the amounts by difference (R-DB-3).
    static let standard = 600

    struct Household: Decodable { var id: String; var region: Int64; var income_per_capita: Int }
    struct Member: Decodable { var id: Int64; var household_id: String }

    static func load(_ db: Database, count: Int, today: CivilDate) async throws {
        guard count > 0 else { return }
        let r = DemoLoader.county.subtreeRange
        let within: SQLQueryString = "BETWEEN \(bind: Int64(r.lowerBound)) AND \(bind: Int64(r.upperBound))"
        let (households, members) = try await db.read { sql in
            // Every n-th household, so that each village has its share.
            let all = try await sql.raw("""
                SELECT id, region, income_per_capita FROM households WHERE region \(within)
                AND id NOT IN (SELECT household_id FROM assistance_applications) ORDER BY id
                """).all(decoding: Household.self)
            let step = max(1, all.count / count)
            let h = Array(stride(from: 0, to: all.count, by: step).prefix(count).map { all[$0] })
            let m = try await sql.raw("SELECT id, household_id FROM members WHERE region \(within) ORDER BY id").all(decoding: Member.self)
            return (h, Dictionary(grouping: m, by: \.household_id).mapValues { $0.map(\.id) })
        }
        let now = db.clock.nowMillis()
        let sealer = try db.fields.dedicatedSealer()
        let rows: [[BulkValue]] = households.enumerated().compactMap { i, h in
            guard let ids = members[h.id], !ids.isEmpty else { return nil }
            let kind: BenefitKind = i % 20 == 0 ? .extremeHardship : i % 20 == 1 ? .singlePersonDibao : .dibao
            let covered = kind == .singlePersonDibao ? [ids[0]] : ids
            let monthlyIncome = min(h.income_per_capita / 12, standard - 40)
            let amount = kind == .extremeHardship ? standard * 13 / 10 * covered.count : (standard - monthlyIncome) * covered.count
            let decided = today.adding(days: -(20 + (i * 37) % 700))
            let income = IncomeStatement([IncomeItem(.wages, monthlyIncome * 12 * covered.count)])
            let bank = sealer.seal(String(6_217_000_000_000_000_000 + Int64(i) * 7_919))
            return [.text(h.id), .int(h.region), .text(kind.rawValue), .text(covered.map(String.init).joined(separator: ",")), .text(StoredIncome.json(income)),
                    .int(12), .text("{}"), .int(0), .int(0), .int(0), .text(ApplicationStatus.approved.rawValue), .text(ApplicationStep.approval.rawValue),
                    .text(decided.adding(days: -20).description), .text(decided.adding(days: -19).description), .int(1), .int(Int64(amount)),
                    .int(Int64(amount)), .text(decided.description), .text(bank), .text(author), .int(now), .int(now)]
        }
        try await db.transaction { tx in
            try await tx.bulkInsert(table: "assistance_applications", columns: [
                "household_id", "region", "kind", "covered", "income", "income_months", "assets", "relative_of_staff", "spot_check", "delegated", "status",
                "step", "submitted_on", "accepted_on", "home_visited", "proposed_amount", "approved_amount", "decided_on", "bank_sealed", "created_by",
                "created_at", "updated_at",
            ], rows: rows)
            let mine: SQLQueryString = "FROM assistance_applications WHERE created_by = \(bind: author)"
            try await tx.sql.raw("""
                INSERT INTO assistance_events (application_id, region, at, on_day, step, action, note, actor)
                SELECT id, region, created_at, decided_on, 'approval', 'approved', CAST(approved_amount AS TEXT), 'demo.county' \(mine)
                """).run()
            // One in fifty ended last month (their income rose): the figures' ended cases.
            let last = YearMonth(today).adding(months: -1).description
            try await tx.sql.raw("""
                INSERT INTO benefits (application_id, household_id, region, kind, persons, monthly_amount, start_month, end_month, approved_on, bank_sealed, created_at)
                SELECT id, household_id, region, kind, LENGTH(covered) - LENGTH(REPLACE(covered, ',', '')) + 1, approved_amount, SUBSTR(decided_on, 1, 7),
                       CASE WHEN id % 50 = 0 AND SUBSTR(decided_on, 1, 7) < \(bind: last) THEN \(bind: last) END, decided_on, bank_sealed, created_at \(mine)
                """).run()
            try await BenefitReviewStore.classify(tx)
            try await AuditLog.record(tx, actor: .system("demo"), action: "assistance.caseload", subject: DemoLoader.county.description, region: DemoLoader.county,
                                      before: nil, after: ["households": String(rows.count)])
        }
    }
}
