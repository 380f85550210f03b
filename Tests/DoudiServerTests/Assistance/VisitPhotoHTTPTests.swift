import DoudiDomain
import DoudiPhotos
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing

@Suite("Photos of visits through HTTP: sent with the form or the API, shown to those who may see the household, never to others")
struct VisitPhotoHTTPTests {
    /// A phone's photo: 4000 × 3000, red and blue halves.
    static let phonePhoto: [UInt8] = {
        let w = 4000, h = 3000
        var px = [UInt8](repeating: 0, count: w * h * 3)
        for i in stride(from: 0, to: px.count, by: 3) { if (i / 3) % w < w / 2 { px[i] = 220 } else { px[i + 2] = 220 } }
        return PhotoMaker.jpeg(rgb: px, width: w, height: h)!
    }()

    /// A JPEG's width and height, from its frame header.
    static func size(_ jpeg: [UInt8]) -> (Int, Int)? {
        var i = 2
        while i + 9 < jpeg.count, jpeg[i] == 0xFF {
            let marker = jpeg[i + 1], length = Int(jpeg[i + 2]) << 8 | Int(jpeg[i + 3])
            if marker == 0xC0 || marker == 0xC2 { return (Int(jpeg[i + 7]) << 8 | Int(jpeg[i + 8]), Int(jpeg[i + 5]) << 8 | Int(jpeg[i + 6])) }
            i += 2 + length
        }
        return nil
    }

    static func photoCount(_ db: Database) async throws -> Int {
        struct N: Decodable { var n: Int }
        return try await db.read { sql in try await sql.raw("SELECT COUNT(*) AS n FROM visit_photos").first(decoding: N.self)?.n ?? -1 }
    }

