import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

/// 批量办结: a township approves the reviews, a county the confirmations, of many households at once: the
/// households are listed on a second page before anything is recorded, then each is done (and audited) on its
/// own, and the page says which were done and why any was not.
extension EpisodePages {
    func batch(_ w: Web, _ form: Form) async throws -> Response {
        let t = w.t
        guard w.role.may(.writeRegister) else { return try w.forbidden() }
        let ids = Array(Set((form.all["ids"] ?? []).compactMap { Int64($0) })).sorted()
        guard !ids.isEmpty else {
            return try await episodesPage(w, problems: [t.t("batchNoneChosen")], status: .unprocessableContent)
        }
        var named: [(id: Int64, name: String, step: String)] = []
        for id in ids.prefix(500) {
            if let d = try await episodes.detail(id, by: w.actor) {
                named.append((id, d.episode.headName ?? d.episode.householdID, label(d.episode.step, t)))
            }
        }
        guard Web.confirmed(form) else {
            return try w.confirm(form, action: "/episodes/batch", back: "/episodes", title: t.t("batchComplete"),
                                 question: String(format: t.t("batchQuestion"), named.count),
                                 summary: named.map { ($0.name, $0.step) }, button: t.t("confirmRecord"))
        }
        var done = 0, problems: [String] = []
        let note = (form["note"] ?? "").trimmingCharacters(in: .whitespaces)
        for id in ids.prefix(500) {
            let name = named.first { $0.id == id }?.name ?? String(id)
            do {
                try await episodes.act(id, .complete(note: note.isEmpty ? t.t("batchNote") : note), by: w.actor)
                done += 1
            } catch let e as StoreError {
                let why: String = switch e {
                case .invalid(let p): w.lines(p).joined(separator: "；")
                case .conflict(let p): w.lines([p]).joined(separator: "；")
                case .notFound, .forbidden: w.say(.notInYourRegion)
                default: throw e
                }
                problems.append("\(name)：\(why)")
            }
        }
        return try await episodesPage(w, message: String(format: t.t("batchDone"), done), problems: problems)
    }
}
