import DoudiDomain
import Foundation
import HTTPTypes
import Hummingbird

/// The second step of an action that cannot be undone: a page that says what will be recorded and asks again,
/// carrying what was typed in hidden fields. It needs no script: a phone with JavaScript off gets the same step.
extension Web {
    /// True when the form comes from the confirmation page.
    static func confirmed(_ form: Form) -> Bool { form["confirmed"] == "1" }

    func confirm(_ form: Form, action: String, back: String, title: String, question: String,
                 summary: [(label: String, value: String)], button: String) throws -> Response {
        let fields = form.all.keys.sorted().filter { $0 != "confirmed" && $0 != "_csrf" }.flatMap { name in
            (form.all[name] ?? []).map { ["name": name, "value": $0] }
        }
        return try page(template: "confirm", title: title, [
            "title": title, "question": question, "action": action, "back": back, "button": button, "fields": fields,
            "summary": summary.filter { !$0.value.isEmpty }.map { ["label": $0.label, "value": $0.value] }])
    }
}
