import CDNTopCore
import Foundation
import Report
import Store
import TestSupport
import Testing

@Suite("Markdown report")
struct ReportMarkdownTests {
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// The whole document against a reviewed golden file. After an intended change, rerun with
    /// CDNTOP_UPDATE_GOLDEN=1, read the diff, and commit it.
    @Test(arguments: [ReportWindow.day, .hour])
    func matchesTheGoldenFile(window: ReportWindow) throws {
        let analysis = try ReportBuilder.analyze(store: try ReportFixtures.store(), site: "shop.example",
                                                 window: window, now: ReportFixtures.now)
        let markdown = MarkdownReport.render(analysis, generatedAt: ReportFixtures.now)
        let golden = Self.goldenDirectory.appendingPathComponent("shop.example-\(window.rawValue).md")
        if ProcessInfo.processInfo.environment["CDNTOP_UPDATE_GOLDEN"] != nil {
            try FileManager.default.createDirectory(at: Self.goldenDirectory, withIntermediateDirectories: true)
            try markdown.write(to: golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(markdown == expected)
    }

    @Test func snapshotGoesToReportsFolderNamedBySiteAndTime() throws {
        let analysis = try ReportBuilder.analyze(store: try ReportFixtures.store(), site: nil, window: .day,
                                                 now: ReportFixtures.now)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reports-\(UUID())").path
        let path = try SnapshotWriter.write(analysis, to: folder, now: ReportFixtures.now)
        #expect(path == folder + "/shop.example-20261122T120000Z.md")
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("# shop.example — last 24 hours"))
    }
}

@Suite("Nothing to report")
struct NothingToReportTests {
    @Test func emptyDatabase() throws {
        let store = try ReportFixtures.store([])
        #expect(throws: ReportError.emptyDatabase(path: store.location)) {
            try ReportBuilder.analyze(store: store, site: nil, window: .day, now: ReportFixtures.now)
        }
    }

    @Test func unknownSiteListsTheKnownOnes() throws {
        #expect(throws: ReportError.unknownSite("nope.example", known: ["shop.example"])) {
            try ReportBuilder.analyze(store: try ReportFixtures.store(), site: "nope.example", window: .day,
                                      now: ReportFixtures.now)
        }
    }

    @Test func windowWithoutProbes() throws {
        let later = ReportFixtures.now.addingTimeInterval(3 * 86_400)
        #expect(throws: ReportError.emptyWindow(site: "shop.example", window: .day)) {
            try ReportBuilder.analyze(store: try ReportFixtures.store(), site: nil, window: .day, now: later)
        }
    }

    @Test func severalSitesNeedAChoice() throws {
        var other = ReportFixtures.probes[0]
        other.site = "blog.example"
        other.endpoint = "blog-bunny"
        #expect(throws: ReportError.ambiguousSite(known: ["blog.example", "shop.example"])) {
            try ReportBuilder.analyze(store: try ReportFixtures.store(ReportFixtures.probes + [other]), site: nil,
                                      window: .day, now: ReportFixtures.now)
        }
    }
}

/// Percentiles in the report against percentiles computed independently from the raw rows.
@Suite("Report percentiles against raw probes")
struct ReportPercentileTests {
    @Test func p50AndP95AgreeWithTheRawRows() throws {
        var generator = SeededGenerator(seed: 42)
        var probes: [ProbeResult] = []
        for index in 0..<1500 {
            // A long-tailed mix, like real CDN latency: mostly fast, some slow.
            let ttfb = Double.random(in: 0..<1, using: &generator) < 0.8 ? 20 + 30 * Double.random(in: 0..<1, using: &generator) : 100 + 900 * Double.random(in: 0..<1, using: &generator)
            let vantage = index % 2 == 0 ? ReportFixtures.europe : ReportFixtures.america
            probes.append(ReportFixtures.probe("cdn", vantage, minutesAgo: Double(index % 1380) + 0.5, ttfb: ttfb,
                                               cache: .hit, provider: .fastly))
        }
        let store = try ReportFixtures.store(probes)
        let analysis = try ReportBuilder.analyze(store: store, site: nil, window: .day, now: ReportFixtures.now)
        let ttfb = try #require(analysis.endpoints.first?.ttfb)

        var raw: [Double] = []
        try store.forEachProbe(since: nil, until: nil) { raw.append(Double($0.timings.ttfb) / 1000) }
        raw.sort()
        #expect(ttfb.samples == raw.count)
        for (quantile, reported) in [(0.5, ttfb.p50), (0.95, ttfb.p95), (0.99, ttfb.p99)] {
            // Nearest rank, and the neighbouring rank either side: the sketch promises 1% of one of them.
            let rank = Int((quantile * Double(raw.count)).rounded(.up)) - 1
            let candidates = raw[max(0, rank - 1)...min(raw.count - 1, rank + 1)]
            #expect(candidates.contains { abs(reported - $0) <= $0 * 0.01 + 1e-9 },
                    "p\(Int(quantile * 100)) \(reported) vs raw \(Array(candidates))")
        }
        #expect(abs(ttfb.average - raw.reduce(0, +) / Double(raw.count)) < 1e-6)
    }
}

