import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation
import OpenAPIRuntime

/// 家庭经济状况核对 through the API: a department's file as the request body.
struct CheckAPI: APIPart {
    let checks: EconomicCheckStore
    /// The same ceiling as the pages' uploads.
    static let largestFile = 512 * 1024 * 1024

    func loadChecks(_ input: Operations.LoadChecks.Input) async throws -> Operations.LoadChecks.Output {
        let a = try caller
        let body: HTTPBody
        switch input.body {
        case .csv(let b): body = b
        case .binary(let b): body = b
        }
        let bytes: [UInt8]
        do { bytes = try await [UInt8](collecting: body, upTo: Self.largestFile) } catch {
            return .contentTooLarge(.init(body: .json(Self.error("tooLarge", Message("文件超过512MB", "the file is larger than 512 MB")))))
        }
        let name = (input.query.file ?? "").trimmingSpaces()
        do {
            let r = try await checks.load(name.isEmpty ? "checks.csv" : name, bytes, by: a.actor)
            return r.stored ? .ok(.init(body: .json(Self.report(r)))) : .unprocessableContent(.init(body: .json(Self.report(r))))
        } catch StoreError.forbidden {
            return .forbidden(.init(body: .json(Self.forbidden)))
        } catch StoreError.invalid(let p) {
            // The file as a whole cannot be read (empty, not text, a column missing): no line to name.
            let m = p.first?.message ?? Message("文件无法读取", "the file cannot be read")
            return .unprocessableContent(.init(body: .json(.init(file: name, rows: 0, kept: 0, applications: 0, stored: false, rejected: 0, rejections: [],
                                                                 messageZh: m.zh, messageEn: m.en))))
        }
    }

    static func report(_ r: EconomicCheckStore.Report) -> Schemas.CheckLoadReport {
        Schemas.CheckLoadReport(file: r.file, rows: r.rows, kept: r.kept, applications: r.applications, stored: r.stored, rejected: r.rejected,
                                rejections: r.rejections.map { .init(line: $0.line, field: $0.field, messageZh: $0.message.zh, messageEn: $0.message.en) },
                                messageZh: r.summary.zh, messageEn: r.summary.en)
    }
}

extension APIHandlers {
    func loadChecks(_ input: Operations.LoadChecks.Input) async throws -> Operations.LoadChecks.Output { try await checks.loadChecks(input) }
}

/// 发放花名册 through the API: read a page of it, build, approve, record paid.
struct RollAPI: APIPart {
    let rolls: PaymentRollStore
    let clock: Clock

    func getRoll(_ input: Operations.GetRoll.Input) async throws -> Operations.GetRoll.Output {
        let a = try caller
        guard let county = RegionCode.parse(input.query.regionCode), let month = YearMonth(input.query.month) else {
            return .badRequest(.init(body: .json(Self.error("badRequest", Self.placeExpected))))
        }
        let from = input.query.offset ?? 0
        do {
            guard let roll = try await rolls.roll(county: county, month: month, by: a.actor, page: from..<(from + (input.query.limit ?? 100))) else {
                return .notFound(.init(body: .json(Self.notFound)))
            }
            return .ok(.init(body: .json(Self.schema(roll))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func changeRoll(_ input: Operations.ChangeRoll.Input) async throws -> Operations.ChangeRoll.Output {
        let a = try caller
        guard case .json(let b) = input.body, let county = RegionCode.parse(b.regionCode), let month = YearMonth(b.month) else {
            return .badRequest(.init(body: .json(Self.error("badRequest", Self.placeExpected))))
        }
        do {
            switch b.step {
            case .build: try await rolls.build(county: county, month: month, by: a.actor)
            case .approve: try await rolls.advance(county: county, month: month, to: .approved, on: clock.today(), by: a.actor)
            case .paid:
                let day: CivilDate? = b.paidOn.map { CivilDate($0) } ?? clock.today()
                guard let day else { return .badRequest(.init(body: .json(Self.error("badRequest", Self.placeExpected)))) }
                try await rolls.advance(county: county, month: month, to: .paid, on: day, by: a.actor)
            }
            guard let roll = try await rolls.roll(county: county, month: month, by: a.actor, page: 0..<100) else { return .notFound(.init(body: .json(Self.notFound))) }
            return .ok(.init(body: .json(Self.schema(roll))))
        } catch { return try Self.refusal(error) }
    }

    static let placeExpected = Message("regionCode应为12位县级区划代码，month应为YYYY-MM", "regionCode is a 12-digit county code, month is YYYY-MM")

    static func schema(_ r: PaymentRollStore.Roll) -> Schemas.PaymentRoll {
        Schemas.PaymentRoll(regionCode: r.county.description, month: r.month.description, status: .init(rawValue: r.status.rawValue)!, lineCount: r.lineCount,
                            total: r.total, lines: r.lines.map {
                                .init(householdId: $0.householdID, headName: $0.headName, regionCode: $0.region.description, kind: $0.kind.rawValue,
                                      persons: $0.persons, months: $0.months, amount: $0.amount, bankAccount: $0.bankAccount)
                            })
    }
}

extension Operations.ChangeRoll.Output: StoreRefusals {}

extension APIHandlers {
    func getRoll(_ input: Operations.GetRoll.Input) async throws -> Operations.GetRoll.Output { try await rolls.getRoll(input) }
    func changeRoll(_ input: Operations.ChangeRoll.Input) async throws -> Operations.ChangeRoll.Output { try await rolls.changeRoll(input) }
}
