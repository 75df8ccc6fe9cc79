import Foundation

/// What a content type is, coarsely: the classes the real-traffic figures are broken down by.
/// A hit ratio per class tells "the images are cached, the HTML is not" apart from one number.
public enum ContentClass: String, CaseIterable, Sendable, Codable, Hashable {
    case html
    case cssJS = "css/js"
    case image
    case audioVideo = "audio/video"
    case font
    case jsonXML = "json/xml"
    case other
}

/// The cache verdicts of a set of requests, counted in cdntop's vocabulary; `uncached` counts
/// the requests that reported no cache status at all (nil). The hit ratio has the probes'
/// definition: (HIT + STALE + REVALIDATED) over those plus MISS and EXPIRED.
public struct CacheTally: Sendable, Hashable, Codable {
    public private(set) var counts: [CacheStatus: Int64] = [:]
    public private(set) var uncached: Int64 = 0

    public init() {}

    public mutating func add(_ status: CacheStatus?, count: Int64 = 1) {
        if let status { counts[status, default: 0] += count } else { uncached += count }
    }

    public mutating func merge(_ other: CacheTally) {
        counts.merge(other.counts, uniquingKeysWith: +)
        uncached += other.uncached
    }

    public func count(_ status: CacheStatus) -> Int64 { counts[status] ?? 0 }
    public var requests: Int64 { counts.values.reduce(uncached, +) }
    public var hits: Int64 { counts.reduce(0) { $0 + ($1.key.isHit ? $1.value : 0) } }
    /// MISS and EXPIRED: fetched from the origin when the cache should have answered.
    public var misses: Int64 { count(.miss) + count(.expired) }
    /// The hit ratio's denominator.
    public var hitRatioSamples: Int64 { counts.reduce(0) { $0 + ($1.key.countsTowardHitRatio ? $1.value : 0) } }
    public var hitRatio: Double? {
        let samples = hitRatioSamples
        return samples > 0 ? Double(hits) / Double(samples) : nil
    }
}

/// One minute of real traffic of one site through one provider, as read from its access logs:
/// counts only, never lines. No client IP, user agent or query string is in here, by design.
///
/// Minutes merge (`merge`) into hours, days and windows; every field is a count or a mergeable
/// sketch, so a window's figures are the same however its minutes are grouped.
public struct TrafficMinute: Sendable, Hashable {
    /// Which site and provider, and the minute: seconds since 1970 UTC, a multiple of 60.
    public var site: String
    public var provider: Provider?
    public var minute: Int64

    public var cache = CacheTally()
    public var bytes: Int64 = 0
    /// Per content class, its requests' cache verdicts.
    public var byContent: [ContentClass: CacheTally] = [:]
    /// Requests per HTTP version, spelled "1.0", "1.1", "2", "3".
    public var byHTTPVersion: [String: Int64] = [:]
    /// Requests per status class: 1…5 for 1xx…5xx, 0 when the log had no valid status.
    public var byStatusClass: [Int: Int64] = [:]
    /// Requests per POP, as the provider names it (sanitized).
    public var byPOP: [String: Int64] = [:]
    /// Time to first byte in ms, where the log format has one.
    public var ttfb = QuantileSketch()
    /// The paths (without query strings) that missed most: bounded, approximate counts.
    public var topMisses = HeavyHitters()
    /// Lines of this source that could not be read, counted in the minute of the last line
    /// before them that could (so a window's malformed count travels with its traffic).
    public var malformedLines: Int64 = 0

    public init(site: String, provider: Provider?, minute: Int64) {
        self.site = site
        self.provider = provider
        self.minute = minute
    }

    public var requests: Int64 { cache.requests }

    /// Adds many aggregates at once: as `merge` one by one, with the top-misses sketches
    /// merged in one step (`HeavyHitters.merging`), which is what makes rolling a day of
    /// minutes up cheap.
    public mutating func merge(contentsOf others: some Sequence<TrafficMinute>) {
        var sketches = [topMisses]
        for var other in others {
            sketches.append(other.topMisses)
            other.topMisses = HeavyHitters()
            merge(other)
        }
        topMisses = HeavyHitters.merging(sketches)
    }

    /// Adds another aggregate's counts (any site, provider or minute: the caller groups).
    public mutating func merge(_ other: TrafficMinute) {
        cache.merge(other.cache)
        bytes += other.bytes
        byContent.merge(other.byContent) { var merged = $0; merged.merge($1); return merged }
        byHTTPVersion.merge(other.byHTTPVersion, uniquingKeysWith: +)
        byStatusClass.merge(other.byStatusClass, uniquingKeysWith: +)
        byPOP.merge(other.byPOP, uniquingKeysWith: +)
        ttfb.merge(other.ttfb)
        topMisses.merge(other.topMisses)
        malformedLines += other.malformedLines
    }
}
