import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation
import OpenAPIRuntime

typealias Schemas = Components.Schemas

/// The JSON API, as `openapi.yaml` describes it: one value the generated code registers, holding each
/// capability's part. Each capability's folder implements its operations (`…API.swift`) with only the stores
/// it uses; handlers translate, the stores decide.
struct APIHandlers: APIProtocol {
    let access: AccessAPI
    let registry: RegisterAPI
    let regions: RegionAPI
    let audit: AuditAPI
    let leads: LeadAPI
    let episodes: EpisodeAPI
    let policy: PolicyAPI
    let calendar: CalendarAPI
    let applications: ApplicationAPI
    let checks: CheckAPI
    let rolls: RollAPI
    let reviews: ReviewAPI
    let benefits: BenefitAPI
    let aid: AidAPI
    let cases: CaseAPI
    let helpers: HelperAPI
    let measures: MeasureAPI
    let effects: EffectAPI
    let reports: ReportAPI
    let children: ChildAPI
    let surveys: ChildSurveyAPI
    let guardians: GuardianAPI
    let volunteers: VolunteerAPI

    init(services s: Services, limits: PublicLimits) {
        access = AccessAPI(users: s.users, regions: s.regions, limits: limits)
        registry = RegisterAPI(households: s.households, regions: s.regions, clock: s.clock)
        regions = RegionAPI(regions: s.regions)
        audit = AuditAPI(audit: s.audit)
        leads = LeadAPI(leads: s.leads, children: ChildCaseStore(s.db), limits: limits, clock: s.clock)
        children = ChildAPI(children: ChildCaseStore(s.db), clock: s.clock)
        surveys = ChildSurveyAPI(surveys: ChildSurveyStore(s.db), clock: s.clock)
        guardians = GuardianAPI(children: ChildCaseStore(s.db), limits: limits, clock: s.clock)
        volunteers = VolunteerAPI(store: VolunteerStore(s.db), clock: s.clock)
        episodes = EpisodeAPI(episodes: s.episodes, clock: s.clock)
        policy = PolicyAPI(policy: s.policy, clock: s.clock)
        calendar = CalendarAPI(calendar: s.calendar, clock: s.clock)
        applications = ApplicationAPI(applications: s.applications, clock: s.clock)
        checks = CheckAPI(checks: EconomicCheckStore(s.db))
        rolls = RollAPI(rolls: PaymentRollStore(s.db), clock: s.clock)
        reviews = ReviewAPI(reviews: BenefitReviewStore(s.db), clock: s.clock)
        benefits = BenefitAPI(changes: BenefitChangeStore(s.db), clock: s.clock)
        aid = AidAPI(aid: AidFirstStore(s.db), clock: s.clock)
        cases = CaseAPI(cases: CaseStore(s.db), clock: s.clock)
        helpers = HelperAPI(helpers: HelperStore(s.db), clock: s.clock)
        measures = MeasureAPI(measures: MeasureStore(s.db), clock: s.clock)
        effects = EffectAPI(reviews: EffectReviewStore(s.db), clock: s.clock)
        reports = ReportAPI(reports: s.reports, clock: s.clock)
    }
}

/// What every capability's API part shares: the caller, the error bodies and the one mapping of a store's refusal.
protocol APIPart: Sendable {}

extension APIPart {
    var caller: UserStore.Account {
        get throws {
            guard let a = APICaller.account else { throw StoreError.forbidden }
            return a
        }
    }

    static func error(_ code: String, _ m: Message, field: String? = nil, problems: [FieldProblem] = []) -> Schemas._Error {
        Schemas._Error(code: code, field: field, messageZh: m.zh, messageEn: m.en,
                       problems: problems.isEmpty ? nil : problems.map { .init(field: $0.field, messageZh: $0.message.zh, messageEn: $0.message.en) })
    }

    /// One page of a list computed whole: the document's bounds (offset ≥ 0, limit 1…500) applied here, because the
    /// generated code does not enforce them and a negative offset would stop the server (found by Schemathesis).
    static func window<T>(_ all: [T], offset: Int?, limit: Int?) -> ArraySlice<T> {
        all.dropFirst(max(0, offset ?? 0)).prefix(min(max(1, limit ?? 50), 500))
    }

    static var jsonExpected: Schemas._Error { error("badRequest", Message("需要JSON", "JSON expected")) }

    static var notFound: Schemas._Error { error("notFound", .notInYourRegion) }

    static var forbidden: Schemas._Error { error("forbidden", Message("您的角色无权进行此操作", "your role may not do this")) }

    static func conflict(_ p: FieldProblem) -> Schemas._Error { error("conflict", p.message, field: p.field) }

    static func invalid(_ problems: [FieldProblem]) -> Schemas._Error {
        let first = problems.first ?? FieldProblem("", Message("输入无效", "invalid input"))
        return error("invalid", first.message, field: first.field, problems: problems)
    }

    /// The answer the document gives to a store's refusal: 404 for a record missing or outside the caller's
    /// region, 403 for a role that may not, 422 for fields at fault; anything else is a server failure.
    static func refusal<O: StoreRefusals>(_ error: any Error) throws -> O {
        switch error as? StoreError {
        case .notFound?: .notFound(.init(body: .json(notFound)))
        case .forbidden?: .forbidden(.init(body: .json(forbidden)))
        case .invalid(let p)?: .unprocessableContent(.init(body: .json(invalid(p))))
        default: throw error
        }
    }

    static var tooMany: Schemas._Error { error("tooMany", PublicLimits.tooMany) }
}

/// Outputs whose document lists all three refusals of a store call (see `APIHandlers.refusal`).
protocol StoreRefusals {
    static func notFound(_ r: Components.Responses.NotFound) -> Self
    static func forbidden(_ r: Components.Responses.Forbidden) -> Self
    static func unprocessableContent(_ r: Components.Responses.Invalid) -> Self
}

extension Operations.UpdateHousehold.Output: StoreRefusals {}
extension Operations.AddMember.Output: StoreRefusals {}
extension Operations.VerifyLead.Output: StoreRefusals {}
extension Operations.ActOnEpisode.Output: StoreRefusals {}
extension Operations.ProposeClearing.Output: StoreRefusals {}
