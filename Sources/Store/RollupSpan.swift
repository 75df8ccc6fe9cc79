import Foundation

/// The bucket lengths rollups are kept at. Buckets are aligned to the Unix epoch, so days are
/// UTC days: a window never depends on the time zone of the machine that wrote the rows.
public enum RollupSpan: Int64, CaseIterable, Sendable {
    case minute = 60
    case hour = 3600
    case day = 86_400

    public var seconds: Int64 { rawValue }

    /// The start of the bucket holding `seconds` (rounds towards the past, also before 1970).
    package func floor(_ seconds: Int64) -> Int64 {
        let remainder = seconds % self.seconds
        return seconds - (remainder < 0 ? remainder + self.seconds : remainder)
    }

    /// The first bucket start at or after `seconds`.
    package func ceil(_ seconds: Int64) -> Int64 {
        let start = floor(seconds)
        return start == seconds ? start : start + self.seconds
    }

    /// The start (seconds since 1970) of the bucket holding `microseconds` since 1970.
    package func bucket(ofMicroseconds microseconds: Int64) -> Int64 {
        let secondsOfBucket = self.seconds * 1_000_000
        let remainder = microseconds % secondsOfBucket
        let start = microseconds - (remainder < 0 ? remainder + secondsOfBucket : remainder)
        return start / 1_000_000
    }
}

extension Date {
    /// Whole seconds since 1970: `.down` for the start of a window, `.up` for its end, so
    /// the window never loses a fraction of a second at either edge.
    package func secondsSince1970(rounded rule: FloatingPointRoundingRule) -> Int64 {
        Int64(timeIntervalSince1970.rounded(rule))
    }
}
