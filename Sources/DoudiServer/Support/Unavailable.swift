import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird
import OpenAPIRuntime

/// While the database is unreachable (PostgreSQL stopped or restarting), every request that needs it gets 503
/// with Retry-After, in both languages, instead of a server error; the pool makes new connections once it is back.
struct UnavailableMiddleware<Context: RequestContext>: RouterMiddleware {
    static var message: Message { Message("数据库暂时无法连接，请稍后重试", "The database is unreachable for the moment; try again shortly") }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            guard Self.isUnavailable(error) else { throw error }
            let api = request.uri.path.hasPrefix("/api/")
            let body = api ? #"{"code":"unavailable","messageZh":"\#(Self.message.zh)","messageEn":"\#(Self.message.en)"}"#
                : "<!doctype html><meta charset=\"utf-8\"><title>503</title><p>\(Self.message)</p>"
            return Response(status: .serviceUnavailable,
                            headers: [.contentType: api ? "application/json; charset=utf-8" : "text/html; charset=utf-8", .retryAfter: "5", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: body)))
        }
    }

    /// The store's word for it, also when the API's generated layer wrapped it.
    static func isUnavailable(_ error: any Error) -> Bool {
        if case StoreError.unavailable? = error as? StoreError { return true }
        if let wrapped = error as? ServerError { return isUnavailable(wrapped.underlyingError) }
        return false
    }
}
