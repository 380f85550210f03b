import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// 定期复核: the benefits whose review is due or overdue, and the review recorded by the township or the county.
struct ReviewPages: Sendable {
    let web: WebShell
    let reviews: BenefitReviewStore
    let regions: RegionStore
    var clock: Clock { web.clock }

    func register(on router: Router<DoudiContext>) {
        router.get("/assistance/reviews") { req, _ in try await web.withUser(req) { w in try await page(w) } }
        router.post("/assistance/reviews") { req, _ in try await web.withUser(req, post: true) { w, form in try await record(w, form) } }
    }

    func page(_ w: Web, problems: [FieldProblem] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.browseRegister) else { return try w.forbidden() }
        let q = w.req.uri.queryParameters
        let month = q["month"].flatMap { YearMonth(String($0)) } ?? YearMonth(clock.today())
        let n = w.pageNumber
        let due = try await reviews.due(by: w.actor, month: month, limit: 51, offset: n * 50)
        let names = try await regions.villageLabels(due.map(\.region))
        let mayRecord = w.role.may(.manageBenefits)
        return try w.page(status: status, template: "assistance/reviews", title: t.t("reviewsTitle"), [
            "month": month.description, "problems": w.lines(problems), "hasProblems": !problems.isEmpty, "mayRecord": mayRecord,
            "items": due.prefix(50).map { r in
                ["id": r.benefitID, "head": r.headName, "household": r.householdID, "region": names[r.region] ?? r.region.description, "kind": label(r.kind, t),
                 "class": label(r.reviewClass, t), "due": r.due.description, "overdue": month > r.due,
                 "classes": ReviewClass.allCases.map { ["value": $0.rawValue, "label": label($0, t), "selected": $0 == r.reviewClass] as [String: Any] }] as [String: Any]
            },
            "prev": (n > 0 ? "/assistance/reviews?month=\(month)&page=\(n - 1)" : nil) as Any,
            "next": (due.count > 50 ? "/assistance/reviews?month=\(month)&page=\(n + 1)" : nil) as Any,
        ])
    }

    func record(_ w: Web, _ form: Form) async throws -> Response {
        guard w.role.may(.manageBenefits) else { return try w.forbidden() }
        guard let id = form["benefit"].flatMap({ Int64($0) }) else {
            return try await page(w, problems: [FieldProblem("benefit", Message("请选择要复核的保障对象", "choose the benefit reviewed"))], status: .unprocessableContent)
        }
        let chosen = form["class"].flatMap(ReviewClass.init(rawValue:))
        // The next due month moves with it and the earlier one is not kept: a second page asks again.
        if !Web.confirmed(form) {
            let t = w.t
            return try w.confirm(form, action: "/assistance/reviews", back: "/assistance/reviews", title: t.t("reviewsTitle"), question: t.t("confirmReview"),
                                 summary: [(t.t("reviewClassLabel"), chosen.map { label($0, t) } ?? "")], button: t.t("confirmRecord"))
        }
        do {
            try await reviews.record(id, reviewClass: chosen, on: clock.today(), by: w.actor)
            return Response(status: .seeOther, headers: [.location: "/assistance/reviews"])
        } catch {
            return try await w.refused(error) { try await page(w, problems: $0, status: .unprocessableContent) }
        }
    }
}

/// The same through the API.
struct ReviewAPI: APIPart {
    let reviews: BenefitReviewStore
    let clock: Clock

    func listReviews(_ input: Operations.ListReviews.Input) async throws -> Operations.ListReviews.Output {
        let a = try caller
        let month = input.query.month.flatMap { YearMonth($0) } ?? YearMonth(clock.today())
        do {
            let list = try await reviews.due(by: a.actor, month: month, limit: input.query.limit ?? 50, offset: input.query.offset ?? 0)
            return .ok(.init(body: .json(list.map(Self.schema))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func recordReview(_ input: Operations.RecordReview.Input) async throws -> Operations.RecordReview.Output {
        let a = try caller
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        do {
            let r = try await reviews.record(b.benefitId, reviewClass: b.reviewClass.flatMap { ReviewClass(rawValue: $0.rawValue) }, on: clock.today(), by: a.actor)
            return .ok(.init(body: .json(Self.schema(r))))
        } catch { return try Self.refusal(error) }
    }

    static func schema(_ r: BenefitReview) -> Schemas.BenefitReview {
        Schemas.BenefitReview(benefitId: r.benefitID, householdId: r.householdID, headName: r.headName, regionCode: r.region.description, kind: r.kind.rawValue,
                              reviewClass: .init(rawValue: r.reviewClass.rawValue)!, due: r.due.description)
    }
}

extension Operations.RecordReview.Output: StoreRefusals {}

extension APIHandlers {
    func listReviews(_ input: Operations.ListReviews.Input) async throws -> Operations.ListReviews.Output { try await reviews.listReviews(input) }
    func recordReview(_ input: Operations.RecordReview.Input) async throws -> Operations.RecordReview.Output { try await reviews.recordReview(input) }
}
