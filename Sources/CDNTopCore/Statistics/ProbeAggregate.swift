/// What a set of probes adds up to, in a form that merges: the figures behind every table
/// cell, hit-ratio panel and sparkline point. Rollups store one per time bucket, and a window
/// is the merge of its buckets, so every figure keeps its exact sample count.
///
/// Latency figures (`timingSums`, `ttfb`, `total`) cover the successful probes only: a timeout
/// or a refused connection has no meaningful time to first byte, and averaging it in would
/// hide failures inside latency. Failures are counted in `errors` instead.
public struct ProbeAggregate: Sendable, Hashable {
    /// Probes of every outcome.
    public var count = 0
    /// Probes with `ok == true`: the sample count of every latency figure.
    public var okCount = 0
    /// Sums of each phase duration over the successful probes, in microseconds.
    public var timingSums = PhaseTimings.zero
    /// Time to first byte of the successful probes, in microseconds.
    public var ttfb = QuantileSketch()
    /// Total duration of the successful probes, in microseconds.
    public var total = QuantileSketch()
    /// Responses by cache verdict.
    public var cache: [CacheStatus: Int] = [:]
    /// Responses that reported no cache layer at all (an origin reached directly). Probes that
    /// got no response are not counted here: they say nothing about caching.
    public var uncached = 0
    /// Failed probes by error class.
    public var errors: [ProbeErrorClass: Int] = [:]
    /// Responses by HTTP version ("1.1", "2", "3").
    public var httpVersions: [String: Int] = [:]
    /// Responses by POP code.
    public var pops: [String: Int] = [:]
    /// Probes by the provider they were attributed to, so an endpoint without a configured
    /// provider can still be labelled from the data.
    public var providers: [Provider: Int] = [:]

    public init() {}

    /// Counts one probe.
    public mutating func add(_ probe: ProbeResult) {
        count += 1
        if probe.ok {
            okCount += 1
            timingSums = timingSums + probe.timings
            ttfb.add(Double(probe.timings.ttfb))
            total.add(Double(probe.timings.total))
        }
        if let error = probe.error { errors[error, default: 0] += 1 }
        if let provider = probe.provider { providers[provider, default: 0] += 1 }
        guard probe.status != nil else { return }
        if let cacheStatus = probe.cache {
            cache[cacheStatus, default: 0] += 1
        } else {
            uncached += 1
        }
        if let version = probe.httpVersion { httpVersions[version, default: 0] += 1 }
        if let pop = probe.pop { pops[pop, default: 0] += 1 }
    }

    /// Adds everything `other` counted, as if its probes had been added here.
    public mutating func merge(_ other: ProbeAggregate) {
        count += other.count
        okCount += other.okCount
        timingSums = timingSums + other.timingSums
        ttfb.merge(other.ttfb)
        total.merge(other.total)
        cache.merge(other.cache, uniquingKeysWith: +)
        uncached += other.uncached
        errors.merge(other.errors, uniquingKeysWith: +)
        httpVersions.merge(other.httpVersions, uniquingKeysWith: +)
        pops.merge(other.pops, uniquingKeysWith: +)
        providers.merge(other.providers, uniquingKeysWith: +)
    }

    /// Responses served from cache (HIT, STALE, REVALIDATED): the hit ratio's numerator.
    public var hits: Int {
        cache.reduce(0) { $0 + ($1.key.isHit ? $1.value : 0) }
    }

    /// Responses that count towards the hit ratio (hits, MISS, EXPIRED): its sample count.
    public var hitRatioSamples: Int {
        cache.reduce(0) { $0 + ($1.key.countsTowardHitRatio ? $1.value : 0) }
    }

    /// DESIGN.md's hit ratio, nil when no response counts towards it.
    public var hitRatio: Double? {
        let samples = hitRatioSamples
        return samples > 0 ? Double(hits) / Double(samples) : nil
    }

    /// The mean of one phase over the successful probes in microseconds, nil when none.
    public func meanMicroseconds(_ phase: KeyPath<PhaseTimings, Int64>) -> Double? {
        okCount > 0 ? Double(timingSums[keyPath: phase]) / Double(okCount) : nil
    }
}
