import DoudiDomain
import DoudiPhotos
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOPosix

/// One visit with its photos, as the household page, the helper's page and the API take it: the photos made
/// on a worker thread (decoding a phone's photo takes tens of milliseconds), then the domain's check and the
/// store's write. Every problem of the text and of the photos is answered at once.
enum VisitIntake {
    /// Three photos as a phone sends them, and the form's text.
    static let bodyLimit = VisitPhoto.most * VisitPhoto.largestUpload + (1 << 20)

    static func record(_ visit: Visit, uploads: [[UInt8]], household: String, by actor: Actor, leads: LeadStore, today: CivilDate) async throws -> String? {
        guard actor.role.may(.writeRegister) else { throw StoreError.forbidden }
        var visit = visit, problems: [FieldProblem] = []
        if !uploads.isEmpty {
            switch try await NIOThreadPool.singleton.runIfActive({ PhotoMaker.make(uploads) }) {
            case .success(let photos): visit.photos = photos
            case .failure(let p): problems = p.problems
            }
        }
        switch visit.check(today: today) {
        case .failure(let p): throw ProblemList(p.problems + problems)
        case .success(let checked):
            guard problems.isEmpty else { throw ProblemList(problems) }
            return try await leads.recordVisit(checked, householdID: household, by: actor)
        }
    }

    /// The visit a page's form describes (its photos come apart, as `uploads`).
    static func visit(_ form: Form) -> Visit {
        Visit(date: form["date"] ?? "", findings: form["findings"] ?? "", riskKinds: form.all["riskKinds"] ?? [], hardship: form["hardship"] == "1",
              met: form["met"] ?? "", needs: form["needs"] ?? "", key: form["key"])
    }

    /// A photo is sent only to someone who may see the household, and kept on no shared cache.
    static func jpeg(_ bytes: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: "image/jpeg", .cacheControl: "private, no-store", .contentDisposition: "inline"],
                 body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
