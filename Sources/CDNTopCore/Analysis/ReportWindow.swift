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

    /// What one sparkline character stands for, in words.
    public var sparklineSlice: String {
        switch self {
        case .fiveMinutes, .hour: "1 minute"
        case .day: "1 hour"
        case .week: "3 hours"
        case .month: "1 day"
        }
    }

    /// The rollup bucket (seconds) a sparkline of this window reads, and how many buckets one
    /// sparkline character merges, so every sparkline has 24–60 characters: wide enough to show
    /// a trend, narrow enough for a GitHub code block. (Five minutes are five minute buckets:
    /// minutes are the finest rollup.)
    public var sparklineBuckets: (bucketSeconds: Int, perCharacter: Int) {
        switch self {
        case .fiveMinutes: (60, 1)     // 5 one-minute characters
        case .hour: (60, 1)        // 60 one-minute characters
        case .day: (3600, 1)       // 24 one-hour characters
        case .week: (3600, 3)      // 56 three-hour characters
        case .month: (86_400, 1)   // 30 one-day characters
        }
    }
}
