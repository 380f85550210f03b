import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation
import OpenAPIRuntime

typealias Schemas = Components.Schemas

/// The JSON API, as `openapi.yaml` describes it. Handlers translate; the stores decide.
struct APIHandlers: APIProtocol {
    let services: Services
    let limits: PublicLimits

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

    static let jsonExpected = error("badRequest", Message("需要JSON", "JSON expected"))
    static let notFound = error("notFound", Message("记录不存在或不在您的辖区内", "no such record in your region"))
    static let forbidden = error("forbidden", Message("您的角色无权进行此操作", "your role may not do this"))

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

    // MARK: - Access

    func createToken(_ input: Operations.CreateToken.Input) async throws -> Operations.CreateToken.Output {
        guard case .json(let c) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        let account: UserStore.Account
        switch try await limits.logIn(username: c.username, password: c.password, from: ClientAddress.current, users: services.users) {
        case .account(let a): account = a
        case .wrong: return .unauthorized(.init(body: .json(Self.error("unauthorized", Message("用户名或密码错误", "wrong username or password")))))
        case .tooMany: return .tooManyRequests(.init(body: .json(Self.tooMany)))
        }
        let session = try await services.users.startSession(for: account, kind: .api)
        return .ok(.init(body: .json(.init(token: session.token, expiresAt: session.expiresAt))))
    }

    func getMe(_ input: Operations.GetMe.Input) async throws -> Operations.GetMe.Output {
        let a = try caller
        let name = try await services.regions.region(a.region)?.name ?? "全国"
        return .ok(.init(body: .json(.init(username: a.username, role: a.role.rawValue, regionCode: a.region.description, regionName: name))))
    }

    // MARK: - Register

    func listHouseholds(_ input: Operations.ListHouseholds.Input) async throws -> Operations.ListHouseholds.Output {
        let a = try caller
        var rid: ResidentID?
        if let text = input.query.residentId, !text.isEmpty {
            do { rid = try ResidentID(text) } catch {
                return .badRequest(.init(body: .json(Self.error("badRequest", error.message, field: "residentId"))))
            }
        }
        var region: RegionCode?
        if let text = input.query.regionCode {
            guard let c = RegionCode(text) else {
                return .badRequest(.init(body: .json(Self.error("badRequest", Message("区划代码应为12位数字", "a region code has 12 digits"), field: "regionCode"))))
            }
            region = c
        }
        guard a.role.may(.readRegister) else { return .ok(.init(body: .json(.init(total: 0, items: [])))) }
        let page = try await services.households.search(by: a.actor, text: input.query.q, residentID: rid, region: region,
                                                        limit: input.query.limit ?? 50, offset: input.query.offset ?? 0)
        let names = try await services.regions.villageLabels(page.items.compactMap { RegionCode(value: UInt64($0.region)) })
        let items = page.items.map { s in
            let code = RegionCode(value: UInt64(s.region)) ?? .country
            return Schemas.HouseholdSummary(householdId: s.id, regionCode: code.description, regionName: names[code] ?? "",
                                            headName: s.headName ?? "", headResidentIdMasked: s.headResidentID.map(Masking.residentID),
                                            memberCount: s.memberCount, povertyStatus: s.povertyStatus, dibao: s.dibao == 1)
        }
        return .ok(.init(body: .json(.init(total: page.total, items: items))))
    }

    func getHousehold(_ input: Operations.GetHousehold.Input) async throws -> Operations.GetHousehold.Output {
        let a = try caller
        guard let h = try await services.households.get(input.path.householdId, by: a.actor) else {
            return .notFound(.init(body: .json(Self.notFound)))
        }
        return .ok(.init(body: .json(try await schema(h))))
    }

    func createHousehold(_ input: Operations.CreateHousehold.Input) async throws -> Operations.CreateHousehold.Output {
        let a = try caller
        guard case .json(let body) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        let today = services.clock.today()
        var problems: [FieldProblem] = []
        let household = Self.householdInput(id: body.value2.householdId, body.value1).check().problems(into: &problems)
        let members = body.value2.members.enumerated().compactMap { i, m in
            Self.memberInput(m).check(householdID: body.value2.householdId, today: today, prefix: "members[\(i)].").problems(into: &problems)
        }
        guard let household, problems.isEmpty else { return .unprocessableContent(.init(body: .json(Self.invalid(problems)))) }
        do {
            let stored = try await services.households.create(HouseholdRecord(household: household, members: members), by: a.actor)
            return .created(.init(body: .json(try await schema(stored))))
        } catch let e as StoreError {
            switch e {
            case .forbidden: return .forbidden(.init(body: .json(Self.forbidden)))
            case .invalid(let p): return .unprocessableContent(.init(body: .json(Self.invalid(p))))
            case .householdExists(let id):
                return .conflict(.init(body: .json(Self.error("conflict", Message("户编号\(id)已存在", "household id \(id) already exists"), field: "householdId"))))
            case .personInOtherHousehold(let other):
                return .conflict(.init(body: .json(Self.personConflict(other))))
            default: throw e
            }
        }
    }

    static func personConflict(_ other: String) -> Schemas._Error {
        error("conflict", Message("此人已登记在户\(other)中，一人只能属于一户", "this person is already registered in household \(other); a person belongs to one household only"), field: "residentId")
    }

