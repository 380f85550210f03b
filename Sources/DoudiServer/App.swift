import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation
import Hummingbird
import Logging
import Metrics
import OpenAPIHummingbird
import OpenAPIRuntime
import Prometheus
import ServiceLifecycle

/// What `doudi serve` is given.
public struct ServerConfig: Sendable {
    public var host: String
    public var port: Int
    /// Mark cookies Secure even on plain HTTP requests (behind a TLS-terminating proxy that does not say so).
    public var secureCookies: Bool
    /// Addresses of reverse proxies whose `X-Forwarded-For` names the real client (for rate limits).
    public var trustedProxies: Set<String>
    public init(host: String = "127.0.0.1", port: Int = 8080, secureCookies: Bool = false, trustedProxies: Set<String> = []) {
        self.host = host; self.port = port; self.secureCookies = secureCookies; self.trustedProxies = trustedProxies
    }
}

/// The stores every handler works through.
public struct Services: Sendable {
    public let db: Database
    public let users: UserStore
    public let households: HouseholdStore
    public let regions: RegionStore
    public let audit: AuditStore
    public let importer: RegisterImporter
    public let leads: LeadStore
    public let episodes: EpisodeStore
    public let policy: PolicyStore
    public let calendar: CalendarStore
    public let applications: ApplicationStore
    public let reports: ReportStore
    /// The one clock, given with the database at start.
    public var clock: Clock { db.clock }
    public init(_ db: Database) {
        self.db = db
        users = UserStore(db); households = HouseholdStore(db); regions = RegionStore(db)
        audit = AuditStore(db); importer = RegisterImporter(db); leads = LeadStore(db)
        episodes = EpisodeStore(db); policy = PolicyStore(db); calendar = CalendarStore(db); reports = ReportStore(db)
        applications = ApplicationStore(db)
    }
}

/// The request context: who is calling, once a session or token says so.
public struct DoudiContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var account: UserStore.Account?
    public var csrf: String?
    /// The client's address, for rate limits: the peer, or what a trusted proxy says the peer was.
    public var clientAddress: String
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
    /// County files of a few hundred thousand households are uploaded through the import page.
    public var maxUploadSize: Int { 512 * 1024 * 1024 }
}

/// Prometheus metrics, bootstrapped once per process.
public enum MetricsSetup {
    public static let registry: PrometheusCollectorRegistry = {
        let r = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: r))
        return r
    }()
}

public func buildApplication(services: Services, config: ServerConfig, logger: Logger) async throws -> some ApplicationProtocol {
    let router = try await buildRouter(services: services, config: config)
    var app = Application(router: router, configuration: .init(address: .hostname(config.host, port: config.port), serverName: "doudi"), logger: logger)
    app.addServices(DatabaseCloser(db: services.db))
    return app
}

/// Every route Doudi answers; the access matrix test walks `routes` of this.
public func buildRouter(services: Services, config: ServerConfig) async throws -> Router<DoudiContext> {
    let registry = MetricsSetup.registry
    let limits = PublicLimits(clock: services.clock)
    let router = Router(context: DoudiContext.self)
    router.addMiddleware {
        LogRequestsMiddleware(.info)
        MetricsMiddleware()
        SecurityHeadersMiddleware()
        UnavailableMiddleware()
        ClientAddressMiddleware(trustedProxies: config.trustedProxies)
    }
    router.get("/healthz") { _, _ -> Response in
        do {
            _ = try await services.db.schemaVersion()
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        } catch {
            return Response(status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "database unavailable\n")))
        }
    }
    // Alive, without asking the database (/healthz asks it): for a supervisor, and the load benchmark's no-op route.
    router.get("/livez") { _, _ -> Response in
        Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
    }
    router.get("/metrics") { _, _ -> Response in
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }
    router.get("/api/openapi.yaml") { _, _ -> Response in
        Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: APIDocument.yaml)))
    }
    let api = APIHandlers(services: services, limits: limits)
    let group = router.group("api/v1")
    // Compact JSON: pretty-printed, a village's page of 50 households was 15,787 bytes, compact 11,673. Keys stay
    // sorted, so that the same answer is the same bytes (a public answer must not differ by more than its content).
    try api.registerHandlers(on: group, serverURL: URL(string: "/")!, configuration: .init(jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]),
                             middlewares: [APIAuthMiddleware(users: services.users)])
    try await registerPages(on: router, services: services, limits: limits, secureCookies: config.secureCookies)
    return router
}

