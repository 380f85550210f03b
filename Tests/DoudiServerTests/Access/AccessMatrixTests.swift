import DoudiDomain
import DoudiServer
import DoudiStore
import DoudiTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `docs/access-matrix.md`, read as the test's input: one row per route and place, one column per role.
struct AccessMatrix: Equatable {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/access-matrix.md")
    static let columns = ["anonymous"] + Role.allCases.map(\.rawValue)

    /// "GET /households/{id} inside" → the answer each column expects.
    var rows: [String: [String: Int]] = [:]

    static func read() throws -> AccessMatrix {
        var m = AccessMatrix()
        var header: [String] = []
        for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") where line.hasPrefix("|") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "`", with: "") }
            if cells.first == "Route" { header = cells; continue }
            guard header.count == cells.count, cells.count > 2, !cells[0].hasPrefix("-") else { continue }
            var answers: [String: Int] = [:]
            for (i, c) in cells.enumerated().dropFirst(2) { answers[header[i]] = Int(c) }
            m.rows["\(cells[0]) \(cells[1])"] = answers
        }
        return m
    }

    /// The rows as the file writes them, for a route the file lacks or an answer that changed.
    func markdown(_ keys: [String]) -> String {
        keys.map { key in
            let scope = key.split(separator: " ").last!, route = key.dropLast(scope.count + 1)
            return "| `\(route)` | \(scope) | " + Self.columns.map { rows[key]?[$0].map(String.init) ?? "?" }.joined(separator: " | ") + " |"
        }.joined(separator: "\n")
    }
}

@Suite("Access: every route the router knows × every role × inside and outside the caller's subtree")
struct AccessMatrixTests {
    @Test("each answer is the one docs/access-matrix.md gives, and no answer shows a record outside the caller's subtree", arguments: Backend.available)
    func everyCell(_ backend: Backend) async throws {
        try await withServer(backend, households: 20) { client, services in
            let places = try await MatrixPlace.make(services)
            let expected = try AccessMatrix.read()
            let routes = try await buildRouter(services: services, config: ServerConfig()).routes
                .map { ($0.method, $0.path.description) }.sorted { ($0.1, $0.0.rawValue) < ($1.1, $1.0.rawValue) }
            let callers = try await MatrixCaller.all(client)
            let noticeDays = try await services.policy.policy(region: DemoLoader.county, year: services.clock.today().year).int(.noticeDays) ?? 5
            var observed = AccessMatrix(), order: [String] = [], serial = 0
            for (method, path) in routes {
                for scope in MatrixRequest.isScoped(method, path) ? ["inside", "outside"] : ["any"] {
                    let key = "\(method.rawValue) \(path) \(scope)"
                    order.append(key)
                    for c in callers {
                        let place = scope == "outside" ? c.region.flatMap { MatrixPlace.outside($0, in: places) } ?? places[3] : places[0]
                        serial += 1
                        let r = try await MatrixRequest.make(method, path, place: place, serial: serial, noticeDays: noticeDays, csrf: path == "/logout" ? "" : c.csrf).send(c)
                        observed.rows[key, default: [:]][c.column] = Int(r.status.code)
                        let body = String(buffer: r.body)
                        for p in places where !(c.region?.contains(p.village) ?? false) {
                            for m in p.markers where body.contains(m) { Issue.record("\(c.column) \(key): shows \(m) of \(p.village), outside its subtree") }
                        }
                        #expect(r.status.code < 500, "\(c.column) \(key): \(r.status)")
                    }
                }
            }
            let missing = order.filter { expected.rows[$0] == nil }
            let changed = order.filter { expected.rows[$0] != nil && expected.rows[$0] != observed.rows[$0] }
            let stale = expected.rows.keys.filter { !order.contains($0) }.sorted()
            #expect(missing.isEmpty, "routes the router knows and the matrix does not; as answered now:\n\(observed.markdown(missing))")
            #expect(changed.isEmpty, "answers that differ from the matrix; as answered now:\n\(observed.markdown(changed))\nthe matrix says:\n\(expected.markdown(changed))")
            #expect(stale.isEmpty, "rows of the matrix for routes the router no longer has: \(stale)")
            if !missing.isEmpty || !changed.isEmpty, let out = ProcessInfo.processInfo.environment["DOUDI_MATRIX_OUT"] {
                try observed.markdown(order).write(toFile: out, atomically: true, encoding: .utf8)
            }
        }
    }
}
