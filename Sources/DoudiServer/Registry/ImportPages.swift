import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The import page and its upload.
extension Pages {
    func importPage(_ req: Request, _ a: UserStore.Account, _ csrf: String, error: String?, report: RegisterImporter.Report?,
                    status: HTTPResponse.Status = .ok) throws -> Response {
        let t = lang(req)
        guard a.role.may(.importRegister) else { return try forbidden(req, a, csrf) }
        var data: [String: Any] = ["error": error as Any]
        if let report {
            let shown = report.rejections.prefix(500)
            data["report"] = [
                "summary": say(report.summary, t),
                "rejections": shown.map { ["file": $0.file, "line": $0.line, "field": $0.field, "reason": say($0.message, t)] as [String: Any] },
                "hasRejections": !shown.isEmpty,
                "more": report.rejections.count > shown.count ? "\(report.rejections.count - shown.count)" : false,
            ] as [String: Any]
        }
        return try page(req, a, csrf, status: status, template: "import", title: t.t("import"), data)
    }

    func importUpload(_ req: Request, _ ctx: DoudiContext) async throws -> Response {
        guard let (a, csrf, _) = try await sessionWithToken(req) else { return .redirect(to: "/login", type: .found) }
        let t = lang(req)
        guard a.role.may(.importRegister) else { return try forbidden(req, a, csrf) }
        let body = try await req.body.collect(upTo: ctx.maxUploadSize)
        guard let type = req.headers[.contentType], let parts = Multipart.parse(Array(buffer: body), contentType: type) else {
            return try importPage(req, a, csrf, error: say(Message("请选择两个CSV文件后上传", "choose both CSV files, then upload"), t), report: nil, status: .badRequest)
        }
        guard parts.first(where: { $0.name == "_csrf" }).map({ String(decoding: $0.data, as: UTF8.self) }) == csrf else {
            return try forbidden(req, a, csrf)
        }
        guard let h = parts.first(where: { $0.name == "households" }), let m = parts.first(where: { $0.name == "members" }),
              !h.data.isEmpty, !m.data.isEmpty else {
            return try importPage(req, a, csrf, error: say(Message("请选择两个CSV文件后上传", "choose both CSV files, then upload"), t), report: nil, status: .badRequest)
        }
        do {
            let report = try await services.importer.run(households: h.filename ?? "households.csv", h.data, members: m.filename ?? "members.csv", m.data, by: a.actor)
            return try importPage(req, a, csrf, error: nil, report: report)
        } catch StoreError.invalid(let problems) {
            return try importPage(req, a, csrf, error: problems.map { say($0.message, t) }.joined(separator: "；"), report: nil, status: .unprocessableContent)
        }
    }
}
