import CDNTopCore
import Foundation
import Store
@testable import TerminalApp
import TestSupport
import UI

/// A fully deterministic hour of one site, the demo's story in miniature: an origin
/// reached directly, Fastly missing about half the time, Bunny almost always hitting, and a
/// Cloudflare endpoint that times out now and then, probed once a minute from three regions.
enum DashboardFixtures {
    /// 2026-11-22T12:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_795_348_800)
    static let vantages = [Vantage(label: "eu-west", continent: .europe),
                           Vantage(label: "us-east", continent: .northAmerica),
                           Vantage(label: "ap-south", continent: .asia)]

    static func probes(minutes: Int = 60) -> [ProbeResult] {
        var random = SeededGenerator(seed: 42)
        var probes: [ProbeResult] = []
        for minute in stride(from: minutes, to: 0, by: -1) {
            for (index, vantage) in vantages.enumerated() {
                let time = now.addingTimeInterval(Double(-minute * 60 + index))
                let distance = Double(index) * 60
                func jitter() -> Double { Double.random(in: 0.9...1.1, using: &random) }
                let fastlyHit = Bool.random(using: &random)
                let bunnyHit = Int.random(in: 0..<100, using: &random) < 99
                let cloudflareTimeout = Int.random(in: 0..<20, using: &random) == 0
                probes.append(probe("origin", vantage, time, ms: (120 + distance * 2) * jitter(), cache: nil,
                                    provider: .fly, pop: "IAD", origin: true))
                probes.append(probe("fastly", vantage, time, ms: (fastlyHit ? 30 + distance : 260 + distance * 2) * jitter(),
                                    cache: fastlyHit ? .hit : .miss, provider: .fastly, pop: ["FRA", "IAD", "BOM"][index]))
                probes.append(probe("bunny", vantage, time, ms: (bunnyHit ? 18 + distance / 3 : 140) * jitter(),
                                    cache: bunnyHit ? .hit : .miss, provider: .bunny, pop: ["DE", "US", "IN"][index]))
                probes.append(cloudflareTimeout
                    ? probe("cloudflare", vantage, time, ms: nil, cache: nil, provider: nil, pop: nil, error: .timeout)
                    : probe("cloudflare", vantage, time, ms: (45 + distance / 2) * jitter(), cache: .dynamic,
                            provider: .cloudflare, pop: ["CDG", "EWR", "SIN"][index]))
            }
        }
        return probes
    }

    static func probe(_ endpoint: String, _ vantage: Vantage, _ time: Date, ms: Double?, cache: CacheStatus?,
                      provider: Provider?, pop: String?, origin: Bool = false, error: ProbeErrorClass? = nil) -> ProbeResult {
        let micro = Int64((ms ?? 0) * 1000)
        return ProbeResult(
            timestamp: time, endpoint: endpoint, site: "shop.example", url: "https://\(endpoint).shop.example/",
            vantage: vantage, isOrigin: origin, provider: provider, ok: error == nil, status: error == nil ? 200 : nil,
            httpVersion: error == nil ? "2" : nil, cache: cache, cacheRaw: cache?.rawValue, pop: pop,
            popRegion: pop.flatMap { POPRegions.continent(iata: $0) } ?? (pop == nil ? nil : POPRegions.continent(country: pop!)),
            timings: error == nil ? PhaseTimings(dns: 800, connect: 9000, tls: 12000, ttfb: micro, transfer: 900, total: micro + 900) : .zero,
            bytes: error == nil ? 5000 : 0, error: error, errorDetail: error.map { _ in "Operation timed out after 10000 milliseconds" },
            headers: error == nil ? headers(provider, cache: cache) : [])
    }

    static func headers(_ provider: Provider?, cache: CacheStatus?) -> [HTTPHeader] {
        switch provider {
        case .fastly: [HTTPHeader(name: "X-Cache", value: "MISS, \(cache?.rawValue ?? "MISS")"),
                       HTTPHeader(name: "X-Served-By", value: "cache-iad2120-IAD, cache-fra19120-FRA"),
                       HTTPHeader(name: "Via", value: "1.1 varnish"), HTTPHeader(name: "Age", value: "12")]
        case .bunny: [HTTPHeader(name: "Server", value: "BunnyCDN-DE1-601"), HTTPHeader(name: "CDN-Cache", value: cache?.rawValue ?? "MISS")]
        default: [HTTPHeader(name: "Server", value: "Fly/51ee4ef9"), HTTPHeader(name: "Fly-Request-Id", value: "01HXYZ-iad")]
        }
    }

    static func store(_ probes: [ProbeResult] = probes()) throws -> any ProbeStore {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ui-\(UUID()).sqlite").path
        let store = try SQLiteProbeStore(path: path)
        try store.record(probes)
        return store
    }

    /// The data the feed would hand the UI for this history, sized for a `width`-column screen.
    static func data(window: ReportWindow = .hour, width: Int, braille: Bool = false, detail: String? = nil,
                     store: (any ProbeStore)? = nil, traffic: (any TrafficStore)? = nil, now: Date = now) throws -> DashboardData {
        let store = try store ?? Self.store()
        let names = ["bunny", "cloudflare", "fastly", "origin"]
        let request = DashboardRequest(site: nil, window: window,
                                       chartSlices: DashboardLayout.chartSlices(width: width, endpointNames: names, braille: braille),
                                       detailEndpoint: detail)
        var data = try DashboardLoader.load(request, store: store, traffic: traffic, configured: [], now: now)
        data.databasePath = "/home/demo/.local/share/cdntop/probes.sqlite"
        return data
    }

    /// The state after the feed delivered `data` (so the chart scale is fitted), then `view`.
    static func state(_ data: DashboardData, view: ViewState = ViewState(), braille: Bool = false) -> DashboardState {
        var state = DashboardState(data: nil, view: ViewState(), live: LiveStatus(probing: true), now: now, braille: braille)
        state.receive(data)
        state.view = view
        return state
    }
}
