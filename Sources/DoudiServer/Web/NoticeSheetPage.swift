import DoudiDomain
import DoudiStore
import Hummingbird

/// 2026年12月2日, as a notice is dated.
func noticeDay(_ d: CivilDate, _ t: Strings.Table) -> String {
    t.code == "en" ? d.description : "\(d.year)年\(d.month)月\(d.day)日"
}

/// Every notice, of whatever kind, is printed by this one page from its sheet: the kind's columns and nothing else.
func noticeSheet(_ w: Web, _ n: PostedNotice, body: String, back: String, backLabel: String) throws -> Response {
    let t = w.t, s = n.sheet
    let title = label(s.kind, t)
    return try w.page(template: "notice", title: "\(n.place) · \(title)", [
        "title": title, "body": body, "back": back, "backLabel": backLabel,
        "n": ["place": n.place, "signer": n.signer, "from": noticeDay(s.from, t), "to": noticeDay(s.to, t),
              "count": t.code == "en" ? "\(s.rows.count) households" : "共\(s.rows.count)户", "phone": n.supervisionPhone as Any,
              "columns": s.columns.map { label($0, t) },
              "rows": s.rows.enumerated().map { i, r in ["no": i + 1, "cells": r] as [String: Any] }] as [String: Any],
    ])
}
