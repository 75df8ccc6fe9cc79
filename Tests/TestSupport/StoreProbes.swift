import CDNTopCore
import Foundation
import Store

// Probes and store helpers shared by the tests of every probe-database engine.

/// 2023-11-14 22:13:20 UTC: not aligned to any bucket, so tests cross minute, hour and day
/// boundaries without planning to.
public let referenceTime = Date(timeIntervalSince1970: 1_700_000_000)

/// A probe with every field set, to check that each one survives the database.
public func fullProbe(at timestamp: Date = referenceTime) -> ProbeResult {
    ProbeResult(
        timestamp: timestamp, endpoint: "fastly", site: "changelog.com",
        url: "https://changelog.com/", vantage: Vantage(label: "eu-west", continent: .europe),
        provider: .fastly, ok: true, status: 200, httpVersion: "2", cache: .hit,
        cacheRaw: "MISS, HIT", pop: "FRA", popRegion: .europe, age: 1234,
        timings: PhaseTimings(dns: 1500, connect: 12_000, tls: 25_000, ttfb: 80_000,
                              transfer: 3000, total: 121_500),
        bytes: 48_213, redirects: 2, remoteIP: "151.101.1.57", error: nil, errorDetail: nil,
        headers: [HTTPHeader(name: "X-Cache", value: "MISS, HIT"),
                  HTTPHeader(name: "X-Served-By", value: "cache-iad2120-IAD, cache-fra1-FRA")])
}

/// A failed probe of the site's origin: every optional field nil.
public func bareProbe(at timestamp: Date = referenceTime) -> ProbeResult {
    ProbeResult(timestamp: timestamp, endpoint: "origin", site: "changelog.com",
                url: "https://changelog-origin.fly.dev/", vantage: Vantage(label: "home"),
                isOrigin: true, ok: false, error: nil)
}

/// Deterministic, varied probes: three endpoints, two vantage points, `count` probes about
/// `interval` seconds apart, with failures, every cache status, unknown POPs, a heavy
/// latency tail and phases of 0 µs (dns and transfer at times, tls of the plain-HTTP origin
/// always), so every rollup field and many bucket edges get exercised.
public func syntheticProbes(from start: Date, count: Int, every interval: Double = 40) -> [ProbeResult] {
    // The origin is reached over plain HTTP: no TLS phase.
    let endpoints = [(name: "fastly", provider: Provider.fastly, isOrigin: false),
                     (name: "bunny", provider: .bunny, isOrigin: false),
                     (name: "origin", provider: .fly, isOrigin: true)]
    let vantages = [Vantage(label: "eu-west", continent: .europe), Vantage(label: "us-east", continent: .northAmerica)]
    let caches: [CacheStatus?] = [.hit, .hit, .miss, nil, .stale, .expired, .revalidated, .bypass, .dynamic]
    let regions: [Continent?] = [.europe, .northAmerica, nil, .asia]
    let pops: [String?] = ["FRA", "IAD", nil, "NRT", "AMS"]
    let versions = ["1.1", "2", "3"]
    var probes: [ProbeResult] = []
    for index in 0..<count {
        let endpoint = endpoints[index % endpoints.count]
        let jitter = Double(index * 7 % 13) / 13 * interval / 2 + 0.25
        let timestamp = start.addingTimeInterval(Double(index) * interval + jitter)
        let failure: ProbeErrorClass? = index % 17 == 0 ? .timeout : index % 23 == 0 ? .httpStatus : nil
        let responded = failure != .timeout
        let ttfb = Int64(8000 + index * 7919 % 300_000) * (index % 31 == 0 ? 12 : 1)
        probes.append(ProbeResult(
            timestamp: timestamp, endpoint: endpoint.name, site: "changelog.com",
            url: "\(endpoint.isOrigin ? "http" : "https")://\(endpoint.name).example/",
            vantage: vantages[index / 3 % vantages.count], isOrigin: endpoint.isOrigin,
            provider: endpoint.provider, ok: failure == nil, status: responded ? (failure == nil ? 200 : 503) : nil,
            httpVersion: responded ? versions[index % versions.count] : nil,
            cache: responded ? caches[index % caches.count] : nil,
            pop: responded ? pops[index % pops.count] : nil,
            popRegion: responded ? regions[index % regions.count] : nil,
            timings: PhaseTimings(dns: Int64(index % 5) * 300, connect: 9000 + Int64(index % 7) * 450,
                                  tls: endpoint.isOrigin ? 0 : 15_000 + Int64(index / 3 % 4) * 2500, ttfb: ttfb,
                                  transfer: Int64(index % 11) * 1000, total: ttfb + Int64(index % 11) * 1000),
            bytes: 30_000, error: failure))
    }
    return probes
}

/// `syntheticProbes` at the default 40 s interval, for `hours`.
public func syntheticProbes(from start: Date, hours: Double) -> [ProbeResult] {
    syntheticProbes(from: start, count: Int(hours * 90))
}

/// Records probes in rounds of `roundSize`, as the agent does.
public func record(_ probes: [ProbeResult], into store: any ProbeStore, roundSize: Int = 10) throws {
    var start = 0
    while start < probes.count {
        try store.record(Array(probes[start..<min(start + roundSize, probes.count)]))
        start += roundSize
    }
}

/// What the window's figures should be, computed straight from the raw rows.
public func rawAggregates(in store: any ProbeStore, since: Date, until: Date) throws -> [AggregateKey: ProbeAggregate] {
    var cells: [AggregateKey: ProbeAggregate] = [:]
    try store.forEachProbe(since: since, until: until) { probe in
        let key = AggregateKey(endpoint: probe.endpoint, vantage: probe.vantage, popRegion: probe.popRegion)
        cells[key, default: ProbeAggregate()].add(probe)
    }
    return cells
}

public func allProbes(in store: any ProbeStore) throws -> [ProbeResult] {
    var probes: [ProbeResult] = []
    try store.forEachProbe(since: nil, until: nil) { probes.append($0) }
    return probes
}

extension ProbeResult {
    /// What the store gives back: everything but the headers.
    public var withoutHeaders: ProbeResult {
        var copy = self
        copy.headers = []
        return copy
    }
}