    func updateHousehold(_ input: Operations.UpdateHousehold.Input) async throws -> Operations.UpdateHousehold.Output {
        let a = try caller
        guard case .json(let body) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        let household: Household
        switch Self.householdInput(id: input.path.householdId, body).check() {
        case .success(let h): household = h
        case .failure(let p): return .unprocessableContent(.init(body: .json(Self.invalid(p.problems))))
        }
        do {
            return .ok(.init(body: .json(try await schema(try await services.households.update(household, by: a.actor)))))
        } catch { return try Self.refusal(error) }
    }

    func addMember(_ input: Operations.AddMember.Input) async throws -> Operations.AddMember.Output {
        let a = try caller
        guard case .json(let body) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        let member: Member
        switch Self.memberInput(body).check(householdID: input.path.householdId, today: services.clock.today()) {
        case .success(let m): member = m
        case .failure(let p): return .unprocessableContent(.init(body: .json(Self.invalid(p.problems))))
        }
        do {
            return .created(.init(body: .json(try await schema(try await services.households.addMember(member, by: a.actor)))))
        } catch StoreError.personInOtherHousehold(let other) {
            return .conflict(.init(body: .json(Self.personConflict(other))))
        } catch { return try Self.refusal(error) }
    }

    func revealMember(_ input: Operations.RevealMember.Input) async throws -> Operations.RevealMember.Output {
        let a = try caller
        do {
            let m = try await services.households.reveal(memberID: input.path.memberId, by: a.actor)
            return .ok(.init(body: .json(.init(memberId: m.id, residentId: m.member.residentID.text, phone: m.member.phone))))
        } catch StoreError.forbidden {
            return .forbidden(.init(body: .json(Self.forbidden)))
        } catch StoreError.notFound {
            return .notFound(.init(body: .json(Self.notFound)))
        }
    }

    // MARK: - Regions and audit

    func getRegion(_ input: Operations.GetRegion.Input) async throws -> Operations.GetRegion.Output {
        let a = try caller
        guard let code = RegionCode(input.path.regionCode), a.region.contains(code) || code.contains(a.region),
              let region = try await services.regions.region(code) else {
            return .notFound(.init(body: .json(Self.notFound)))
        }
        // Above the caller's own region only the path down to it is shown, not its neighbours.
        let children = try await services.regions.children(of: code).filter { a.region.contains($0.code) || $0.code.contains(a.region) }
        return .ok(.init(body: .json(.init(region: Self.schema(region), children: children.map(Self.schema)))))
    }

    static func schema(_ r: Region) -> Schemas.Region {
        .init(code: r.code.description, name: r.name, level: r.level.codeName)
    }

    func searchAudit(_ input: Operations.SearchAudit.Input) async throws -> Operations.SearchAudit.Output {
        let a = try caller
        do {
            let entries = try await services.audit.search(by: a.actor, actorName: input.query.actor, action: input.query.action,
                                                          subject: input.query.subject, limit: input.query.limit ?? 100)
            return .ok(.init(body: .json(entries.map { e in
                Schemas.AuditEntry(id: e.id, at: Date(timeIntervalSince1970: Double(e.at) / 1000), actor: e.actor, action: e.action,
                                   subject: e.subject, regionCode: RegionCode(value: UInt64(e.region))?.description ?? "000000000000",
                                   before: e.beforeJSON, after: e.afterJSON)
            })))
        } catch StoreError.forbidden {
            return .forbidden(.init(body: .json(Self.forbidden)))
        }
    }

    // MARK: - Translation

    func schema(_ h: StoredHousehold) async throws -> Schemas.Household {
        let path = try await services.regions.path(h.household.regionCode)
        return Schemas.Household(
            householdId: h.household.id, regionCode: h.household.regionCode.description,
            regionName: path.filter { $0.level >= .township }.map(\.name).joined(separator: " "),
            povertyStatus: h.household.povertyStatus.rawValue, dibao: h.household.dibao, nearDibao: h.household.nearDibao,
            extremeHardship: h.household.extremeHardship, incomePerCapita: h.household.incomePerCapita, address: h.household.address,
            members: h.members.map { s in
                let m = s.member
                return Schemas.Member(memberId: s.id, residentIdMasked: m.residentID.masked, name: m.name, relation: m.relation.rawValue,
                                      sex: m.sex.rawValue, birthYear: m.birthDate.year, laborAbility: m.laborAbility.rawValue,
                                      health: m.health.rawValue, disabilityGrade: m.disabilityGrade, schooling: m.schooling.rawValue,
                                      employment: m.employment.rawValue, phoneMasked: m.maskedPhone, childCategory: m.childCategory?.rawValue)
            })
    }

    static func householdInput(id: String, _ f: Schemas.HouseholdFields) -> HouseholdInput {
        HouseholdInput(id: id, regionCode: f.regionCode, povertyStatus: f.povertyStatus, dibao: f.dibao ?? false, nearDibao: f.nearDibao ?? false,
                       extremeHardship: f.extremeHardship ?? false, incomePerCapita: f.incomePerCapita, address: f.address ?? "")
    }

    static func memberInput(_ m: Schemas.MemberInput) -> MemberInput {
        MemberInput(residentID: m.residentId, name: m.name, relation: m.relation, laborAbility: m.laborAbility, health: m.health,
                    disabilityGrade: m.disabilityGrade, schooling: m.schooling, employment: m.employment, phone: m.phone, childCategory: m.childCategory)
    }
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
