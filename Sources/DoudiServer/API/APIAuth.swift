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
    static let open: Set<String> = ["createToken", "submitSelfReport", "getSelfReportStatus"]

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
            if status.kind == .clientError {
                return Self.error(status, code: "badRequest", Message("请求无法读取：\(Self.reason(error))", "the request could not be read: \(Self.reason(error))"))
            }
            throw error
        }
    }

    static func reason(_ e: ServerError) -> String {
        if let d = e.underlyingError as? DecodingError {
            switch d {
            case .keyNotFound(let k, _): return "missing field \(k.stringValue)"
            case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
                let path = c.codingPath.map(\.stringValue).joined(separator: ".")
                return path.isEmpty ? "malformed JSON" : "wrong value for \(path)"
            @unknown default: return "malformed JSON"
            }
        }
        return String(describing: e.underlyingError).prefix(200).description
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
