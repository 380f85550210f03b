import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// Policy parameters per region and year.
struct PolicyPages: Sendable {
    let web: WebShell
    let policy: PolicyStore
    let regions: RegionStore
    let choices: Choices
    var clock: Clock { web.clock }

    func register(on router: Router<DoudiContext>) {
        router.get("/policy") { req, _ in try await web.withUser(req) { w in try await policyPage(w, form: [:]) } }
        router.post("/policy") { req, _ in try await web.withUser(req, post: true) { w, form in try await setPolicy(w, form) } }
    }

    func policyPage(_ w: Web, form: Form, message: String? = nil, problems: [FieldProblem] = [],
                    status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.readRegister) || w.role.may(.manageRegions) else { return try w.forbidden() }
        let q = w.req.uri.queryParameters
        let regionText = form["region"] ?? q["region"].map(String.init) ?? w.region.description
        let region = regionText == RegionCode.country.description ? RegionCode.country : RegionCode(regionText) ?? w.region
        let year = Int(form["year"] ?? q["year"].map(String.init) ?? "") ?? clock.today().year
        guard w.region.contains(region) else { return try await w.outsideRegion(region, regions) }
        let settings = try await policy.settings(by: w.actor)
        let policy = Policy.resolve(region: region, year: year, settings: settings)
        let sources = policy.sources
        let sourceNames = try await regions.villageLabels(sources.values.map(\.region).filter { !$0.isCountry })
        let regionName = region.isCountry ? "全国 / China" : try await regions.region(region)?.name ?? region.description
        return try w.page(status: status, template: "monitoring/policy", title: t.t("policy"), [
            "region": region.description, "year": year, "picker": try await choices.regionPicker(in: w.region, selected: region, t: t), "regionName": regionName, "message": message as Any,
            "values": PolicyKey.allCases.map { k in
                let s = sources[k]
                let from = s.map { ($0.region.isCountry ? "全国" : sourceNames[$0.region] ?? $0.region.description) + " · \($0.year)" } ?? "—"
                let value = k == .riskKinds ? kindsText(policy.riskKinds, t) : k == .services ? kindsText(policy.services, t) : k == .deadlineCount ? label(policy.deadlineCount, t) : policy.values[k] ?? "—"
                return ["key": k.rawValue, "label": t.code == "en" ? k.english : k.chinese, "value": value, "source": from] as [String: Any]
            },
            "canSet": w.role.may(.setPolicy), "keys": PolicyKey.allCases.map { ["value": $0.rawValue, "label": t.code == "en" ? $0.english : $0.chinese, "selected": form["key"] == $0.rawValue] as [String: Any] },
            "form": form.values, "problems": w.lines(problems), "hasProblems": !problems.isEmpty])
    }

    func setPolicy(_ w: Web, _ form: Form) async throws -> Response {
        let t = w.t
        let regionText = (form["region"] ?? "").trimmingCharacters(in: .whitespaces)
        guard let region = regionText == RegionCode.country.description ? RegionCode.country : RegionCode(regionText) else {
            return try await policyPage(w, form: form, problems: [FieldProblem("region", .regionCodeDigits)], status: .unprocessableContent)
        }
        guard w.region.contains(region) else { return try await w.outsideRegion(region, regions) }
        guard let key = PolicyKey(rawValue: form["key"] ?? "") else {
            return try await policyPage(w, form: form, problems: [PolicyKey.problem(field: "key", text: form["key"] ?? "")], status: .unprocessableContent)
        }
        guard let year = Int((form["year"] ?? "").trimmingCharacters(in: .whitespaces)) else {
            return try await policyPage(w, form: form, problems: [FieldProblem("year", Message("请填写年度", "give the year"))], status: .unprocessableContent)
        }
        do {
            try await policy.set(region: region, year: year, key: key, value: form["value"] ?? "", by: w.actor)
            return try await policyPage(w, form: ["region": region.description, "year": String(year)], message: t.t("saved"))
        } catch {
            return try await w.refused(error) { try await policyPage(w, form: form, problems: $0, status: .unprocessableContent) }
        }
    }
}
