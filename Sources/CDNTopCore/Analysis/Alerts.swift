import Foundation

/// The lines an endpoint must stay within, from the config (an endpoint's own keys over its
/// site's defaults). Latency limits are on time to first byte of the successful probes, the
/// figure the endpoint table shows; each limit needs `minProbes` samples before it can fire,
/// so one slow probe pages nobody.
public struct AlertThresholds: Sendable, Hashable {
    /// Highest TTFB p95, in seconds.
    public var maxP95: Double?
    /// Highest TTFB average, in seconds.
    public var maxAvg: Double?
    /// Lowest cache hit ratio, 0…1.
    public var minHitRatio: Double?
    /// Highest share of failed probes, 0…1.
    public var maxErrorRate: Double?
    /// How far back each figure looks, in seconds (whole minutes: rollups are per minute).
    public var window: Double
    /// Samples a figure needs before its limit can fire.
    public var minProbes: Int

    public static let defaultWindow = 300.0
    public static let defaultMinProbes = 10

    public init(maxP95: Double? = nil, maxAvg: Double? = nil, minHitRatio: Double? = nil, maxErrorRate: Double? = nil,
                window: Double = AlertThresholds.defaultWindow, minProbes: Int = AlertThresholds.defaultMinProbes) {
        self.maxP95 = maxP95
        self.maxAvg = maxAvg
        self.minHitRatio = minHitRatio
        self.maxErrorRate = maxErrorRate
        self.window = window
        self.minProbes = minProbes
    }

    /// Whether any limit is set: an endpoint without one is never evaluated.
    public var isEmpty: Bool { limits.isEmpty }

    /// The limits that are set, in `AlertKind` order.
    public var limits: [(kind: AlertKind, limit: Double)] {
        AlertKind.allCases.compactMap { kind in limit(kind).map { (kind, $0) } }
    }

    public func limit(_ kind: AlertKind) -> Double? {
        switch kind {
        case .maxP95: maxP95
        case .maxAvg: maxAvg
        case .minHitRatio: minHitRatio
        case .maxErrorRate: maxErrorRate
        }
    }
}

/// One kind of threshold; the raw values are the config keys (and the metrics' labels).
public enum AlertKind: String, Sendable, Hashable, CaseIterable, Comparable {
    case maxP95 = "max_p95"
    case maxAvg = "max_avg"
    case minHitRatio = "min_hit_ratio"
    case maxErrorRate = "max_error_rate"

    public static func < (lhs: AlertKind, rhs: AlertKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// "p95", "avg", "hit ratio", "error rate": how lines and reports name the figure.
    public var figure: String {
        switch self {
        case .maxP95: "p95"
        case .maxAvg: "avg"
        case .minHitRatio: "hit ratio"
        case .maxErrorRate: "error rate"
        }
    }

    /// Whether a larger figure is the worse one (latency, errors) or a smaller (hit ratio).
    public var higherIsWorse: Bool { self != .minHitRatio }

    /// The figure and its sample count in `aggregate`, nil when it has no sample. Latencies
    /// are in seconds, ratios 0…1.
    public func reading(_ aggregate: ProbeAggregate) -> (value: Double, n: Int)? {
        switch self {
        case .maxP95:
            aggregate.ttfb.quantile(0.95).map { ($0 / 1_000_000, aggregate.okCount) }
        case .maxAvg:
            aggregate.meanMicroseconds(\.ttfb).map { ($0 / 1_000_000, aggregate.okCount) }
        case .minHitRatio:
            aggregate.hitRatio.map { ($0, aggregate.hitRatioSamples) }
        case .maxErrorRate:
            aggregate.count > 0 ? (Double(aggregate.count - aggregate.okCount) / Double(aggregate.count), aggregate.count) : nil
        }
    }

    /// Whether `value` is over (or, for the hit ratio, under) `limit`. Equal is within.
    public func breaches(_ value: Double, limit: Double) -> Bool {
        higherIsWorse ? value > limit : value < limit
    }

    /// The figure as lines show it: "1,215 ms", "42.0%".
    public func text(_ value: Double) -> String {
        switch self {
        case .maxP95, .maxAvg:
            let ms = value * 1000
            return (ms >= 1000 ? NumberText.count(Int(ms.rounded())) : NumberText.milliseconds(ms)) + " ms"
        case .minHitRatio, .maxErrorRate:
            return NumberText.percent(value)
        }
    }
}

/// A figure that crossed its line at one moment: what, by how much, on how many samples.
public struct AlertReading: Sendable, Hashable {
    public var endpoint: String
    public var kind: AlertKind
    public var limit: Double
    public var value: Double
    public var n: Int
    /// The thresholds' window, in seconds, for "(n=42, 5m)".
    public var window: Double

