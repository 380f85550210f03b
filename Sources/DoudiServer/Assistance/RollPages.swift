import DoudiDomain
import DoudiSheets
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// 发放花名册: a county's roll for a month (build, approve, record paid), the bank's file (`/assistance/roll.xlsx`
/// and `.csv`, whole account numbers, audited), and the month's figures beside it.
struct RollPages: Sendable {
    let web: WebShell
    let rolls: PaymentRollStore
    let db: Database
    let regions: RegionStore
    var clock: Clock { web.clock }

    func register(on router: Router<DoudiContext>) {
        router.get("/assistance/roll") { req, _ in try await web.withUser(req) { w in try await page(w) } }
        router.post("/assistance/roll") { req, _ in try await web.withUser(req, post: true) { w, form in try await change(w, form) } }
        router.downloads("/assistance/roll") { req, format in try await web.withUser(req) { w in try await bankFile(w, format) } }
    }

    /// The county and month asked (`regionCode`, `month`), else the caller's county and this month.
    func place(_ w: Web, _ form: Form = [:]) -> (RegionCode, YearMonth) {
        let q = w.req.uri.queryParameters
        let county = (form["regionCode"] ?? q["regionCode"].map(String.init)).flatMap(RegionCode.parse)
            ?? w.region.ancestors.first { $0.level == .county } ?? w.region
        return (county, (form["month"] ?? q["month"].map(String.init)).flatMap { YearMonth($0) } ?? YearMonth(clock.today()))
    }

    func page(_ w: Web, message: String? = nil, problems: [FieldProblem] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        let (county, month) = place(w)
        guard w.region.contains(county) || county.contains(w.region) else { return try await w.outsideRegion(county, regions) }
        let pageNumber = w.pageNumber
        let roll = try await rolls.roll(county: county, month: month, by: w.actor, page: (pageNumber * 100)..<(pageNumber * 100 + 100))
        let names = try await regions.villageLabels(roll?.lines.map(\.region) ?? [])
        let figures = [.townshipOfficer, .countyOfficer, .auditor, .admin].contains(w.role) && w.region.contains(county)
            ? try await AssistanceFigures.of(db, region: county, month: month, by: w.actor) : nil
        let mayAct = w.role == .countyOfficer && w.region.contains(county)
        return try w.page(status: status, template: "assistance/roll", title: t.t("paymentRoll"), [
            "county": county.description, "month": month.description, "message": message as Any, "problems": w.lines(problems), "hasProblems": !problems.isEmpty,
            "status": (roll.map { label($0.status, t) } ?? t.t("rollNotBuilt")), "total": roll?.total ?? 0, "count": roll?.lineCount ?? 0,
            "prev": (pageNumber > 0 ? "/assistance/roll?regionCode=\(county)&month=\(month)&page=\(pageNumber - 1)" : nil) as Any,
            "next": ((roll?.lineCount ?? 0) > (pageNumber + 1) * 100 ? "/assistance/roll?regionCode=\(county)&month=\(month)&page=\(pageNumber + 1)" : nil) as Any,
            "canBuild": mayAct && (roll?.status ?? .draft) == .draft, "canApprove": mayAct && roll?.status == .draft,
            "canPay": mayAct && roll?.status == .approved, "canExport": mayAct && (roll.map { $0.status != .draft } ?? false),
            "today": clock.today().description,
            "lines": (roll?.lines ?? []).map { l in
                ["head": l.headName, "household": l.householdID, "region": names[l.region] ?? l.region.description, "kind": Self.kind(l, t),
                 "persons": l.persons, "amount": l.amount, "bank": l.bankAccount.isEmpty ? t.t("noBankAccount") : l.bankAccount] as [String: Any]
            },
            "figures": figures.map { f in
                ["approved": f.sameMonth.approved, "paidSameMonth": f.sameMonth.approvedAndPaidSameMonth,
                 "share": f.sameMonth.share.map { String(format: "%.1f%%", $0 * 100) } ?? "—", "households": f.households, "persons": f.persons,
                 "started": f.started, "amounts": BenefitKind.allCases.compactMap { k in f.amounts[k].map { ["kind": label(k, t), "amount": $0] as [String: Any] } }] as [String: Any]
            } as Any,
        ])
    }

