import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// The division table: villages added or renamed by their administrators.
struct RegionPages: Sendable {
    let web: WebShell
    let regions: RegionStore

    func register(on router: Router<DoudiContext>) {
        router.get("/regions") { req, _ in try await web.withUser(req) { w in try await regionsPage(w) } }
        router.post("/regions") { req, _ in
            try await web.withUser(req, post: true) { w, form in
                let t = w.t
                guard let code = RegionCode(form["code"] ?? ""), code.level == .village else {
                    return try await regionsPage(w, error: say(Message("请填写12位村级区划代码", "enter a 12-digit village code"), t), status: .unprocessableContent)
                }
                guard !w.role.may(.manageRegions) || w.region.contains(code) else { return try await w.outsideRegion(code, regions) }
                do {
                    try await regions.upsert(Region(code: code, name: form["name"] ?? ""), by: w.actor)
                    return try await regionsPage(w, message: "\(t.t("saved")): \(code) \(form["name"] ?? "")")
                } catch StoreError.forbidden { return try w.forbidden() } catch StoreError.invalid(let p) {
                    return try await regionsPage(w, error: p.map { say($0.message, t) }.joined(separator: "；"), status: .unprocessableContent)
                }
            }
        }
    }

    func regionsPage(_ w: Web, message: String? = nil, error: String? = nil,
                     status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = w.t
        guard w.role.may(.manageRegions) else { return try w.forbidden() }
        // An administrator of a county sees its townships; of a township, that township.
        var townships: [Region] = []
        if w.region.level == .township, let own = try await regions.region(w.region) { townships = [own] }
        else if w.region.level == .county { townships = try await regions.children(of: w.region) }
        var out: [[String: Any]] = []
        for tw in townships {
            let villages = try await regions.children(of: tw.code)
            out.append(["code": tw.code.description, "name": tw.name, "villages": villages.map { ["code": $0.code.description, "name": $0.name] }])
        }
        return try w.page(status: status, template: "regions/regions", title: t.t("regions"),
                        ["townships": out, "message": message as Any, "error": error as Any])
    }
}
