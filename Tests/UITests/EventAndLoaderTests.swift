import CDNTopCore
import Foundation
import Store
@testable import TerminalApp
import Testing
import UI

@Suite("Events log")
struct EventsLogTests {
    static let europe = Vantage(label: "eu-west", continent: .europe)

    static func probe(_ second: Double, _ endpoint: String = "fastly", _ vantage: Vantage = europe, status: Int? = 200,
                      cache: CacheStatus? = .hit, error: ProbeErrorClass? = nil) -> ProbeResult {
        ProbeResult(timestamp: DashboardFixtures.now.addingTimeInterval(second), endpoint: endpoint, site: "s", url: "u",
                    vantage: vantage, ok: error == nil && (status ?? 500) < 400, status: status, cache: cache,
                    error: error, errorDetail: error.map { "\($0.rawValue) detail" })
    }

    /// The fixture's hour with Cloudflare caught in a redirect loop from its first probe, as
    /// in the demo: every probe answers 301 and ends in `redirect_loop`.
    static func redirectLoopHour() throws -> any ProbeStore {
        try DashboardFixtures.store(DashboardFixtures.probes().map { probe in
            guard probe.endpoint == "cloudflare" else { return probe }
            var failed = probe
            (failed.ok, failed.status, failed.cache, failed.error) = (false, 301, nil, .redirectLoop)
            failed.errorDetail = "Maximum (5) redirects followed"
            return failed
        })
    }

    /// The rows of the events panel, from its rule down.
    static func eventsRows(_ text: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let rule = lines.firstIndex(where: { $0.contains("─ Events") }) else { return [] }
        return Array(lines[(rule + 1)...])
    }

    @Test("an endpoint failing every probe is the first thing the events log says, with start, class and count")
    func ongoingFailureIsPinnedFirst() throws {
        let data = try DashboardFixtures.data(width: 120, store: try Self.redirectLoopHour())
        let failure = try #require(data.failures.first)
        #expect(data.failures.count == 1 && failure.endpoint == "cloudflare" && failure.everyVantage)
        // The fixture's first probe of the hour is the run's first failure.
        #expect(failure.text == "failing since 11:00:00 · redirect_loop 180 of 180")
        let rows = Self.eventsRows(DashboardRenderer.render(DashboardFixtures.state(data), width: 120, height: 40).text)
        let first = try #require(rows.first)
        #expect(first.contains("cloudflare") && first.contains("all vantages") && first.contains(failure.text), "\(first)")
    }

    @Test("events cover the whole window: flips are counted from the window's first")
    func flipsOverTheWindow() throws {
        let data = try DashboardFixtures.data(width: 120)
        let flip = try #require(data.events.first { $0.endpoint == "fastly" && $0.kind == .cacheFlip })
        // Fastly hits or misses at random once a minute from three vantages: flips all hour long.
        let earliest = DashboardFixtures.now.addingTimeInterval(-3600)
        #expect(try #require(flip.firstTime) < earliest.addingTimeInterval(10 * 60))
        #expect(flip.count > 60, "flips over an hour, not over the newest probes")
        #expect(flip.vantages.count == 3)
    }

    @Test("the detail view lists the endpoint's real recent errors")
    func detailListsRecentErrors() throws {
        var view = ViewState()
        view.overlay = .detail
        view.selected = "cloudflare"
        let data = try DashboardFixtures.data(width: 120, detail: "cloudflare", store: try Self.redirectLoopHour())
        #expect(data.detailErrors.count == DashboardLoader.detailErrorLimit)
        #expect(data.detailErrors.first?.timestamp == data.latest["cloudflare"]?.timestamp)
        let text = DashboardRenderer.render(DashboardFixtures.state(data, view: view), width: 120, height: 40).text
        #expect(text.contains("redirect_loop: Maximum (5) redirects followed"))
        #expect(text.contains("all vantages: failing since 11:00:00"))
        #expect(!text.contains("none in the latest probes"))
    }

    @Test("a failing endpoint's cache is 'every probe failed', never 'no cache layer'")
    func failingEndpointIsNotUncached() throws {
        let data = try DashboardFixtures.data(width: 120, store: try Self.redirectLoopHour())
        let text = DashboardRenderer.render(DashboardFixtures.state(data), width: 120, height: 40).text
        let row = try #require(text.split(separator: "\n").first { $0.contains("cloudflare") && $0.contains("every probe failed") })
        #expect(row.contains("180 probes"), "\(row)")
        #expect(!row.contains("no cache"))
    }

    @Test("more events than rows end with a +N more line")
    func moreMarker() throws {
        // Failing and recovering in turn, once a minute: an event a minute.
        let probes = (1...50).map { minute -> ProbeResult in
            let failing = minute % 2 == 0
            return Self.probe(Double(-minute * 60), status: failing ? nil : 200, error: failing ? .timeout : nil)
        }
        let store = try DashboardFixtures.store(probes)
        let data = try DashboardFixtures.data(width: 100, store: store)
        let rows = Self.eventsRows(DashboardRenderer.render(DashboardFixtures.state(data), width: 100, height: 30).text)
        let drawn = rows.prefix { !$0.contains("more") }.filter { $0.contains("fastly") }.count
        let marker = try #require(rows.first { $0.contains("more") })
        let total = data.failures.count + data.events.count + data.moreEvents
        #expect(total == 50, "the oldest probe fails: a first failure, then a change with every probe")
        #expect(marker.trimmingCharacters(in: CharacterSet.whitespaces) == "+\(total - drawn) more")
        #expect(drawn > 0)
    }

    @Test("an empty log says nothing changed only when nothing failed")
    func emptyLog() throws {
        let steady = try DashboardFixtures.store((1...30).map { Self.probe(Double(-$0 * 60), "bunny") })
        var data = try DashboardFixtures.data(width: 100, store: steady)
        #expect(data.events.isEmpty && data.failures.isEmpty)
        var text = DashboardRenderer.render(DashboardFixtures.state(data), width: 100, height: 30).text
        #expect(text.contains("nothing changed in 1h"))
        // Failures from a vantage whose newest probe is outside the window are not ongoing, yet not "nothing".
        data.analysis?.endpoints[0].ok -= 1
        text = DashboardRenderer.render(DashboardFixtures.state(data), width: 100, height: 30).text
        #expect(!text.contains("nothing changed"))
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
            EventsLogTests.probe(-250, error: .timeout),
            EventsLogTests.probe(-10),
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
