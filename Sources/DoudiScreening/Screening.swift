import DoudiDomain

/// One screening run of `specs/screening.md` (部门筛查预警): department feeds joined to the register,
/// the households that must be verified on the spot. Pure: bytes in, result out.
public enum Screening {
    public struct Parameters: Sendable, Hashable {
        public var asOf: CivilDate
        public var monitoringLine: Int64 = 7_100
        public var medicalThreshold: Int64 = 10_000
        public var disasterThreshold: Int64 = 10_000
        public init(asOf: CivilDate, monitoringLine: Int64 = 7_100, medicalThreshold: Int64 = 10_000, disasterThreshold: Int64 = 10_000) {
            self.asOf = asOf; self.monitoringLine = monitoringLine
            self.medicalThreshold = medicalThreshold; self.disasterThreshold = disasterThreshold
        }
        /// The window: the 365 days ending on `asOf`.
        var windowStart: Int32 { Int32(asOf.daysSinceEpoch - 364) }
        var windowEnd: Int32 { Int32(asOf.daysSinceEpoch) }
    }

    /// The monitored type a listed household is proposed for (R-MON-2).
    public typealias Category = MonitoringType
    public typealias Signal = ScreeningSignal
    public typealias Flagged = ScreeningFinding

    /// The input files, by the name the spec gives them (without `.csv`).
    public enum File: String, Sendable, CaseIterable {
        case households, members, medical, unemployment, disaster, death, disability
        public var columns: [String] {
            switch self {
            case .households: ["household_id", "region_code", "poverty_status", "dibao", "income_per_capita"]
            case .members: ["resident_id", "household_id", "relation", "labor_ability"]
            case .medical: ["resident_id", "date", "total_cost", "out_of_pocket"]
            case .unemployment, .death: ["resident_id", "date"]
            case .disaster: ["resident_id", "date", "loss"]
            case .disability: ["resident_id", "date", "grade"]
            }
        }
        public static var feeds: [File] { [.medical, .unemployment, .disaster, .death, .disability] }
    }

    public struct Result: Sendable {
        public var parameters: Parameters
        public var householdsRead = 0
        public var householdsWithoutMembers = 0
        public var membersWithoutHousehold = 0
        /// Sorted by household id, byte order.
        public var flagged: [Flagged] = []
        public var unmatched: [File: Int] = [:]
        public var rejectedLines: [File: [Int]] = [:]

        public var byCategory: [Category: Int] {
            var out: [Category: Int] = [:]
            for c in Category.allCases { out[c] = 0 }
            for f in flagged { out[f.category, default: 0] += 1 }
            return out
        }

        public var bySignal: [Signal: Int] {
            var out: [Signal: Int] = [:]
            for s in Signal.allCases { out[s] = 0 }
            for f in flagged { for s in f.signals { out[s, default: 0] += 1 } }
            return out
        }

        /// `flagged.csv` as the spec writes it.
        public var flaggedCSV: [UInt8] {
            var out = Array("household_id,region_code,category,risk_kinds,adjusted_income_per_capita\n".utf8)
            out.reserveCapacity(flagged.count * 64)
            for f in flagged {
                out += f.householdID.utf8; out.append(44)
                out += f.regionCode.utf8; out.append(44)
                out += f.category.rawValue.utf8; out.append(44)
                out += f.signals.map(\.rawValue).joined(separator: "|").utf8; out.append(44)
                out += f.adjusted.utf8; out.append(10)
            }
            return out
        }

        /// The summary as JSON, keys sorted, the layout of `screening-sample/expected-summary.json`.
        public var summaryJSON: String {
            func obj(_ pairs: [(String, String)], indent: Int) -> String {
                let pad = String(repeating: " ", count: indent + 1)
                let end = String(repeating: " ", count: indent)
                return "{\n" + pairs.sorted { $0.0 < $1.0 }.map { "\(pad)\"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n\(end)}"
            }
            func list(_ v: [Int], indent: Int) -> String {
                guard !v.isEmpty else { return "[]" }
                let pad = String(repeating: " ", count: indent + 1)
                return "[\n" + v.map { "\(pad)\($0)" }.joined(separator: ",\n") + "\n" + String(repeating: " ", count: indent) + "]"
            }
            let rejected = File.allCases.map { f -> (String, String) in
                let lines = rejectedLines[f] ?? []
                return (f.rawValue, obj([("count", String(lines.count)), ("lines", list(lines, indent: 3))], indent: 2))
            }
            return obj([
                ("as_of", "\"\(parameters.asOf)\""),
                ("by_category", obj(byCategory.map { ($0.key.rawValue, String($0.value)) }, indent: 1)),
                ("by_risk_kind", obj(bySignal.map { ($0.key.rawValue, String($0.value)) }, indent: 1)),
                ("households_without_members", String(householdsWithoutMembers)),
                ("households_read", String(householdsRead)),
                ("listed", String(flagged.count)),
                ("members_without_household", String(membersWithoutHousehold)),
                ("parameters", obj([("monitoring_line", String(parameters.monitoringLine)), ("medical_threshold", String(parameters.medicalThreshold)),
                                    ("disaster_threshold", String(parameters.disasterThreshold))], indent: 1)),
                ("rejected", obj(rejected, indent: 1)),
                ("unmatched", obj(File.feeds.map { ($0.rawValue, String(unmatched[$0] ?? 0)) }, indent: 1)),
            ], indent: 0) + "\n"
        }
    }

    /// A run that cannot go on: a repeated key, a missing file or column.
    public struct InputError: Error, Sendable, CustomStringConvertible {
        public var message: Message
        public var description: String { message.description }
    }

    /// `adjusted = (numerator / n)` with two decimals, rounded half away from zero; `-0.00` is `0.00`.
    public static func twoDecimals(numerator: Int64, n: Int64) -> String {
        let negative = numerator < 0
        let a = numerator.magnitude
        let cents = (a * 200 + n.magnitude) / (2 * n.magnitude)
        let whole = cents / 100, frac = cents % 100
        let s = "\(whole).\(frac < 10 ? "0" : "")\(frac)"
        return negative && cents > 0 ? "-" + s : s
    }
}