    @Test(arguments: Backend.available) func photos(_ backend: Backend) async throws {
        try await withServer(backend, households: 300, monitoring: true) { client, services in
            let b = Browser(client)
            _ = try await b.login("village")
            let page = String(buffer: try await b.request(.get, "/visits").body)
            #expect(page.contains(#"enctype="multipart/form-data""#) && page.contains(#"name="photos""#) && page.contains("照片（最多3张）"))
            let csrf = try #require(Browser.field("_csrf", in: page))
            let village = try await services.households.search(by: .system(), region: DemoLoader.village).items
            let household = try #require(village.first).id, other = try #require(village.dropFirst().first).id
            let before = try await Self.photoCount(services.db)
            func visit(_ h: String, key: String, photos: [[UInt8]]) -> [(String, String?, [UInt8])] {
                [("_csrf", nil, Array(csrf.utf8)), ("householdId", nil, Array(h.utf8)), ("date", nil, Array(Clock.system.today().description.utf8)),
                 ("findings", nil, Array("查看住房漏雨情况".utf8)), ("key", nil, Array(key.utf8))] + photos.enumerated().map { ("photos", "IMG_\($0.offset).jpg", $0.element) }
                    + [("photos", "", [])]  // an empty file input, as a browser sends it
            }
            // Four photos, or a document: refused with the reason, nothing written.
            let many = try await b.request(.post, "/visits", files: visit(household, key: "photo-visit-many", photos: Array(repeating: Self.phonePhoto, count: 4)))
            #expect(many.status == .unprocessableContent && String(buffer: many.body).contains("每次走访最多上传3张照片"))
            let doc = try await b.request(.post, "/visits", files: visit(household, key: "photo-visit-doc", photos: [Self.phonePhoto, Array("%PDF-1.4".utf8)]),
                                          headers: [.accept: "application/json"])
            #expect(doc.status == .unprocessableContent && String(buffer: doc.body).contains("第2张照片不是JPEG或PNG图片"))
            let after = try await Self.photoCount(services.db), stored = try await VisitHTTPTests.count(services.db, key: "photo-visit-doc")
            #expect(after == before && stored == 0)

            // Two photos from the phone's queue: stored smaller; sent again with its key, not stored twice.
            for _ in 0..<2 {
                let r = try await b.request(.post, "/visits", files: visit(household, key: "photo-visit-0001", photos: [Self.phonePhoto, Self.phonePhoto]),
                                            headers: [.accept: "application/json"])
                #expect(r.status == .created)
            }
            #expect(try await Self.photoCount(services.db) == before + 2)
            let shown = String(buffer: try await b.request(.get, "/households/\(household)").body)
            let ids = shown.components(separatedBy: #"src="/visits/photos/"#).dropFirst().compactMap { Int64($0.prefix { $0.isNumber }) }
            #expect(ids.count == 2 && shown.contains("?size=small"))
            let id = try #require(ids.first)
            let full = try await b.request(.get, "/visits/photos/\(id)")
            #expect(full.status == .ok && full.headers[.contentType] == "image/jpeg" && full.headers[.cacheControl] == "private, no-store")
            #expect(Self.size(Array(buffer: full.body)).map { [$0.0, $0.1] } == [1280, 960] && full.body.readableBytes < Self.phonePhoto.count)
            let small = try await b.request(.get, "/visits/photos/\(id)?size=small")
            #expect(Self.size(Array(buffer: small.body)).map { [$0.0, $0.1] } == [240, 180])

            // The audit log says how many photos, in words.
            let auditor = Browser(client)
            _ = try await auditor.login("auditor")
            let log = String(buffer: try await auditor.request(.get, "/audit?action=visit.record&subject=\(household)").body)
            #expect(log.contains("照片张数") && !log.contains("其他字段"))
            // Not for the public, nor for a cadre of another village; an unknown photo is the same 404.
            #expect(try await Browser(client).request(.get, "/visits/photos/\(id)").status == .found)
            _ = try await services.users.add(username: "other.village", password: "password-other", role: .villageCadre,
                                             region: RegionCode("430481001002")!, by: Actor.system())
            let far = Browser(client)
            _ = try await far.login("other.village", password: "password-other")
            #expect(try await far.request(.get, "/visits/photos/\(id)").status == .notFound)
            #expect(try await b.request(.get, "/visits/photos/99999999").status == .notFound)

            // The household page's own form takes photos too (without the script).
            let form = try await b.request(.post, "/households/\(other)/visits", files: visit(other, key: "photo-visit-0002", photos: [Self.phonePhoto]))
            #expect(form.status == .ok && String(buffer: form.body).contains("走访已记录") && String(buffer: form.body).contains("/visits/photos/"))

            // The API twin: base64 photos in, the list with their ids, the photo itself.
            let token = try await client.token("village")
            let body = #"{"date":"\#(Clock.system.today())","findings":"电话回访","hardship":false,"photos":["\#(Data(Self.phonePhoto).base64EncodedString())"]}"#
            #expect(try await client.api(.post, "/api/v1/households/\(other)/visits", token: token, json: body).status == .created)
            let bad = try await client.api(.post, "/api/v1/households/\(other)/visits", token: token, json: #"{"date":"\#(Clock.system.today())","findings":"x","hardship":false,"photos":["AAAA"]}"#)
            #expect(bad.status == .unprocessableContent && String(buffer: bad.body).contains("photo 1 is not a JPEG or PNG picture"))
            let list = try await client.api(.get, "/api/v1/households/\(other)/visits", token: token)
            struct Listed: Decodable { var photoIds: [Int64] }
            let listed = try JSONDecoder().decode([Listed].self, from: Data(buffer: list.body))
            #expect(listed.map(\.photoIds.count).sorted() == [1, 1])
            let apiPhoto = try await client.api(.get, "/api/v1/visit-photos/\(listed[0].photoIds[0])?size=small", token: token)
            #expect(apiPhoto.status == .ok && apiPhoto.headers[.contentType] == "image/jpeg" && Self.size(Array(buffer: apiPhoto.body)).map { [$0.0, $0.1] } == [240, 180])
            let farToken = try await client.token("other.village", "password-other")
            #expect(try await client.api(.get, "/api/v1/visit-photos/\(listed[0].photoIds[0])", token: farToken).status == .notFound)
            #expect(try await client.api(.get, "/api/v1/households/\(other)/visits", token: farToken).status == .notFound)
        }
    }
}
