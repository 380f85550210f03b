import DoudiDomain
import DoudiServer
import DoudiSheets
import DoudiStore
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Chinese words only: no code name in the visible text of any page or export of the demo, in either language")
struct WordsTests {
    /// What a reader sees of a page: the text of its body, without tags, scripts, styles or attribute values.
    static func visible(_ html: String) -> String {
        var s = html
        for pattern in [#/(?s)<head>.*?</head>/#, #/(?s)<script.*?</script>/#, #/(?s)<style.*?</style>/#] { s = s.replacing(pattern, with: " ") }
        s = s.replacing(#/<[^>]*>/#, with: " ")
        for (entity, char) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] { s = s.replacingOccurrences(of: entity, with: char) }
        return s
    }

    /// camelCase (monitoringType, selfReport) and snake_case (episode_id, region_code) words.
    static func codeNames(_ text: String) -> Set<String> {
        Set(text.matches(of: #/\b[a-z]+[A-Z][A-Za-z]*\b|\b[a-z][a-z0-9]*_[a-z0-9_]+\b/#).map { String($0.output) })
    }

    @Test(arguments: [Backend.sqlite])
    func everyPageAndExportSpeaksWordsNotCodes(_ backend: Backend) async throws {
        try await withServer(backend, households: 120, monitoring: true) { client, _ in
            var found: [String] = []
            var pages = 0
            for user in SweepTests.accounts {
                for lang in ["zh", "en"] {
                    let b = Browser(client)
                    _ = try await b.login(user)
                    if lang == "en" { _ = try await b.request(.get, "/lang?to=en") }
                    for page in try await crawl(b, perPattern: 2, limit: 80) where page.status.code < 400 {
                        pages += 1
                        let text: String
                        if page.uri.contains(".xlsx") {
                            let r = try await b.request(.get, page.uri)
                            text = try XLSXReader.rows(Data(r.body.readableBytesView)).flatMap { $0 }.joined(separator: " ")
                        } else {
                            text = page.uri.contains(".csv") ? page.body : Self.visible(page.body)
                        }
                        found += Self.codeNames(text).sorted().map { "\(user) \(lang) \(page.uri): \($0)" }
                    }
                }
            }
            #expect(pages > 100, "the walk reached only \(pages) pages")
            #expect(found.isEmpty, "\(found.count) code names shown: \(found.prefix(40).joined(separator: "\n"))")
        }
    }
}
