import DoudiDomain
import DoudiSheets
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// 家庭经济状况核对: the county uploads a department's answers; the page reports every bad line, or what was kept.
struct CheckPages: Sendable {
    let web: WebShell
    let checks: EconomicCheckStore

    func register(on router: Router<DoudiContext>) {
        router.get("/assistance/checks") { req, _ in try await web.withUser(req) { w in try await page(w) } }
        router.post("/assistance/checks") { req, ctx in try await web.withUser(req) { w in try await upload(w, ctx) } }
        router.downloads("/assistance/checks/template") { req, format in
            try await web.withUser(req) { w in
                guard w.role.may(.loadChecks) else { return try w.forbidden() }
                return try download(ImportPages.template(CheckFile.columns, name: w.t.t("checkTemplate")), format, name: "checks-template")
            }
        }
    }

    func page(_ w: Web, error: String? = nil, report: EconomicCheckStore.Report? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.loadChecks) else { return try w.forbidden() }
        var data: [String: Any] = ["error": error as Any, "sources": CheckSource.allCases.map { "\(label($0, t))：\(w.say($0.unit))" }.joined(separator: "；")]
        if let report {
            let shown = report.rejections.prefix(500)
            data["report"] = [
                "summary": w.say(report.summary), "stored": report.stored,
                "rejections": shown.map { ["line": $0.line, "field": ImportPages.column($0.field, t, in: CheckFile.columns), "reason": w.say($0.message)] as [String: Any] },
                "hasRejections": !shown.isEmpty,
                "more": report.rejected > shown.count ? "\(report.rejected - shown.count)" : false,
            ] as [String: Any]
        }
        data["batches"] = try await checks.batches(by: w.actor).map { b in
            ["file": b.file, "rows": b.rows_read, "kept": b.kept, "applications": b.applications, "by": b.loaded_by,
             "at": beijingTime(b.loaded_at)] as [String: Any]
        }
        return try w.page(status: status, template: "assistance/checks", title: t.t("checksTitle"), data)
    }

    func upload(_ w: Web, _ ctx: DoudiContext) async throws -> Response {
        guard w.role.may(.loadChecks) else { return try w.forbidden() }
        let body = try await w.req.body.collect(upTo: ctx.maxUploadSize)
        let missing = Message("请选择部门反馈的核对文件（CSV或Excel）后上传", "choose the department's answer file (CSV or Excel), then upload")
        guard let type = w.req.headers[.contentType], let parts = Multipart.parse(Array(buffer: body), contentType: type) else {
            return try await page(w, error: w.say(missing), status: .badRequest)
        }
        guard parts.first(where: { $0.name == "_csrf" }).map({ String(decoding: $0.data, as: UTF8.self) }) == w.csrf else { return try w.forbidden() }
        guard let f = parts.first(where: { $0.name == "file" }), !f.data.isEmpty else { return try await page(w, error: w.say(missing), status: .badRequest) }
        do {
            let report = try await checks.load(f.filename ?? "checks.csv", f.data, by: w.actor)
            return try await page(w, report: report, status: report.stored ? .ok : .unprocessableContent)
        } catch StoreError.invalid(let problems) {
            return try await page(w, error: problems.map { w.say($0.message) }.joined(separator: "；"), status: .unprocessableContent)
        }
    }
}
