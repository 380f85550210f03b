import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation

/// Tokens and the caller's own account.
struct AccessAPI: APIPart {
    let users: UserStore
    let regions: RegionStore
    let limits: PublicLimits

    func createToken(_ input: Operations.CreateToken.Input) async throws -> Operations.CreateToken.Output {
        guard case .json(let c) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        let account: UserStore.Account
        switch try await limits.logIn(username: c.username, password: c.password, from: ClientAddress.current, users: users) {
        case .account(let a): account = a
        case .wrong: return .unauthorized(.init(body: .json(Self.error("unauthorized", Message("用户名或密码错误", "wrong username or password")))))
        case .tooMany: return .tooManyRequests(.init(body: .json(Self.tooMany)))
        }
        let session = try await users.startSession(for: account, kind: .api)
        return .ok(.init(body: .json(.init(token: session.token, expiresAt: session.expiresAt))))
    }

    func getMe(_ input: Operations.GetMe.Input) async throws -> Operations.GetMe.Output {
        let a = try caller
        let name = try await regions.region(a.region)?.name ?? "全国"
        return .ok(.init(body: .json(.init(username: a.username, role: a.role.rawValue, regionCode: a.region.description, regionName: name))))
    }
}

/// The operations of this capability, as the generated protocol names them.
extension APIHandlers {
    func createToken(_ input: Operations.CreateToken.Input) async throws -> Operations.CreateToken.Output { try await access.createToken(input) }
    func getMe(_ input: Operations.GetMe.Input) async throws -> Operations.GetMe.Output { try await access.getMe(input) }
}
