import CDNTopCore
import Foundation
import Report
import Store
import TestSupport
import Testing

/// The report's "Real traffic" section and JSON `traffic` object against `TrafficFixtures`,
/// whose every count is known: 1,440 minutes of 120 Fastly and 70 Bunny requests a day.
@Suite("Report real traffic")
struct ReportTrafficTests {
    static func analysis(window: ReportWindow = .day, traffic: (any TrafficStore)? = TrafficFixtures.twoDays) throws -> SiteAnalysis {
        try ReportBuilder.analyze(store: try ReportFixtures.store(), traffic: traffic, site: "shop.example", window: window,
                                  now: ReportFixtures.now)
    }

    static func json(_ analysis: SiteAnalysis) throws -> [String: Any] {
        let text = JSONReport.render(analysis, generatedAt: ReportFixtures.now)
        return try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func golden(_ name: String, _ text: String) throws {
        let file = ReportMarkdownTests.goldenDirectory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["CDNTOP_UPDATE_GOLDEN"] != nil {
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        #expect(text == (try String(contentsOf: file, encoding: .utf8)), "differs from Golden/\(name)")
    }

    @Test func markdownAndJSONMatchTheGoldenFiles() throws {
        let analysis = try Self.analysis()
        try Self.golden("shop.example-24h-traffic.md", MarkdownReport.render(analysis, generatedAt: ReportFixtures.now))
        try Self.golden("shop.example-24h-traffic.json", JSONReport.render(analysis, generatedAt: ReportFixtures.now))
    }

    @Test func trafficObjectHasExactlyTheDocumentedKeys() throws {
        let traffic = try #require(try Self.json(try Self.analysis())["traffic"] as? [String: Any])
        #expect(Set(traffic.keys) == ["requests", "malformed_lines", "hit_ratio", "cache", "by_content_type",
                                      "by_http_version", "top_misses", "changes"])
    }

    @Test func figuresEqualTheKnownCounts() throws {
        let traffic = try #require(try Self.json(try Self.analysis())["traffic"] as? [String: Any])
        #expect(traffic["requests"] as? Int == 1440 * (120 + 70))
        #expect(traffic["malformed_lines"] as? Int == 3)
        // Fastly: 16 h at 111 hits of 120, 8 h at 81; Bunny: 1,400 minutes at 68 of 70, 40 at 52.
        let hits = 960 * 111 + 480 * 81 + 1400 * 68 + 40 * 52
        #expect(traffic["hit_ratio"] as? Double == (Double(hits) / Double(1440 * 190) * 1e6).rounded() / 1e6)
        let cache = try #require(traffic["cache"] as? [String: Int])
        #expect(cache["EXPIRED"] == 1440 && cache["no_cache"] == 0 && cache["HIT"] == hits)
        let versions = try #require(traffic["by_http_version"] as? [[String: Any]])
        #expect(versions.map { $0["version"] as? String } == ["1.1", "2", "3"])
        #expect(versions.map { $0["requests"] as? Int } == [1440 * 116, 1440 * 72, 1440 * 2])
        let content = try #require(traffic["by_content_type"] as? [[String: Any]])
        let html = try #require(content.first { $0["type"] as? String == "html" })
        #expect(html["requests"] as? Int == 1440 * 40)
        #expect(html["hit_ratio"] as? Double == (Double(960 * 35 + 480 * 5) / Double(1440 * 40) * 1e6).rounded() / 1e6)
        let misses = try #require(traffic["top_misses"] as? [[String: Any]])
        #expect(misses.first?["path"] as? String == "/")
        #expect(misses.first?["misses"] as? Int == 960 * 3 + 480 * 20)
    }

    /// The story's step: Fastly's html misses 7× since 04:00, at the hour, with the factor.
    @Test func theHtmlStepIsAChange() throws {
        let traffic = try #require(try Self.json(try Self.analysis())["traffic"] as? [String: Any])
        let changes = try #require(traffic["changes"] as? [[String: Any]])
        let html = try #require(changes.first {
            $0["what"] as? String == "misses" && $0["content_type"] as? String == "html" && $0["provider"] as? String == "fastly"
        })
        #expect(html["since"] as? String == "2026-11-22T04:00:00Z")
        #expect(html["factor"] as? Double == 7)
        #expect(html["summary"] as? String == "misses 7.0× the previous 24 h since Nov 22 04:00 UTC, html")
        #expect(MarkdownReport.render(try Self.analysis(), generatedAt: ReportFixtures.now)
            .contains("- Fastly: misses 7.0× the previous 24 h since Nov 22 04:00 UTC, html"))
    }

    /// No traffic read, or none ingested for the window: `traffic` is null, the markdown says
    /// so, and every other key of the document is as before.
    @Test func absentTrafficIsNullAndSaidSo() throws {
        let earlier = ReportFixtures.now.addingTimeInterval(-3 * 86_400)
        let stores: [(any TrafficStore)?] = [
            nil, try TrafficFixtures.store(minutes: []),
            try TrafficFixtures.store(minutes: TrafficFixtures.minutes().filter { $0.minute < Int64(earlier.timeIntervalSince1970) }),
        ]
        for store in stores {
            let analysis = try Self.analysis(traffic: store)
            let document = try Self.json(analysis)
            #expect(document["traffic"] is NSNull)
            #expect(Set(document.keys) == ["site", "window", "since", "until", "generated_at", "probes", "verdict", "vantages",
                                           "endpoints", "regions", "origin_comparison", "alerts", "agents", "traffic"])
            #expect(MarkdownReport.render(analysis, generatedAt: ReportFixtures.now).contains("No access logs ingested for this window"))
        }
    }
}