    public init(endpoint: String, kind: AlertKind, limit: Double, value: Double, n: Int, window: Double) {
        self.endpoint = endpoint
        self.kind = kind
        self.limit = limit
        self.value = value
        self.n = n
        self.window = window
    }

    /// "p95 1,215 ms > 800 ms (n=42, 5m)".
    public var text: String {
        "\(kind.figure) \(kind.text(value)) \(kind.higherIsWorse ? ">" : "<") \(kind.text(limit))"
            + " (n=\(NumberText.count(n)), \(HumanDuration.format(seconds: window)))"
    }

    /// Whether `other` is a worse figure of the same kind.
    func isWorse(than other: AlertReading) -> Bool {
        kind.higherIsWorse ? value > other.value : value < other.value
    }
}

/// One breach from the moment a figure crossed its line to the moment it came back (nil:
/// still breaching), with the worst figure on the way.
public struct AlertEpisode: Sendable, Hashable {
    public var endpoint: String
    public var kind: AlertKind
    /// The end of the first window that breached (a minute edge).
    public var start: Date
    /// The end of the first window back within the line, or with too few samples to say; nil
    /// while the breach lasts.
    public var end: Date?
    public var worst: AlertReading
    /// The newest breaching figure.
    public var latest: AlertReading

    public var isOngoing: Bool { end == nil }

    public init(endpoint: String, kind: AlertKind, start: Date, end: Date?, worst: AlertReading, latest: AlertReading) {
        self.endpoint = endpoint
        self.kind = kind
        self.start = start
        self.end = end
        self.worst = worst
        self.latest = latest
    }
}

/// What the alerts of a site's window are: none configured (no config given, or no limits
/// in it for this site's endpoints), or the breaches found.
public struct AlertSummary: Sendable, Hashable {
    /// Nil when no threshold is configured for any of the site's endpoints.
    public var thresholds: [String: AlertThresholds]?
    /// Every breach that overlaps the window, oldest first.
    public var episodes: [AlertEpisode]

    public static let notConfigured = AlertSummary(thresholds: nil, episodes: [])

    public init(thresholds: [String: AlertThresholds]?, episodes: [AlertEpisode]) {
        self.thresholds = thresholds
        self.episodes = episodes
    }

    /// The breaches lasting now: the header's count.
    public var firing: [AlertEpisode] { episodes.filter(\.isOngoing) }

    /// Whether `kind` is breaching now for `endpoint`: the panels mark that figure.
    public func isFiring(_ endpoint: String, _ kind: AlertKind) -> Bool {
        episodes.contains { $0.isOngoing && $0.endpoint == endpoint && $0.kind == kind }
    }
}

/// Threshold evaluation, pure: from per-minute aggregates to readings and breach episodes.
///
/// Breaches are derived, not stored: at the end of every minute the figure over the preceding
/// `window` of whole minute buckets is compared with its line. The UI, the report and the
/// agent's metrics all run this over the same rollups, so they agree on when a breach began
/// and ended, a report of last night shows last night's breaches without anybody having
/// watched, and there is no second record to keep consistent with the probes or to prune.
/// The price is that the minute in progress is not judged until it ends: a breach shows up
/// to a minute late, but one that showed never vanishes from the history (a partial minute
/// judged early could breach on its first slow probes and then, complete, not breach at all).
public enum AlertRules {
    /// The limits `aggregate` breaches, each with enough samples.
    public static func breaches(endpoint: String, _ aggregate: ProbeAggregate,
                                thresholds: AlertThresholds) -> [AlertReading] {
        thresholds.limits.compactMap { kind, limit in
            guard let (value, n) = kind.reading(aggregate), n >= thresholds.minProbes,
                  kind.breaches(value, limit: limit) else { return nil }
            return AlertReading(endpoint: endpoint, kind: kind, limit: limit, value: value, n: n, window: thresholds.window)
        }
    }

