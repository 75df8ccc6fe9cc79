import Foundation

/// Everything a report says about one endpoint over a window, each figure with its counts.
public struct EndpointSummary: Sendable, Hashable {
    public var endpoint: StoredEndpoint
    /// The provider most of its responses were attributed to.
    public var provider: Provider?
    public var probes: Int
    public var ok: Int
    public var ttfb: LatencySummary?
    public var total: LatencySummary?
    public var phases: PhaseMedians?
    public var cache: CacheBreakdown
    /// POP codes by responses served, most first.
    public var pops: [Count<String>]
    public var httpVersions: [Count<String>]
    public var errors: [Count<ProbeErrorClass>]
    /// The TTFB sparkline's points, oldest first.
    public var series: [SparklinePoint]

    public var successRatio: Double? { probes > 0 ? Double(ok) / Double(probes) : nil }
    public var failed: Int { probes - ok }
}

/// A labelled count, sorted most first wherever a list of them is shown.
public struct Count<Label: Hashable & Sendable>: Sendable, Hashable {
    public var label: Label
    public var count: Int

    public init(_ label: Label, _ count: Int) {
        self.label = label
        self.count = count
    }

    /// Most first; ties in a stable order so reports do not reshuffle between runs.
    static func sorted(_ counts: [Label: Int], by order: (Label, Label) -> Bool) -> [Count] {
        counts.map { Count($0.key, $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : order($0.label, $1.label) }
    }
}

/// Median duration of each phase of the successful probes, in milliseconds.
public struct PhaseMedians: Sendable, Hashable {
    public var samples: Int
    public var dns: Double
    public var connect: Double
    public var tls: Double
    public var ttfb: Double
    public var transfer: Double

    init?(_ aggregate: ProbeAggregate) {
        func median(_ sketch: QuantileSketch) -> Double? { sketch.quantile(0.5).map { $0 / 1000 } }
        guard aggregate.okCount > 0, let dns = median(aggregate.dns), let connect = median(aggregate.connect),
              let tls = median(aggregate.tls), let ttfb = median(aggregate.ttfb),
              let transfer = median(aggregate.transfer) else { return nil }
        self.samples = aggregate.okCount
        self.dns = dns
        self.connect = connect
        self.tls = tls
        self.ttfb = ttfb
        self.transfer = transfer
    }
}

/// The cache verdicts behind a hit ratio, with the statuses that do not count shown apart.
public struct CacheBreakdown: Sendable, Hashable {
    public var counts: [CacheStatus: Int]
    /// Responses that reported no cache layer (an origin reached directly).
    public var uncached: Int

    public func count(_ status: CacheStatus) -> Int { counts[status, default: 0] }

    /// HIT + STALE + REVALIDATED.
    public var hits: Int { CacheStatus.allCases.filter(\.isHit).reduce(0) { $0 + count($1) } }
    /// The hit ratio's denominator: hits + MISS + EXPIRED.
    public var samples: Int { CacheStatus.allCases.filter(\.countsTowardHitRatio).reduce(0) { $0 + count($1) } }
    /// The hit ratio, hits over `samples`; nil when nothing counts towards it.
    public var hitRatio: Double? { samples > 0 ? Double(hits) / Double(samples) : nil }
}

/// One character of a sparkline: the median TTFB of the successful probes in its time slice,
/// and how many probes failed there, so failures are drawn as failures, never as fast zeros.
public struct SparklinePoint: Sendable, Hashable {
    public var start: Date
    public var p50: Double?
    public var probes: Int
    public var failed: Int

    public init(start: Date, p50: Double?, probes: Int, failed: Int) {
        self.start = start
        self.p50 = p50
        self.probes = probes
        self.failed = failed
    }
}
