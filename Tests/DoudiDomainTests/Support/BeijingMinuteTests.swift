import DoudiDomain
import Testing

@Suite("A minute as a form types it, in Beijing time (UTC+8 all year)")
struct BeijingMinuteTests {
    @Test("read", arguments: [
        ("2020-02-03T18:30", Int64(1_580_725_800_000)),  // 10:30 UTC
        ("2020-02-03 18:30", 1_580_725_800_000),
        ("2020-02-03T18:30:59", 1_580_725_800_000),
        ("1970-01-01T08:00", 0),
        ("1970-01-01T07:59", -60_000),
        ("2024-02-29T00:00", 1_709_136_000_000),
    ])
    func reads(_ text: String, _ millis: Int64) {
        #expect(BeijingMinute.millis(text) == millis)
    }

    @Test("refused", arguments: ["", "2020-02-30T10:00", "2020-02-03T24:00", "2020-02-03T10:60", "2020-02-03T9:05", "2020-02-03", "明早", "2020-02-03T10:00:61"])
    func refuses(_ text: String) {
        #expect(BeijingMinute.millis(text) == nil)
    }

    @Test("any moment written and read again is the start of its minute")
    func roundTrip() {
        var g = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let t = Int64.random(in: -2_000_000_000_000...4_000_000_000_000, using: &g)
            let back = BeijingMinute.millis(BeijingMinute.text(t))
            #expect(back == t - ((t % 60_000) + 60_000) % 60_000, "\(t)")
        }
    }
}