    /// The first second a window ending at the minute edge `end` covers: `window` whole
    /// minutes (rounded up) before it. Minute-aligned, so it is the start of a rollup bucket.
    public static func windowStart(endingAt end: Date, window: Double) -> Date {
        let minute = (end.timeIntervalSince1970 / 60).rounded(.down) * 60
        return Date(timeIntervalSince1970: minute - (window / 60).rounded(.up) * 60)
    }

    /// Every breach judged at a minute end in `[since, now]`, oldest first; one still open at
    /// the last of them is ongoing. `series` holds each endpoint's minute buckets from at least
    /// the longest window before `since` up to `now`.
    public static func episodes(series: [String: [SeriesPoint]], thresholds: [String: AlertThresholds],
                                since: Date, now: Date) -> [AlertEpisode] {
        var episodes: [AlertEpisode] = []
        for (endpoint, limits) in thresholds.sorted(by: { $0.key < $1.key }) where !limits.isEmpty {
            let points = series[endpoint] ?? []
            var open: [AlertKind: AlertEpisode] = [:]
            for moment in evaluationMoments(points, window: limits.window, since: since, now: now) {
                let aggregate = merged(points, from: windowStart(endingAt: moment, window: limits.window), to: moment)
                let breaching = Dictionary(uniqueKeysWithValues: breaches(endpoint: endpoint, aggregate, thresholds: limits)
                    .map { ($0.kind, $0) })
                for (kind, reading) in breaching {
                    if var episode = open[kind] {
                        if reading.isWorse(than: episode.worst) { episode.worst = reading }
                        episode.latest = reading
                        open[kind] = episode
                    } else {
                        open[kind] = AlertEpisode(endpoint: endpoint, kind: kind, start: moment, end: nil,
                                                  worst: reading, latest: reading)
                    }
                }
                for (kind, var episode) in open where breaching[kind] == nil {
                    episode.end = moment
                    episodes.append(episode)
                    open[kind] = nil
                }
            }
            episodes += open.values.sorted { $0.kind < $1.kind }
        }
        return episodes.sorted { ($0.start, $0.endpoint, $0.kind) < ($1.start, $1.endpoint, $1.kind) }
    }

    /// The minute ends in `[since, now]` whose window holds a probe. A window without probes
    /// cannot breach, and the first minute end after a stretch of them closes whatever was open.
    private static func evaluationMoments(_ points: [SeriesPoint], window: Double, since: Date, now: Date) -> [Date] {
        let reach = (window / 60).rounded(.up) * 60
        var moments = Set<TimeInterval>()
        let first = since.timeIntervalSince1970
        let last = now.timeIntervalSince1970
        for point in points {
            // The bucket [start, start + 60) sits in the windows of the minute ends after it,
            // up to `reach` later; one more end shows it gone.
            var end = point.start.timeIntervalSince1970 + 60
            while end <= point.start.timeIntervalSince1970 + 60 + reach {
                if end >= first, end <= last { moments.insert(end) }
                end += 60
            }
        }
        return moments.sorted().map { Date(timeIntervalSince1970: $0) }
    }

    /// The buckets starting in `[from, to)`, merged; `points` are oldest first.
    private static func merged(_ points: [SeriesPoint], from: Date, to: Date) -> ProbeAggregate {
        var low = 0
        var high = points.count
        while low < high {
            let middle = (low + high) / 2
            if points[middle].start < from { low = middle + 1 } else { high = middle }
        }
        var aggregate = ProbeAggregate()
        for point in points[low...] {
            guard point.start < to else { break }
            aggregate.merge(point.aggregate)
        }
        return aggregate
    }
}

extension AlertEpisode {
    /// "p95 1,215 ms > 800 ms (n=42, 5m) since 21:34": a breach still lasting, by its newest
    /// figure (clock in UTC, as every event).
    public var firingText: String {
        latest.text + " since " + EventClock.text(start).prefix(5)
    }

    /// "p95 > 800 ms, worst 1,215 ms (n=42, 5m)": a breach that has ended, at its start.
    public var startedText: String {
        "\(kind.figure) \(kind.higherIsWorse ? ">" : "<") \(kind.text(worst.limit)), worst \(kind.text(worst.value))"
            + " (n=\(NumberText.count(worst.n)), \(HumanDuration.format(seconds: worst.window)))"
    }

    /// "p95 back within 800 ms after 12m": the recovery, nil while the breach lasts.
    public var recoveredText: String? {
        end.map { "\(kind.figure) back within \(kind.text(worst.limit)) after \(HumanDuration.format(seconds: $0.timeIntervalSince(start)))" }
    }
}
