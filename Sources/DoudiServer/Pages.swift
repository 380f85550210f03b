import Hummingbird
struct Pages { init(services: Services, secureCookies: Bool) async throws {}; func register(on r: Router<DoudiContext>) {} }
