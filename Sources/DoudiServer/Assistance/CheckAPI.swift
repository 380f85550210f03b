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
