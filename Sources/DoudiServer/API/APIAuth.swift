import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import OpenAPIRuntime

/// The caller of the API request being handled, set by `APIAuthMiddleware`.
enum APICaller {
    @TaskLocal static var account: UserStore.Account?
}

/// Bearer tokens for every operation but `createToken`; and a JSON error, never a 500, for a request the
/// generated code could not read.
struct APIAuthMiddleware: ServerMiddleware {
    let users: UserStore
    static let open: Set<String> = ["createToken", "submitSelfReport", "getSelfReportStatus", "submitGuardianReport"]

    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?) {
        do {
            if Self.open.contains(operationID) { return try await next(request, body, metadata) }
            let header = request.headerFields[.authorization] ?? ""
            guard header.hasPrefix("Bearer "),
                  let (account, _) = try await users.session(token: String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces), kind: .api)
            else {
                return Self.error(.unauthorized, code: "unauthorized", Message("需要有效的令牌（Authorization: Bearer …）", "a valid token is required (Authorization: Bearer …)"))
            }
            return try await APICaller.$account.withValue(account) { try await next(request, body, metadata) }
        } catch let error as ServerError {
            // The generated code throws these for a body or parameter it cannot read.
            let status = error.httpStatus
            if status.kind == .clientError { return Self.error(status, code: "badRequest", Self.reason(error)) }
            throw error
        }
    }

    /// What could not be read, as specifically as the generated code says it: a JSON field, a missing
    /// parameter, or a parameter of the path or query whose value is not of its type.
    static func reason(_ e: ServerError) -> Message {
        func unreadable(_ zh: String, _ en: String) -> Message { Message("请求无法读取：\(zh)", "the request could not be read: \(en)") }
        let said = String(describing: e.underlyingError)
        // The runtime's own words for a missing parameter (its error type is not public).
        for (prefix, zh, en) in [("Missing required query parameter named: ", "缺少查询参数", "missing query parameter"),
                                 ("Missing required path parameter named: ", "缺少路径参数", "missing path parameter"),
                                 ("Missing required header field named: ", "缺少请求头", "missing header")] where said.hasPrefix(prefix) {
            let name = said.dropFirst(prefix.count)
            return unreadable("\(zh) \(name)", "\(en) \(name)")
        }
        if let d = e.underlyingError as? DecodingError {
            switch d {
            case .keyNotFound(let k, _): return unreadable("缺少字段 \(k.stringValue)", "missing field \(k.stringValue)")
            case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
                let path = c.codingPath.map(\.stringValue).joined(separator: ".")
                if !path.isEmpty { return unreadable("字段 \(path) 的值不正确", "wrong value for \(path)") }
                // No field named: the JSON body itself, or else a value in the path or query.
                if e.request.headerFields[.contentType]?.contains("json") == true {
                    return unreadable("JSON 格式不正确", "malformed JSON")
                }
                return unreadable("路径或查询参数的值不正确（如数字超出范围）", "a value in the path or query is not of its type (a number out of range, say)")
            @unknown default: break
            }
        }
        return unreadable("请求的格式或取值不正确", String(said.prefix(200)))
    }

    static func error(_ status: HTTPResponse.Status, code: String, _ m: Message, field: String? = nil) -> (HTTPResponse, HTTPBody?) {
        var obj: [String: String] = ["code": code, "messageZh": m.zh, "messageEn": m.en]
        if let field { obj["field"] = field }
        let data = (try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])) ?? Data()
        var r = HTTPResponse(status: status)
        r.headerFields[.contentType] = "application/json; charset=utf-8"
        return (r, HTTPBody(data))
    }
}
