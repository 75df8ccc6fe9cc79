@testable import CDNTopCore
import Foundation
import Testing

@Suite("Events: transitions between probes")
struct AnalysisEventsTests {
    static let start = Date(timeIntervalSince1970: 1_795_348_800)
    static let europe = Vantage(label: "eu-west", continent: .europe)
    static let asia = Vantage(label: "ap-south", continent: .asia)

    static func probe(_ second: Double, _ endpoint: String = "fastly", _ vantage: Vantage = europe, status: Int? = 200,
                      cache: CacheStatus? = .hit, error: ProbeErrorClass? = nil) -> ProbeResult {
        ProbeResult(timestamp: start.addingTimeInterval(second), endpoint: endpoint, site: "s", url: "u",
                    vantage: vantage, ok: error == nil, status: status, cache: cache,
                    error: error, errorDetail: error.map { "\($0.rawValue) detail" })
    }

    /// The detector over probes in this order, keyed as the store keys them: per endpoint and vantage.
    static func events(_ probes: [ProbeResult], states: inout [String: ProbeState]) -> [ProbeEvent] {
        EventDetector.events(in: probes.map { (key: $0.endpoint + "/" + $0.vantage.label, probe: $0) }, states: &states)
            .map(\.event)
    }

    static func events(_ probes: [ProbeResult]) -> [ProbeEvent] {
        var states: [String: ProbeState] = [:]
        return events(probes, states: &states)
    }

    @Test func failuresRecoveriesAndStatusChanges() {
        let events = Self.events([
            Self.probe(0), Self.probe(1, status: nil, error: .timeout), Self.probe(2, status: nil, error: .timeout),
            Self.probe(3), Self.probe(4, status: 503, error: .httpStatus), Self.probe(5, status: 301, error: .redirectLoop),
            Self.probe(6, status: 304),
        ])
        #expect(events.map(\.kind) == [.failed, .recovered, .failed, .failed, .recovered])
        #expect(events.map(\.text) == ["timeout: timeout detail", "recovered from timeout (200)",
                                       "http_status: http_status detail", "redirect_loop: redirect_loop detail",
                                       "recovered from redirect_loop (304)"])
        #expect(Self.events([Self.probe(0), Self.probe(1, status: 304)]).map(\.text) == ["status 200 → 304"])
        #expect(Self.events([Self.probe(0), Self.probe(1, cache: .miss)]).map(\.text) == ["cache HIT → MISS"])
    }

    @Test("a first probe that fails starts a failure run; one that succeeds is only the baseline")
    func firstProbe() {
        #expect(Self.events([Self.probe(0, error: .redirectLoop), Self.probe(1, error: .redirectLoop)]).map(\.kind) == [.failed])
        #expect(Self.events([Self.probe(0, cache: .miss)]).isEmpty)
        var states: [String: ProbeState] = [:]
        _ = Self.events([Self.probe(0), Self.probe(5, error: .timeout), Self.probe(9, error: .timeout)], states: &states)
        #expect(states["fastly/eu-west"]?.failingSince == Self.start.addingTimeInterval(5))
        _ = Self.events([Self.probe(10)], states: &states)
        #expect(states["fastly/eu-west"]?.failingSince == nil)
    }

    @Test func eachVantageIsFollowedOnItsOwn() {
        let events = Self.events([Self.probe(0), Self.probe(1, error: .timeout),
                                  Self.probe(2, "fastly", Self.asia), Self.probe(3, "fastly", Self.asia)])
        #expect(events.map(\.kind) == [.failed])
        #expect(events.first?.vantages == ["eu-west"])
    }

    /// A round recorded after a newer one must not be judged against the newer state.
    @Test("a probe older than the state is skipped: no event, the state stays at the newest probe")
    func lateProbeIsSkipped() {
        var states: [String: ProbeState] = [:]
        _ = Self.events([Self.probe(10)], states: &states)
        #expect(Self.events([Self.probe(5, error: .timeout)], states: &states).isEmpty)
        #expect(states["fastly/eu-west"]?.time == Self.start.addingTimeInterval(10))
        #expect(Self.events([Self.probe(11, error: .timeout)], states: &states).map(\.kind) == [.failed])
    }

    @Test func foldedFlipsSayHowManySinceWhen() {
        var flip = ProbeEvent(time: Self.start, endpoint: "fastly", vantages: ["eu-west"], kind: .cacheFlip,
                              cacheBefore: .miss, cache: .hit)
        flip.count = 77
        flip.firstTime = Self.start.addingTimeInterval(-3600 + 40)
        #expect(flip.text == "cache flipped 77× since 11:00:40 (MISS, HIT)")
    }
}