/// The web shell, then each capability's pages, each given the stores it uses.
func registerPages(on router: Router<DoudiContext>, services s: Services, limits: PublicLimits, secureCookies: Bool) async throws {
    let web = try await WebShell(users: s.users, clock: s.clock, secureCookies: secureCookies)
    let choices = Choices(regions: s.regions, policy: s.policy, clock: s.clock)
    let registry = RegisterPages(web: web, households: s.households, regions: s.regions, episodes: s.episodes, leads: s.leads, choices: choices)
    router.addMiddleware { ErrorPages(web: web) }  // every page after this, and addresses nothing answers
    web.register(on: router)
    AccessPages(web: web, users: s.users, limits: limits).register(on: router)
    UserPages(web: web, users: s.users, regions: s.regions, choices: choices).register(on: router)
    registry.register(on: router)
    ImportPages(web: web, importer: s.importer).register(on: router)
    RegionPages(web: web, regions: s.regions).register(on: router)
    AuditPages(web: web, audit: s.audit).register(on: router)
    LeadPages(web: web, leads: s.leads, regions: s.regions, episodes: s.episodes, choices: choices, registry: registry).register(on: router)
    let selfReport = SelfReportPages(web: web, leads: s.leads, children: ChildCaseStore(s.db), regions: s.regions, limits: limits, choices: choices)
    selfReport.register(on: router)
    GuardianPages(web: web, children: ChildCaseStore(s.db), limits: limits, selfReport: selfReport).register(on: router)
    EpisodePages(web: web, episodes: s.episodes, regions: s.regions).register(on: router)
    PolicyPages(web: web, policy: s.policy, regions: s.regions, choices: choices).register(on: router)
    CalendarPages(web: web, calendar: s.calendar, regions: s.regions, choices: choices).register(on: router)
    ApplicationPages(web: web, applications: s.applications, households: s.households, regions: s.regions).register(on: router)
    RollPages(web: web, rolls: PaymentRollStore(s.db), db: s.db, regions: s.regions).register(on: router)
    CheckPages(web: web, checks: EconomicCheckStore(s.db)).register(on: router)
    FiguresPages(web: web, db: s.db, regions: s.regions).register(on: router)
    ReviewPages(web: web, reviews: BenefitReviewStore(s.db), regions: s.regions).register(on: router)
    BenefitPages(web: web, changes: BenefitChangeStore(s.db), regions: s.regions).register(on: router)
    AidPages(web: web, aid: AidFirstStore(s.db), regions: s.regions).register(on: router)
    let casePages = CasePages(web: web, cases: CaseStore(s.db), measures: MeasureStore(s.db), regions: s.regions)
    casePages.register(on: router)
    MeasurePages(web: web, measures: MeasureStore(s.db), regions: s.regions, casePages: casePages).register(on: router)
    HelperPages(web: web, helpers: HelperStore(s.db), regions: s.regions).register(on: router)
    CaseFiguresPages(web: web, db: s.db).register(on: router)
    EffectPages(web: web, reviews: EffectReviewStore(s.db), helpers: HelperStore(s.db), regions: s.regions).register(on: router)
    VisitPages(web: web, helpers: HelperStore(s.db), leads: s.leads, regions: s.regions).register(on: router)
    ChildPages(web: web, children: ChildCaseStore(s.db), regions: s.regions, choices: choices).register(on: router)
    ChildFiguresPages(web: web, db: s.db).register(on: router)
    ChildSurveyPages(web: web, surveys: ChildSurveyStore(s.db), regions: s.regions, choices: choices).register(on: router)
    ReportPages(web: web, reports: s.reports, regions: s.regions, audit: s.audit).register(on: router)
    let volunteers = VolunteerStore(s.db)
    let volunteerPages = VolunteerPages(web: web, store: volunteers, regions: s.regions, choices: choices)
    volunteerPages.register(on: router)
    VolunteerTaskPages(web: web, store: volunteers, pages: volunteerPages).register(on: router)
    let me = MePages(web: web, store: volunteers, pages: volunteerPages)
    me.register(on: router)
    VolunteerPeoplePages(web: web, store: volunteers, pages: volunteerPages, me: me, choices: choices).register(on: router)
}

/// Closes the database after the server has stopped taking requests.
struct DatabaseCloser: Service {
    let db: Database
    func run() async throws {
        try? await gracefulShutdown()
        await db.close()
    }
}


/// Headers every answer carries: no framing, no sniffing, only Doudi's own scripts and styles.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var r = try await next(request, context)
        r.headers[.xContentTypeOptions] = "nosniff"
        r.headers[.init("X-Frame-Options")!] = "DENY"
        r.headers[.init("Referrer-Policy")!] = "same-origin"
        if r.headers[.contentSecurityPolicy] == nil {
            r.headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'"
        }
        return r
    }
}
