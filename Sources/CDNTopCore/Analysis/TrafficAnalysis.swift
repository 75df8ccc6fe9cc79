import Foundation

/// Which traffic a window's real-traffic analysis reads: the window ending now, the one
/// before it (for change detection), and the bucket length of its series. Pure, so the
/// screen and the report read the same buckets for the same window.
public struct TrafficPlan: Sendable, Hashable {
    public var window: ReportWindow
    public var since: Date
    public var until: Date
    /// The start of the previous window: the series covers `[seriesSince, until)`.
    public var seriesSince: Date
    /// Minutes for windows up to an hour, hours beyond: changes are located to the minute
    /// or to the hour, and a 30-day series is 1,440 buckets per provider, not 86,400.
    public var bucketSeconds: Int64

    public init(window: ReportWindow, until: Date) {
        self.window = window
        self.until = until
        since = until.addingTimeInterval(-window.seconds)
        seriesSince = until.addingTimeInterval(-2 * window.seconds)
        bucketSeconds = window.seconds <= 3600 ? 60 : 3600
    }
}

/// One provider's real hit ratio from its access logs beside the probes' hit ratio of the
/// site's endpoints it served, each with its own n: the probe keeps its page warm, the
/// logs say what users got.
public struct ProviderTraffic: Sendable, Hashable {
    public var provider: Provider?
    /// Nil when the logs hold nothing of this provider in the window (it was only probed).
    public var real: CacheTally?
    /// The probes' verdicts of the CDN endpoints this provider served (successful probes
    /// only, as everywhere), nil when none was probed.
    public var probes: CacheBreakdown?
    /// Those endpoints, by name.
    public var endpoints: [String]
}

/// One content class's requests and hit ratio.
public struct ContentTraffic: Sendable, Hashable {
    public var content: ContentClass
    public var cache: CacheTally
}

/// Misses in one slice of the window, for the sparkline.
public struct MissSlice: Sendable, Hashable {
    public var start: Date
    public var requests: Int64
    public var misses: Int64
}

/// What a site's CDN access logs say over a window: the figures the traffic view draws and the
/// report's "Real traffic" section prints, from one analysis so they cannot disagree.
public struct TrafficAnalysis: Sendable, Hashable {
    public var site: String
    public var plan: TrafficPlan
    /// Every provider's minutes of the window merged.
    public var total: TrafficMinute
    /// The providers with traffic (most requests first), then those only probed.
    public var providers: [ProviderTraffic]
    /// Most requests first.
    public var byContent: [ContentTraffic]
    /// In version order: "1.0", "1.1", "2", "3" (others after).
    public var httpVersions: [Count<String>]
    /// The window's misses, oldest slice first, all providers together.
    public var misses: [MissSlice]
    /// What one slice covers, in seconds.
    public var sliceSeconds: Int64
    /// The paths that missed most (approximate: see `topMissesError`), most first.
    public var topMisses: [Count<String>]
    /// How much any of those counts may exceed the truth (the heavy-hitters sketch's bound).
    public var topMissesError: Int64
    /// Step changes against the previous window, newest first.
    public var changes: [TrafficChange]

    public var requests: Int64 { total.requests }
    public var malformedLines: Int64 { total.malformedLines }
    /// No line of the logs in the window, read or malformed: nothing was ingested for it.
    public var isEmpty: Bool { total.requests == 0 && total.malformedLines == 0 }

    /// The miss slices as sparkline points: a slice without requests is a gap, not a zero.
    public var missPoints: [SparklinePoint] {
        misses.map { SparklinePoint(start: $0.start, p50: $0.requests > 0 ? Double($0.misses) : nil, probes: 0, failed: 0) }
    }

    /// From zero to a round number above the most misses of a slice; nil without requests.
    public var missScale: ChartScale? {
        ChartScale(fitting: [missPoints]).map { ChartScale(low: 0, high: max($0.high, 1)) }
    }

    /// The misses sparkline's characters.
    public var missSparkline: String {
        missScale.map { Sparkline.render(missPoints, scale: $0) } ?? ""
    }
}

/// Builds a `TrafficAnalysis` from the store's traffic minutes. Pure, like `SiteAnalyzer`.
public enum TrafficAnalyzer {
    /// Top missing paths listed.
    public static let topMissesShown = 10
    /// HTTP versions in the order a split bar draws them.
    public static let versionOrder = ["1.0", "1.1", "2", "3"]

