import CDNTopCore
import Foundation

/// A deterministic probe history: every endpoint from every vantage point once per
/// `interval` seconds, with a spread of latencies, a third of misses and ~1% timeouts.
/// endpoint-0 is the origin. No randomness, so two runs measure the same rows.
struct GeneratedProbes {
    static let site = "example.com"
    static let endpoints = (0..<10).map { "endpoint-\($0)" }
    static let vantages = Continent.allCases.map { Vantage(label: "probe-\($0.rawValue)", continent: $0) }

    let start: Date
    /// Seconds between two probes of one endpoint from one vantage point.
    let interval: Int

    /// Rounds (one probe of each endpoint from each vantage point) in `days` days.
    func rounds(days: Int) -> Int { days * 86_400 / interval }

    /// Probes per round.
    var roundSize: Int { Self.endpoints.count * Self.vantages.count }

    /// Round `index`: its probes start `index × interval` seconds after `start`.
    func round(_ index: Int) -> [ProbeResult] {
        var probes: [ProbeResult] = []
        probes.reserveCapacity(roundSize)
        let regions = Continent.allCases
        for (endpointIndex, endpoint) in Self.endpoints.enumerated() {
            for (vantageIndex, vantage) in Self.vantages.enumerated() {
                let seed = index &* 31 &+ endpointIndex &* 7 &+ vantageIndex
                let ttfb = Int64(20_000 + seed &* 7919 % 400_000)
                let failed = seed % 97 == 0
                probes.append(ProbeResult(
                    timestamp: start + Double(index * interval) + Double(seed % 50) / 10,
                    endpoint: endpoint, site: Self.site, url: "https://\(endpoint).example.com/",
                    vantage: vantage, isOrigin: endpointIndex == 0, provider: .fastly, ok: !failed,
                    status: failed ? nil : 200, httpVersion: failed ? nil : "2",
                    cache: failed ? nil : seed % 3 == 0 ? .miss : .hit, cacheRaw: failed ? nil : "MISS, HIT",
                    pop: failed ? nil : "FRA",
                    popRegion: failed ? nil : regions[(vantageIndex + seed % 2) % regions.count],
                    age: 12,
                    timings: PhaseTimings(dns: 800, connect: 9000, tls: 15_000, ttfb: ttfb, transfer: 2000,
                                          total: ttfb + 2000),
                    bytes: 48_000, remoteIP: "151.101.1.57", error: failed ? .timeout : nil))
            }
        }
        return probes
    }
}
