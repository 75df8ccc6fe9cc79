import CDNTopCore

/// Decides which endpoints are due and when the next round starts.
///
/// Each endpoint keeps its own cadence, but endpoints that share an interval stay in step:
/// they are due at the same instants, so every provider of a site is probed in the same
/// round, at the same moment, under the same network conditions. A round that runs late
/// skips the missed slots instead of firing a burst of catch-up rounds.
public struct RoundSchedule: Sendable {
    /// Endpoints due within this many seconds of now join the current round.
    static let tolerance = 0.05

    private let intervals: [Double]
    private var nextDue: [Double]

    /// `start` is the time of the first round, in seconds on any monotonic clock.
    public init(intervals: [Double], start: Double) {
        self.intervals = intervals
        self.nextDue = Array(repeating: start, count: intervals.count)
    }

    /// When the earliest endpoint is due.
    public var nextRoundTime: Double { nextDue.min() ?? .infinity }

    /// The indices of the endpoints due at `now`, and moves each of them to its next slot.
    public mutating func takeDue(at now: Double) -> [Int] {
        let due = nextDue.indices.filter { nextDue[$0] <= now + Self.tolerance }
        for index in due {
            let interval = intervals[index]
            let missed = ((now - nextDue[index]) / interval).rounded(.down)
            nextDue[index] += interval * (max(0, missed) + 1)
        }
        return due
    }
}
