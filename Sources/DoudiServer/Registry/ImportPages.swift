import DoudiDomain
import DoudiSheets
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// Uploading a county's register files.
struct ImportPages: Sendable {
    let web: WebShell
    let importer: RegisterImporter

    func register(on router: Router<DoudiContext>) {
        router.get("/import") { req, _ in try await web.withUser(req) { w in try importPage(w, error: nil, report: nil) } }
        router.post("/import") { req, ctx in try await web.withUser(req) { w in try await importUpload(w, ctx) } }
        for (file, columns) in [("households", ImportTemplate.households), ("members", ImportTemplate.members)] {
            router.downloads("/import/\(file)-template") { req, format in
                try await web.withUser(req) { w in
                    guard w.role.may(.importRegister) else { return try w.forbidden() }
                    return try download(Self.template(columns, name: w.t.t(file + "Template")), format, name: "\(file)-template")
                }
            }
        }
    }

    /// A file to fill in: the Chinese column names (the code names are taken too), then one example row.
    static func template(_ columns: [ImportTemplate.Column], name: String) -> Sheet {
        Sheet(name: name, headers: columns.map(\.chinese), rows: [columns.map { .text($0.example) }])
    }

    func importPage(_ w: Web, error: String?, report: RegisterImporter.Report?,
                    status: HTTPResponse.Status = .ok) throws -> Response {
        let t = w.t
        guard w.role.may(.importRegister) else { return try w.forbidden() }
        var data: [String: Any] = ["error": error as Any]
        if let report {
            let shown = report.rejections.prefix(500)
            data["report"] = [
                "summary": say(report.summary, t),
                "rejections": shown.map { ["file": $0.file, "line": $0.line, "field": Self.column($0.field, t), "reason": say($0.message, t)] as [String: Any] },
                "hasRejections": !shown.isEmpty,
                "more": report.rejections.count > shown.count ? "\(report.rejections.count - shown.count)" : false,
            ] as [String: Any]
        }
        return try w.page(status: status, template: "registry/import", title: t.t("import"), data)
    }

    /// A column as the reader's template names it: 身份证号码, or "resident id" in English.
    /// `columns`: another file's template (the register's where not given).
    static func column(_ code: String, _ t: Strings.Table, in columns: [ImportTemplate.Column]? = nil) -> String {
        t.code == "en" ? code.replacingOccurrences(of: "_", with: " ")
            : (columns.map { $0.first { $0.code == code }?.chinese } ?? ImportTemplate.chinese(code)) ?? code
    }

    /// The upload is multipart, not a plain form: the CSRF token comes as one of its parts.
    func importUpload(_ w: Web, _ ctx: DoudiContext) async throws -> Response {
        guard w.role.may(.importRegister) else { return try w.forbidden() }
        let body = try await w.req.body.collect(upTo: ctx.maxUploadSize)
        let missing = Message("请选择户表和成员表两个文件（CSV或Excel）后上传", "choose both files, households and members (CSV or Excel), then upload")
        guard let type = w.req.headers[.contentType], let parts = Multipart.parse(Array(buffer: body), contentType: type) else {
            return try importPage(w, error: w.say(missing), report: nil, status: .badRequest)
        }
        guard parts.first(where: { $0.name == "_csrf" }).map({ String(decoding: $0.data, as: UTF8.self) }) == w.csrf else {
            return try w.forbidden()
        }
        guard let h = parts.first(where: { $0.name == "households" }), let m = parts.first(where: { $0.name == "members" }),
              !h.data.isEmpty, !m.data.isEmpty else {
            return try importPage(w, error: w.say(missing), report: nil, status: .badRequest)
        }
        do {
            let report = try await importer.run(households: h.filename ?? "households.csv", h.data, members: m.filename ?? "members.csv", m.data, by: w.actor)
            return try importPage(w, error: nil, report: report)
        } catch StoreError.invalid(let problems) {
            return try importPage(w, error: problems.map { w.say($0.message) }.joined(separator: "；"), report: nil, status: .unprocessableContent)
        }
    }
}