@Suite("Reports keep sites apart")
struct ReportSiteIsolationTests {
    /// Endpoint names are unique within one config, not across sites: two sites' "origin"
    /// endpoints in one database must not merge into one row.
    @Test func sameEndpointNameInTwoSites() throws {
        var intruder = ReportFixtures.probe("origin", ReportFixtures.europe, minutesAgo: 30, ttfb: 5000,
                                            provider: .cloudflare, origin: true)
        intruder.site = "blog.example"
        let store = try ReportFixtures.store(ReportFixtures.probes + [intruder])
        let analysis = try ReportBuilder.analyze(store: store, site: "shop.example", window: .day, now: ReportFixtures.now)
        let origin = try #require(analysis.origin)
        #expect(origin.probes == 2)
        #expect(origin.provider == .fly)
        #expect(origin.ttfb?.average == 200)
        #expect(analysis.endpoints.allSatisfy { $0.series.allSatisfy { ($0.p50 ?? 0) < 5000 } })
    }
}

/// Cloudflare in front of Fly without a Host override: every probe ends in a redirect loop of
/// 301s that carry no cache header. That is "no successful probe", never "no cache".
@Suite("Report of an endpoint that never succeeds")
struct FailingEndpointReportTests {
    static func analysis() throws -> SiteAnalysis {
        let looping = (1...4).map { minute in
            var probe = ReportFixtures.probe("cloudflare", ReportFixtures.europe, minutesAgo: Double(minute * 30), ttfb: nil,
                                             provider: .cloudflare, error: .redirectLoop)
            // A redirect cached at the edge still says MISS: the error responses' verdicts
            // must not become a 0% hit ratio.
            (probe.status, probe.cache) = (301, minute % 2 == 0 ? .miss : nil)
            return probe
        }
        return try ReportBuilder.analyze(store: try ReportFixtures.store(ReportFixtures.probes + looping),
                                         site: "shop.example", window: .day, now: ReportFixtures.now)
    }

    @Test func markdownSaysNoSuccessfulProbe() throws {
        let markdown = MarkdownReport.render(try Self.analysis(), generatedAt: ReportFixtures.now)
        let rows = markdown.split(separator: "\n").filter { $0.hasPrefix("| cloudflare |") }
        #expect(rows.count >= 3)
        #expect(rows.allSatisfy { !$0.contains("no cache") }, "\(rows)")
        #expect(rows.contains { $0.contains("| no successful probe |") })
        #expect(markdown.contains("cloudflare failed every probe, so it has no latency or cache figures (4 of 4: redirect_loop 4)."))
        #expect(!markdown.contains("cloudflare served only"))
    }

    @Test func jsonHasNoHitRatio() throws {
        let json = JSONReport.render(try Self.analysis(), generatedAt: ReportFixtures.now)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let endpoints = try #require(document["endpoints"] as? [[String: Any]])
        let cloudflare = try #require(endpoints.first { $0["endpoint"] as? String == "cloudflare" })
        #expect(cloudflare["hit_ratio"] is NSNull || cloudflare["hit_ratio"] == nil)
        #expect(cloudflare["ok"] as? Int == 0)
    }
}