@Suite("Events: ongoing failures")
struct AnalysisOngoingFailureTests {
    static let now = Date(timeIntervalSince1970: 1_795_348_800)

    static func summary(_ name: String, probes: Int, failed: [ProbeErrorClass: Int]) -> EndpointSummary {
        let errors = failed.map { Count($0.key, $0.value) }.sorted { $0.count > $1.count }
        return EndpointSummary(endpoint: StoredEndpoint(name: name, site: "s", url: "u", isOrigin: false), provider: nil,
                               probes: probes, ok: probes - failed.values.reduce(0, +), ttfb: nil, total: nil, phases: nil,
                               cache: CacheBreakdown(counts: [:], uncached: 0), pops: [], httpVersions: [],
                               errors: errors, series: [])
    }

    static func analysis(_ endpoints: [EndpointSummary], vantages: [String]) -> SiteAnalysis {
        SiteAnalysis(site: "s", window: .hour, since: now.addingTimeInterval(-3600), until: now, endpoints: endpoints,
                     regions: vantages.map { label in
                         RegionRow(vantage: Vantage(label: label), cells: endpoints.map {
                             RegionCell(endpoint: $0.endpoint.name, probes: $0.probes / vantages.count, ttfb: nil)
                         })
                     },
                     popRegions: [], chart: ChartSlicing(window: .hour, until: now, maxSlices: 60),
                     originEndpoint: nil, origin: nil, originComparisons: [], vantages: vantages.map { Vantage(label: $0) })
    }

    static func failing(_ endpoint: String, _ vantage: String, since: Double, error: ProbeErrorClass = .redirectLoop) -> FailingVantage {
        FailingVantage(endpoint: endpoint, vantage: vantage, since: now.addingTimeInterval(since),
                       latest: now.addingTimeInterval(-1), error: error)
    }

    @Test("one line per endpoint, from the earliest start, counting the whole window")
    func onePerEndpoint() throws {
        let analysis = Self.analysis([Self.summary("cloudflare", probes: 1157, failed: [.redirectLoop: 1157]),
                                      Self.summary("fastly", probes: 1157, failed: [:])], vantages: ["eu-west", "us-east"])
        let failures = OngoingFailure.list([Self.failing("cloudflare", "us-east", since: -900),
                                            Self.failing("cloudflare", "eu-west", since: -1020)], analysis: analysis)
        let failure = try #require(failures.first)
        #expect(failures.count == 1)
        #expect(failure.everyVantage && failure.vantage == "all vantages")
        #expect(failure.text == "failing since 11:43:00 · redirect_loop 1,157 of 1,157")
    }

    @Test("a run older than the window says so; a partial outage names its vantages")
    func olderRunAndPartialOutage() throws {
        let analysis = Self.analysis([Self.summary("fastly", probes: 300, failed: [.timeout: 40, .httpStatus: 3])],
                                     vantages: ["eu-west", "ap-south"])
        let failure = try #require(OngoingFailure.list([Self.failing("fastly", "ap-south", since: -7200, error: .timeout)],
                                                       analysis: analysis).first)
        #expect(!failure.everyVantage && failure.vantage == "ap-south")
        #expect(failure.text == "failing since before this window · timeout 40, http_status 3 of 300")
    }
}
