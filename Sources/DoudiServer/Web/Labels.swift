import DoudiDomain
import DoudiStore
import Foundation
import HTTPTypes
import Hummingbird

// How values are shown: in the reader's language, as choices of a form, as a CSV download.

func options<E: CodeNamed>(_: E.Type, selected: String?, t: Strings.Table) -> [[String: Any]] {
    E.allCases.map { e in ["value": e.rawValue, "label": label(e, t), "selected": e.rawValue == selected] }
}
func allOptions(_ form: Form, t: Strings.Table) -> [String: Any] {
    ["relation": options(Relation.self, selected: form["relation"] ?? "head", t: t),
     "laborAbility": options(LaborAbility.self, selected: form["laborAbility"] ?? "full", t: t),
     "health": options(HealthStatus.self, selected: form["health"] ?? "healthy", t: t),
     "schooling": options(Schooling.self, selected: form["schooling"] ?? "notInSchool", t: t),
     "employment": options(Employment.self, selected: form["employment"] ?? "notApplicable", t: t),
     "childCategory": options(ChildCategory.self, selected: form["childCategory"], t: t),
     "povertyStatus": options(PovertyStatus.self, selected: form["povertyStatus"] ?? "none", t: t)]
}
func say(_ m: Message, _ t: Strings.Table) -> String { t.say(m) }
func label<E: CodeNamed>(_ e: E, _ t: Strings.Table) -> String { t.code == "en" ? e.english : e.chinese }
func label<E: CodeNamed>(_ e: E?, _ t: Strings.Table) -> String { e.map { label($0, t) } ?? "" }
/// Milliseconds since 1970 in Beijing time, as a cadre reads when something happened: 2020-03-02 09:30:00.
func beijingTime(_ millis: Int64) -> String {
    let f = ISO8601DateFormatter()
    f.timeZone = TimeZone(identifier: "Asia/Shanghai")
    f.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
    return f.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
}
func kindsText<E: CodeNamed>(_ kinds: [E], _ t: Strings.Table) -> String { kinds.map { label($0, t) }.joined(separator: "、") }

extension Optional {
    func asyncMap<U>(_ f: (Wrapped) async throws -> U) async rethrows -> U? {
        guard let v = self else { return nil }
        return try await f(v)
    }
}