    func change(_ w: Web, _ form: Form) async throws -> Response {
        let t = w.t
        let (county, month) = place(w, form)
        // Approving fixes the roll for the bank, and a payment recorded is not taken back: a second page asks again.
        if !Web.confirmed(form), let question = ["approve": "confirmApproveRoll", "paid": "confirmRollPaid"][form["step"] ?? ""] {
            let roll = try await rolls.roll(county: county, month: month, by: w.actor, page: 0..<0)
            return try w.confirm(form, action: "/assistance/roll", back: "/assistance/roll?regionCode=\(county)&month=\(month)", title: t.t("paymentRoll"),
                                 question: t.t(question), summary: [(t.t("month"), month.description), (t.t("sumAmount"), "\(roll?.total ?? 0) \(t.t("yuan"))"),
                                                                    (t.t("householdsCovered"), String(roll?.lineCount ?? 0))],
                                 button: t.t("confirmRecord"))
        }
        do {
            switch form["step"] {
            case "build": try await rolls.build(county: county, month: month, by: w.actor)
            case "approve": try await rolls.advance(county: county, month: month, to: .approved, on: clock.today(), by: w.actor)
            case "paid": try await rolls.advance(county: county, month: month, to: .paid, on: CivilDate(form["paidOn"] ?? "") ?? clock.today(), by: w.actor)
            default: return try await page(w, problems: [FieldProblem("step", Message("未知操作", "unknown step"))], status: .unprocessableContent)
            }
            return Response(status: .seeOther, headers: [.location: "/assistance/roll?regionCode=\(county)&month=\(month)"])
        } catch {
            return try await w.refused(error) { try await page(w, problems: $0, status: .unprocessableContent) }
        }
    }

    /// The bank's file: a real spreadsheet (or CSV) with Chinese headers and whole account numbers as text.
    func bankFile(_ w: Web, _ format: DownloadFormat) async throws -> Response {
        let t = w.t
        let (county, month) = place(w)
        do {
            guard let roll = try await rolls.roll(county: county, month: month, by: w.actor, wholeAccounts: true) else { return try w.notFound() }
            let names = try await regions.villageLabels(roll.lines.map(\.region))
            let sheet = Sheet(name: "\(month)", headers: ["序号", "户主（领取人）姓名", "户编号", "村（社区）", "救助类别", "保障人数", "发放金额（元）", "银行账号"].map { t.code == "en" ? Self.english[$0] ?? $0 : $0 },
                              rows: roll.lines.enumerated().map { i, l in
                                  [.number(i + 1), .text(l.headName), .text(l.householdID), .text(names[l.region] ?? l.region.description), .text(Self.kind(l, t)),
                                   .number(l.persons), .number(l.amount), .text(l.bankAccount)]
                              })
            return try download(sheet, format, name: "roll-\(county)-\(month)")
        } catch {
            return try await w.refused(error) { try await page(w, problems: $0, status: .unprocessableContent) }
        }
    }

    /// The benefit a line pays, and the months when a child's allowance pays some its rolls missed.
    static func kind(_ l: PaymentRollStore.Line, _ t: Strings.Table) -> String {
        l.months > 1 ? t.say(l.kind.name) + t.t("monthsPaid").replacingOccurrences(of: "{n}", with: String(l.months)) : t.say(l.kind.name)
    }

    static let english = ["序号": "No.", "户主（领取人）姓名": "Head of household (payee)", "户编号": "Household", "村（社区）": "Village", "救助类别": "Benefit",
                          "保障人数": "Persons", "发放金额（元）": "Amount (yuan)", "银行账号": "Bank account"]
}
