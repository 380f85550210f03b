import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation

/// The household register through the API.
struct RegisterAPI: APIPart {
    let households: HouseholdStore
    let regions: RegionStore
    let clock: Clock

    func listHouseholds(_ input: Operations.ListHouseholds.Input) async throws -> Operations.ListHouseholds.Output {
        let a = try caller
        guard a.role.may(.readRegister) else { return .forbidden(.init(body: .json(Self.forbidden))) }
        guard a.role.may(.browseRegister) || input.query.residentId?.isEmpty == false else {
            return .forbidden(.init(body: .json(Self.error("forbidden", .oneByResidentID))))
        }
        var rid: ResidentID?
        if let text = input.query.residentId, !text.isEmpty {
            do { rid = try ResidentID(text) } catch {
                return .badRequest(.init(body: .json(Self.error("badRequest", error.message, field: "residentId"))))
            }
        }
        var region: RegionCode?
        if let text = input.query.regionCode {
            guard let c = RegionCode(text) else {
                return .badRequest(.init(body: .json(Self.error("badRequest", .regionCodeDigits, field: "regionCode"))))
            }
            region = c
        }
        let facets = HouseholdFacets(dibao: input.query.dibao, povertyStatus: input.query.povertyStatus.flatMap { PovertyStatus(rawValue: $0.rawValue) },
                                     order: input.query.order.flatMap { HouseholdFacets.Order(rawValue: $0.rawValue) } ?? .updated)
        let page = try await households.search(by: a.actor, text: input.query.q, residentID: rid, region: region, facets: facets,
                                                        limit: input.query.limit ?? 50, offset: input.query.offset ?? 0)
        let items = page.items.map { s in
            Schemas.HouseholdSummary(householdId: s.id, regionCode: s.region.description, regionName: s.regionLabel ?? "",
                                     headName: s.headName ?? "", headResidentIdMasked: s.headResidentID.map(Masking.residentID),
                                     memberCount: s.memberCount, povertyStatus: s.povertyStatus.rawValue, dibao: s.dibao)
        }
        return .ok(.init(body: .json(.init(total: page.total, items: items))))
    }

    func createHousehold(_ input: Operations.CreateHousehold.Input) async throws -> Operations.CreateHousehold.Output {
        let a = try caller
        guard case .json(let body) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        let today = clock.today()
        var problems: [FieldProblem] = []
        let household = Self.householdInput(id: body.value2.householdId, body.value1).check().problems(into: &problems)
        let members = body.value2.members.enumerated().compactMap { i, m in
            Self.memberInput(m).check(householdID: body.value2.householdId, today: today, prefix: "members[\(i)].").problems(into: &problems)
        }
        guard let household, problems.isEmpty else { return .unprocessableContent(.init(body: .json(Self.invalid(problems)))) }
        do {
            let stored = try await households.create(HouseholdRecord(household: household, members: members), by: a.actor)
            return .created(.init(body: .json(try await schema(stored))))
        } catch let e as StoreError {
            switch e {
            case .forbidden: return .forbidden(.init(body: .json(Self.forbidden)))
            case .invalid(let p): return .unprocessableContent(.init(body: .json(Self.invalid(p))))
            case .conflict(let p): return .conflict(.init(body: .json(Self.conflict(p))))
            default: throw e
            }
        }
    }

    func getHousehold(_ input: Operations.GetHousehold.Input) async throws -> Operations.GetHousehold.Output {
        let a = try caller
        guard a.role.may(.browseRegister) else { return .forbidden(.init(body: .json(Self.forbidden))) }
        guard let h = try await households.get(input.path.householdId, by: a.actor) else {
            return .notFound(.init(body: .json(Self.notFound)))
        }
        return .ok(.init(body: .json(try await schema(h))))
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
            return .ok(.init(body: .json(try await schema(try await households.update(household, by: a.actor)))))
        } catch { return try Self.refusal(error) }
    }

    func addMember(_ input: Operations.AddMember.Input) async throws -> Operations.AddMember.Output {
        let a = try caller
        guard case .json(let body) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        let member: Member
        switch Self.memberInput(body).check(householdID: input.path.householdId, today: clock.today()) {
        case .success(let m): member = m
        case .failure(let p): return .unprocessableContent(.init(body: .json(Self.invalid(p.problems))))
        }
        do {
            return .created(.init(body: .json(try await schema(try await households.addMember(member, by: a.actor)))))
        } catch StoreError.conflict(let p) {
            return .conflict(.init(body: .json(Self.conflict(p))))
        } catch { return try Self.refusal(error) }
    }

    func revealMember(_ input: Operations.RevealMember.Input) async throws -> Operations.RevealMember.Output {
        let a = try caller
        do {
            let m = try await households.reveal(memberID: input.path.memberId, by: a.actor)
            return .ok(.init(body: .json(.init(memberId: m.id, residentId: m.member.residentID.text, phone: m.member.phone))))
        } catch StoreError.forbidden {
            return .forbidden(.init(body: .json(Self.forbidden)))
        } catch StoreError.notFound {
            return .notFound(.init(body: .json(Self.notFound)))
        }
    }


    func schema(_ h: StoredHousehold) async throws -> Schemas.Household {
        let path = try await regions.path(h.household.regionCode)
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

/// The operations of this capability, as the generated protocol names them.
extension APIHandlers {
    func listHouseholds(_ input: Operations.ListHouseholds.Input) async throws -> Operations.ListHouseholds.Output { try await registry.listHouseholds(input) }
    func createHousehold(_ input: Operations.CreateHousehold.Input) async throws -> Operations.CreateHousehold.Output { try await registry.createHousehold(input) }
    func getHousehold(_ input: Operations.GetHousehold.Input) async throws -> Operations.GetHousehold.Output { try await registry.getHousehold(input) }
    func updateHousehold(_ input: Operations.UpdateHousehold.Input) async throws -> Operations.UpdateHousehold.Output { try await registry.updateHousehold(input) }
    func addMember(_ input: Operations.AddMember.Input) async throws -> Operations.AddMember.Output { try await registry.addMember(input) }
    func revealMember(_ input: Operations.RevealMember.Input) async throws -> Operations.RevealMember.Output { try await registry.revealMember(input) }
}
