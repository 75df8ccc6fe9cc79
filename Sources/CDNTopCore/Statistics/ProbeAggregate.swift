/// What a set of probes adds up to, in a form that merges: the figures behind every table
/// cell, hit-ratio panel and sparkline point. Rollups store one per time bucket, and a window
/// is the merge of its buckets, so every figure keeps its exact sample count.
///
/// Latency figures (`timingSums` and the six phase sketches) cover the successful probes only:
/// a timeout or a refused connection has no meaningful time to first byte, and averaging it in
/// would hide failures inside latency. Failures are counted in `errors` instead.
///
/// Every phase has a sketch, not only TTFB and total, because a report's phase breakdown shows
/// medians, and a median cannot be derived from the sums. A phase that took no time (`tls` over
/// plain HTTP, `dns` for an IP literal) is counted as an exact zero: its median is 0, not nil;
/// nil means no successful probe at all.
public struct ProbeAggregate: Sendable, Hashable {
    /// Probes of every outcome.
    public var count = 0
    /// Probes with `ok == true`: the sample count of every latency figure.
    public var okCount = 0
    /// Sums of each phase duration over the successful probes, in microseconds, for exact means.
    public var timingSums = PhaseTimings.zero
    /// Name lookup of the successful probes, in microseconds.
    public var dns = QuantileSketch()
    /// TCP handshake of the successful probes, in microseconds.
    public var connect = QuantileSketch()
    /// TLS handshake of the successful probes, in microseconds (0 over plain HTTP).
    public var tls = QuantileSketch()
    /// Time to first byte of the successful probes, in microseconds.
    public var ttfb = QuantileSketch()
    /// First to last response byte of the successful probes, in microseconds.
    public var transfer = QuantileSketch()
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
            let timings = probe.timings
            timingSums = timingSums + timings
            dns.add(Double(timings.dns))
            connect.add(Double(timings.connect))
            tls.add(Double(timings.tls))
            ttfb.add(Double(timings.ttfb))
            transfer.add(Double(timings.transfer))
            total.add(Double(timings.total))
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
        dns.merge(other.dns)
        connect.merge(other.connect)
        tls.merge(other.tls)
        ttfb.merge(other.ttfb)
        transfer.merge(other.transfer)
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

    /// The hit ratio, hits over `hitRatioSamples`; nil when no response counts towards it.
    public var hitRatio: Double? {
        let samples = hitRatioSamples
        return samples > 0 ? Double(hits) / Double(samples) : nil
    }

    /// The mean of one phase over the successful probes in microseconds, nil when none.
    public func meanMicroseconds(_ phase: KeyPath<PhaseTimings, Int64>) -> Double? {
        okCount > 0 ? Double(timingSums[keyPath: phase]) / Double(okCount) : nil
    }
}

extension ProbeAggregate {
    /// Calls `body` with each phase's sum and sketch, in the order a probe goes through them
    /// and rollups store them: dns, connect, tls, ttfb, transfer, total. Reordering would
    /// relabel stored sketches, so a new phase is appended and the rollup format bumped.
    ///
    /// Named out rather than walked through key paths: every stored probe and every rollup row
    /// read passes through here, and a key path access is a runtime call with a generic
    /// metadata lookup: naming the phases took batched inserts from 49k to 69k probes/s.
    public mutating func updatePhases(_ body: (inout Int64, inout QuantileSketch) throws -> Void) rethrows {
        try body(&timingSums.dns, &dns)
        try body(&timingSums.connect, &connect)
        try body(&timingSums.tls, &tls)
        try body(&timingSums.ttfb, &ttfb)
        try body(&timingSums.transfer, &transfer)
        try body(&timingSums.total, &total)
    }

    /// Calls `body` with each phase's sum and sketch, in `updatePhases`' order.
    public func forEachPhase(_ body: (Int64, QuantileSketch) throws -> Void) rethrows {
        try body(timingSums.dns, dns)
        try body(timingSums.connect, connect)
        try body(timingSums.tls, tls)
        try body(timingSums.ttfb, ttfb)
        try body(timingSums.transfer, transfer)
        try body(timingSums.total, total)
    }
}
