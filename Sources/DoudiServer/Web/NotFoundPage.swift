import DoudiDomain
import Foundation
import HTTPTypes
import Hummingbird

/// An address nothing answers: a page in the reader's language with the way back, or the API's own error, where
/// Hummingbird would send an empty 404 (a blank white page). Added after every route, it meets only those.
struct NotFoundPage: RouterMiddleware {
    typealias Context = DoudiContext
    static let message = Message("您要找的页面不存在或已移走，请核对地址，或返回首页。", "The page you asked for does not exist or has moved: check the address, or go back to the start.")
    let web: WebShell

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            if request.uri.path.hasPrefix("/api/") {
                let m = Message("没有这个地址", "no such address")
                let body = (try? JSONSerialization.data(withJSONObject: ["code": "notFound", "messageZh": m.zh, "messageEn": m.en], options: [.sortedKeys])) ?? Data()
                return Response(status: .notFound, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
            }
            let t = web.lang(request)
            return try web.page(request, nil, "", status: .notFound, template: "message", title: t.t("notFoundTitle"),
                                ["title": t.t("notFoundTitle"), "text": t.say(Self.message)])
        }
    }
}