    /// `window`: the store's merged minutes of `plan.since..<plan.until` per provider;
    /// `series`: its `plan.bucketSeconds` buckets per provider over `plan.seriesSince..<plan.until`;
    /// `probes`: the site's probe analysis of the same window, for the synthetic hit ratios;
    /// `maxSlices`: the most slices the misses sparkline may have.
    public static func analyze(site: String, plan: TrafficPlan, window: [TrafficMinute], series: [TrafficMinute],
                               probes: SiteAnalysis?, maxSlices: Int) -> TrafficAnalysis {
        let ofSite = window.filter { $0.site == site }
        var total = TrafficMinute(site: site, provider: nil, minute: Int64(plan.since.timeIntervalSince1970))
        for minute in ofSite { total.merge(minute) }
        let seriesOfSite = series.filter { $0.site == site }
        let sliceSeconds = plan.bucketSeconds * max(1, Int64((plan.window.seconds / Double(plan.bucketSeconds) / Double(max(1, maxSlices))).rounded(.up)))
        return TrafficAnalysis(
            site: site, plan: plan, total: total,
            providers: providers(ofSite, probes: probes),
            byContent: total.byContent.map { ContentTraffic(content: $0.key, cache: $0.value) }
                .filter { $0.cache.requests > 0 }
                .sorted { $0.cache.requests != $1.cache.requests ? $0.cache.requests > $1.cache.requests : rank($0.content) < rank($1.content) },
            httpVersions: total.byHTTPVersion.filter { $0.value > 0 }.map { Count($0.key, Int($0.value)) }
                .sorted { versionRank($0.label) != versionRank($1.label) ? versionRank($0.label) < versionRank($1.label) : $0.label < $1.label },
            misses: slices(seriesOfSite, plan: plan, sliceSeconds: sliceSeconds),
            sliceSeconds: sliceSeconds,
            topMisses: total.topMisses.top(topMissesShown).map { Count(Sanitizer.clean($0.key), Int($0.count)) },
            topMissesError: total.topMisses.error,
            changes: TrafficChangeDetector.changes(series: seriesOfSite, bucketSeconds: plan.bucketSeconds,
                                                   windowSeconds: plan.window.seconds, until: plan.until))
    }

    private static func providers(_ minutes: [TrafficMinute], probes: SiteAnalysis?) -> [ProviderTraffic] {
        var real: [Provider?: CacheTally] = [:]
        for minute in minutes { real[minute.provider, default: CacheTally()].merge(minute.cache) }
        // The probes' side: CDN endpoints (not the origin) with a successful probe, by provider.
        var probed: [Provider?: (CacheBreakdown, [String])] = [:]
        for summary in probes?.endpoints ?? [] where !summary.endpoint.isOrigin && summary.ok > 0 && summary.provider != nil {
            var (cache, names) = probed[summary.provider] ?? (CacheBreakdown(counts: [:], uncached: 0), [])
            cache.counts.merge(summary.cache.counts, uniquingKeysWith: +)
            cache.uncached += summary.cache.uncached
            probed[summary.provider] = (cache, names + [summary.endpoint.name])
        }
        let logged = real.sorted { a, b in
            a.value.requests != b.value.requests ? a.value.requests > b.value.requests : name(a.key) < name(b.key)
        }.map { ProviderTraffic(provider: $0.key, real: $0.value, probes: probed[$0.key]?.0, endpoints: probed[$0.key]?.1 ?? []) }
        let onlyProbed = probed.filter { real[$0.key] == nil }.sorted { name($0.key) < name($1.key) }
            .map { ProviderTraffic(provider: $0.key, real: nil, probes: $0.value.0, endpoints: $0.value.1) }
        return logged + onlyProbed
    }

    /// The window's buckets merged into slices of `sliceSeconds` on the UTC clock, every
    /// slice of the window present (a slice without requests has zero of them).
    private static func slices(_ series: [TrafficMinute], plan: TrafficPlan, sliceSeconds: Int64) -> [MissSlice] {
        let first = TrafficChangeDetector.floor(Int64(plan.since.timeIntervalSince1970.rounded(.down)), sliceSeconds)
        let end = Int64(plan.until.timeIntervalSince1970.rounded(.up))
        guard end > first else { return [] }
        let count = Int((end - 1 - first) / sliceSeconds) + 1
        var slices = (0..<count).map {
            MissSlice(start: Date(timeIntervalSince1970: TimeInterval(first + Int64($0) * sliceSeconds)), requests: 0, misses: 0)
        }
        for bucket in series where bucket.minute >= first && bucket.minute < end {
            let index = Int((bucket.minute - first) / sliceSeconds)
            slices[index].requests += bucket.requests
            slices[index].misses += bucket.cache.misses
        }
        return slices
    }

    private static func name(_ provider: Provider?) -> String { provider?.rawValue ?? "~" }

    private static func rank(_ content: ContentClass) -> Int { ContentClass.allCases.firstIndex(of: content) ?? 0 }

    private static func versionRank(_ version: String) -> Int { versionOrder.firstIndex(of: version) ?? versionOrder.count }
}
