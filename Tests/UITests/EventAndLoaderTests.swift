import CDNTopCore
import Foundation
@testable import TerminalApp
import Testing
import UI

@Suite("Events log")
struct EventDetectorTests {
    static let europe = Vantage(label: "eu-west", continent: .europe)
    static let asia = Vantage(label: "ap-south", continent: .asia)

    static func probe(_ second: Double, _ endpoint: String = "fastly", _ vantage: Vantage = europe, status: Int? = 200,
                      cache: CacheStatus? = .hit, error: ProbeErrorClass? = nil) -> ProbeResult {
        ProbeResult(timestamp: DashboardFixtures.now.addingTimeInterval(second), endpoint: endpoint, site: "s", url: "u",
                    vantage: vantage, ok: error == nil && (status ?? 500) < 400, status: status, cache: cache,
                    error: error, errorDetail: error.map { "\($0.rawValue) detail" })
    }

    /// Newest first, as the store returns them.
    static func events(_ chronological: [ProbeResult]) -> [DashboardEvent] {
        EventDetector.events(in: chronological.reversed())
    }

    @Test func failuresRecoveriesAndStatusChanges() {
        let events = Self.events([
            Self.probe(0), Self.probe(1, error: .timeout), Self.probe(2, error: .timeout), Self.probe(3),
            Self.probe(4, status: 503, error: .httpStatus), Self.probe(5, error: .redirectLoop),
        ])
        #expect(events.map(\.kind) == [.redirectLoop, .error, .recovered, .error])
        #expect(events.last?.text == "timeout: timeout detail")
        #expect(events[2].text == "recovered from timeout (200)")
        let changes = Self.events([Self.probe(0), Self.probe(1, status: 304)])
        #expect(changes.map(\.text) == ["status 200 → 304"])
    }

    @Test func eachVantageIsFollowedOnItsOwn() {
        let events = Self.events([Self.probe(0), Self.probe(1, error: .timeout),
                                  Self.probe(2, "fastly", Self.asia), Self.probe(3, "fastly", Self.asia)])
        #expect(events.map(\.kind) == [.error])
        #expect(Self.events([Self.probe(0, error: .timeout), Self.probe(1, error: .timeout)]).isEmpty,
                "an outage older than the batch has no start to report")
    }

    @Test func cacheFlipsInARowAreOneLine() {
        var probes: [ProbeResult] = []
        for second in 0..<10 { probes.append(Self.probe(Double(second), cache: second % 2 == 0 ? .hit : .miss)) }
        probes.append(Self.probe(10, error: .timeout))
        probes.append(Self.probe(11, cache: .miss))
        probes.append(Self.probe(12, cache: .hit))
        let events = Self.events(probes)
        #expect(events.map(\.kind) == [.cacheFlip, .recovered, .error, .cacheFlip])
        #expect(events[3].count == 9)
        #expect(events[3].text.hasPrefix("cache flipped 9× since"))
        #expect(events[0].count == 1)
    }
}

@Suite("Dashboard data from the probe database")
struct DashboardLoaderTests {
    @Test func figuresComeFromTheWindowWithTheirCounts() throws {
        let data = try DashboardFixtures.data(width: 120)
        #expect(data.site == "shop.example")
        #expect(data.endpointNames == ["bunny", "cloudflare", "fastly", "origin"])
        #expect(data.analysis?.probes == 60 * 3 * 4)
        #expect(data.latest["fastly"]?.timestamp == DashboardFixtures.now.addingTimeInterval(-60 + 2))
        #expect(data.analysis?.originComparisons.first { $0.endpoint == "bunny" }?.isFaster == true)
        let chart = try #require(data.analysis?.chart)
        let series = try #require(data.summary(of: "fastly")?.series)
        #expect(series.count == chart.count)
        #expect(chart.count <= DashboardLayout.chartSlices(width: 120, endpointNames: data.endpointNames, braille: false))
        let inChart = DashboardFixtures.probes().filter { $0.endpoint == "fastly" && $0.timestamp >= chart.since && $0.timestamp < chart.until }
        #expect(series.reduce(0) { $0 + $1.probes } == inChart.count)
    }

    /// Five minutes of one-minute rollups would be five characters: the short window reads
    /// raw probes, in round slices of seconds, as many as the chart's width holds.
    @Test func fiveMinuteWindowSlicesRawProbes() throws {
        let data = try DashboardFixtures.data(window: .fiveMinutes, width: 120)
        let slices = DashboardLayout.chartSlices(width: 120, endpointNames: data.endpointNames, braille: false)
        let chart = try #require(data.analysis?.chart)
        #expect(chart.sliceSeconds < 60 && chart.count <= slices)
        #expect(ChartSlicing(window: .fiveMinutes, until: DashboardFixtures.now, maxSlices: chart.count - 1).sliceSeconds
                > chart.sliceSeconds, "the shortest round slice that fits was chosen")
        let inChart = DashboardFixtures.probes().filter { $0.endpoint == "bunny" && $0.timestamp >= chart.since && $0.timestamp < chart.until }
        #expect(data.summary(of: "bunny")?.series.reduce(0) { $0 + $1.probes } == inChart.count)
    }

    @Test func failedSlicesAreNotDrawnAsFast() throws {
        let chart = ChartSlicing(window: .fiveMinutes, until: DashboardFixtures.now, maxSlices: 5)
        let points = chart.points(probes: [
            EventDetectorTests.probe(-250, error: .timeout),
            EventDetectorTests.probe(-10),
        ])
        #expect(points.first?.failed == 1 && points.first?.p50 == nil && points.first?.probes == 1)
        #expect(points.last?.failed == 0 && points.last?.p50 != nil)
    }

    @Test func emptyDatabaseShowsNoSiteYet() throws {
        let store = try DashboardFixtures.store([])
        let request = DashboardRequest(site: nil, window: .hour, chartSlices: 40, detailEndpoint: nil)
        let data = try DashboardLoader.load(request, store: store, configured: [], now: DashboardFixtures.now)
        #expect(data.site == nil)
        let text = DashboardRenderer.render(DashboardFixtures.state(data), width: 80, height: 24).text
        #expect(text.contains("no site yet"))
        #expect(text.contains("no probes yet"))
    }
}

/// The UI loop polls keys in short slices while the feed is behind, so the first frame with
/// data and a new window show as soon as they are read: `isBehind` must say so, and stop
/// saying so once the matching data is published and taken.
@Suite("Data feed")
struct DataFeedTests {
    private func request(_ window: ReportWindow) -> DashboardRequest {
        DashboardRequest(site: nil, window: window, chartSlices: 40, detailEndpoint: nil)
    }

    /// Waits up to 5 s for `condition`, checking every 5 ms.
    private func eventually(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return condition()
    }

    @Test func isBehindUntilTheRequestedDataIsPublished() throws {
        let feed = DataFeed(store: try DashboardFixtures.store(), configured: [], request: request(.hour), refresh: 60)
        #expect(feed.isBehind)
        feed.start()
        defer { feed.stop() }
        // Published but not yet taken still counts: the loop must come back for it soon.
        #expect(eventually { feed.take()?.window == .hour })
        #expect(!feed.isBehind)

        feed.update(request(.day))
        #expect(feed.isBehind)
        #expect(eventually { feed.take()?.window == .day })
        #expect(!feed.isBehind)
        // The same request again is not new work.
        feed.update(request(.day))
        #expect(!feed.isBehind)
    }
}
