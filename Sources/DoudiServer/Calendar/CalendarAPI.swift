import DoudiAPI
import DoudiDomain
import DoudiStore
import Foundation

/// The working-day calendar of a region (R-MON-11): read by whoever may read the register, set by administrators.
struct CalendarAPI: APIPart {
    let calendar: CalendarStore
    let clock: Clock

    func getCalendar(_ input: Operations.GetCalendar.Input) async throws -> Operations.GetCalendar.Output {
        let a = try caller
        let region = input.query.region.flatMap(RegionCode.parse) ?? a.actor.region
        let year = input.query.year ?? clock.today().year
        do {
            let year = try await calendar.year(region: region, year: year, by: a.actor)
            return .ok(.init(body: .json(.init(
                region: region.description, year: year.year, workingDays: year.workingDays,
                days: year.days.map { .init(date: $0.day.date.description, kind: .init(rawValue: $0.day.kind.rawValue)!, title: $0.day.name,
                                            fromRegion: $0.source.description, own: $0.own) }))))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }

    func setCalendarDay(_ input: Operations.SetCalendarDay.Input) async throws -> Operations.SetCalendarDay.Output {
        let a = try caller
        guard case .json(let b) = input.body else { return .badRequest(.init(body: .json(Self.jsonExpected))) }
        guard let region = RegionCode.parse(b.region) else {
            return .unprocessableContent(.init(body: .json(Self.invalid([FieldProblem("region", .regionCodeDigits)]))))
        }
        switch CalendarDay.check(date: b.date, kind: b.kind, name: b.title) {
        case .failure(let p): return .unprocessableContent(.init(body: .json(Self.invalid(p.problems))))
        case .success(let day):
            do {
                try await calendar.set(region: region, day: day, by: a.actor)
                return .noContent(.init())
            } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden)))
            } catch StoreError.invalid(let p) { return .unprocessableContent(.init(body: .json(Self.invalid(p)))) }
        }
    }

    func removeCalendarDay(_ input: Operations.RemoveCalendarDay.Input) async throws -> Operations.RemoveCalendarDay.Output {
        let a = try caller
        guard let region = RegionCode.parse(input.query.region), let date = CivilDate(input.query.date) else {
            return .badRequest(.init(body: .json(Self.error("badRequest", .dayFormat, field: "date"))))
        }
        do {
            try await calendar.remove(region: region, date: date, by: a.actor)
            return .noContent(.init())
        } catch StoreError.notFound { return .notFound(.init(body: .json(Self.notFound)))
        } catch StoreError.forbidden { return .forbidden(.init(body: .json(Self.forbidden))) }
    }
}

extension RegionCode {
    /// A region as typed in an address or a body: its twelve digits, the country's twelve zeros included.
    static func parse(_ text: String) -> RegionCode? { text == RegionCode.country.description ? .country : RegionCode(text) }
}

/// The operations of this capability, as the generated protocol names them.
extension APIHandlers {
    func getCalendar(_ input: Operations.GetCalendar.Input) async throws -> Operations.GetCalendar.Output { try await calendar.getCalendar(input) }
    func setCalendarDay(_ input: Operations.SetCalendarDay.Input) async throws -> Operations.SetCalendarDay.Output { try await calendar.setCalendarDay(input) }
    func removeCalendarDay(_ input: Operations.RemoveCalendarDay.Input) async throws -> Operations.RemoveCalendarDay.Output { try await calendar.removeCalendarDay(input) }
}
