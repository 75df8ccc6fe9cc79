import CDNTopCore
import Foundation
import Store

/// A small, fully known probe history: three endpoints of one site seen from two vantage
/// regions, whose every figure can be worked out by hand.
enum ReportFixtures {
    /// 2026-11-22T12:00:00Z: the reports' "now".
    static let now = Date(timeIntervalSince1970: 1_795_348_800)
    static let europe = Vantage(label: "eu-west", continent: .europe)
    static let america = Vantage(label: "us-east", continent: .northAmerica)

    static func probe(_ endpoint: String, _ vantage: Vantage, minutesAgo: Double, ttfb ms: Double?,
                      cache: CacheStatus? = nil, provider: Provider?, pop: String? = nil,
                      error: ProbeErrorClass? = nil, origin: Bool = false) -> ProbeResult {
        let micro = Int64((ms ?? 0) * 1000)
        return ProbeResult(
            timestamp: now.addingTimeInterval(-minutesAgo * 60), endpoint: endpoint, site: "shop.example",
            url: "https://\(endpoint).shop.example/", vantage: vantage, isOrigin: origin, provider: provider,
            ok: error == nil, status: error == nil ? 200 : nil, httpVersion: error == nil ? "2" : nil,
            cache: cache, cacheRaw: cache?.rawValue, pop: pop,
            popRegion: pop.flatMap { POPRegions.continent(iata: $0) },
            timings: error == nil ? PhaseTimings(dns: 1000, connect: 2000, tls: 3000, ttfb: micro,
                                                 transfer: 500, total: micro + 500) : .zero,
            bytes: error == nil ? 1000 : 0, error: error, errorDetail: error.map { "\($0.rawValue) detail" })
    }

    /// bunny: TTFB 40, 50, 60 ms from Europe (HIT, HIT, MISS) and 70 ms from America (HIT).
    /// fastly: 100 and 300 ms from Europe (MISS, HIT), 200 ms from America (MISS), one timeout.
    /// origin: 150 ms from Europe, 250 ms from America, no cache layer.
    static let probes: [ProbeResult] = [
        probe("bunny", europe, minutesAgo: 180, ttfb: 40, cache: .hit, provider: .bunny, pop: "FRA"),
        probe("bunny", europe, minutesAgo: 120, ttfb: 50, cache: .hit, provider: .bunny, pop: "FRA"),
        probe("bunny", europe, minutesAgo: 60, ttfb: 60, cache: .miss, provider: .bunny, pop: "AMS"),
        probe("bunny", america, minutesAgo: 60, ttfb: 70, cache: .hit, provider: .bunny, pop: "IAD"),
        probe("fastly", europe, minutesAgo: 180, ttfb: 100, cache: .miss, provider: .fastly, pop: "FRA"),
        probe("fastly", europe, minutesAgo: 120, ttfb: 300, cache: .hit, provider: .fastly, pop: "FRA"),
        probe("fastly", america, minutesAgo: 60, ttfb: 200, cache: .miss, provider: .fastly, pop: "IAD"),
        probe("fastly", america, minutesAgo: 120, ttfb: nil, provider: nil, error: .timeout),
        probe("origin", europe, minutesAgo: 120, ttfb: 150, provider: .fly, pop: "CDG", origin: true),
        probe("origin", america, minutesAgo: 120, ttfb: 250, provider: .fly, pop: "IAD", origin: true),
    ]

    static func store(_ probes: [ProbeResult] = probes) throws -> any ProbeStore {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID()).sqlite").path
        let store = try SQLiteProbeStore(path: path)
        try store.record(probes)
        return store
    }
}
