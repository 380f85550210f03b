import DoudiTestSupport
import Testing

/// The server's own shutdown and the database's owner close the database at once when a request's work
/// fails: both must wait for one closing (a second closing beside the first stopped the SQLite writer's thread
/// while the first closed its connection there, and the whole process stopped on a connection left open).
@Suite("Closing the database from two places at once")
struct ShutdownTests {
    struct Stop: Error {}

    @Test("an error inside a running server is reported, and everything closes", arguments: Backend.available)
    func anErrorInsideARunningServer(_ backend: Backend) async throws {
        await withKnownIssue {
            try await withServer(backend) { client, _ in
                _ = try await client.token("village")
                throw Stop()
            }
        }
    }
}
