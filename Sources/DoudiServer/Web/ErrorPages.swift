import DoudiDomain
import Foundation
import HTTPTypes
import Hummingbird

/// An address nothing answers, or a page that failed: a page in the reader's language with the way back (or the
/// API's own error), where Hummingbird would send an empty 404 or 500 (a blank white page). A failure is logged
/// with a number the page shows, so that an administrator can find it in the log.
struct ErrorPages: RouterMiddleware {
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
        } catch let error where !(error is HTTPError) && !UnavailableMiddleware<Context>.isUnavailable(error) && !request.uri.path.hasPrefix("/api/") {
            let number = String(UInt32.random(in: 0...UInt32.max), radix: 16, uppercase: true)
            context.logger.error("page failed", metadata: ["failure": "\(number)", "path": "\(request.uri.path)", "error": "\(String(reflecting: error))"])
            let t = web.lang(request)
            let text = t.say(Message("系统处理出错，您的操作可能没有完成。请稍后重试；如果反复出现，请把编号 \(number) 告诉系统管理员。",
                                     "Something failed and what you did may not have been done. Try again shortly; if it happens again, give the number \(number) to your administrator."))
            return try web.page(request, nil, "", status: .internalServerError, template: "message", title: t.t("failedTitle"), ["title": t.t("failedTitle"), "text": text])
        }
    }
}
