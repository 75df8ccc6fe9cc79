/// The windows a report or the UI can cover, ending now.
public enum ReportWindow: String, CaseIterable, Sendable, Codable {
    /// The incident view: what is happening right now.
    case fiveMinutes = "5m"
    case hour = "1h"
    case day = "24h"
    case week = "7d"
    case month = "30d"

    public var seconds: Double {
        switch self {
        case .fiveMinutes: 300
        case .hour: 3600
        case .day: 86_400
        case .week: 7 * 86_400
        case .month: 30 * 86_400
        }
    }

    /// "last 24 h", as titles and sentences say it.
    public var phrase: String {
        switch self {
        case .fiveMinutes: "last 5 minutes"
        case .hour: "last hour"
        case .day: "last 24 hours"
        case .week: "last 7 days"
        case .month: "last 30 days"
        }
    }
}
