import CDNTopCore
import Foundation
import Report
import Store
import Testing

@Suite("Report alerts")
struct ReportAlertsTests {
    /// The fixture plus twelve fastly probes at 1,000 ms TTFB over two minutes, half an hour ago.
    static func storeWithSlowSpell() throws -> any ProbeStore {
        let slow = (0..<12).map { index in
            ReportFixtures.probe("fastly", ReportFixtures.europe, minutesAgo: 30 - Double(index) * 0.1, ttfb: 1000,
                                 cache: .hit, provider: .fastly, pop: "FRA")
        }
        return try ReportFixtures.store(ReportFixtures.probes + slow)
    }

    static let thresholds = ["fastly": AlertThresholds(maxP95: 0.8, window: 300, minProbes: 10),
                             "bunny": AlertThresholds(minHitRatio: 0.5, window: 300, minProbes: 10)]

    static func iso(minutesAgo: Double) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: ReportFixtures.now.addingTimeInterval(-minutesAgo * 60))
    }

    @Test func withoutAConfigTheSectionSaysNoneAreConfigured() throws {
        let analysis = try ReportBuilder.analyze(store: try Self.storeWithSlowSpell(), site: "shop.example", window: .day,
                                                 now: ReportFixtures.now)
        let markdown = MarkdownReport.render(analysis, generatedAt: ReportFixtures.now)
        #expect(markdown.contains("## Alerts\n\nNo thresholds configured"))
        let json = try #require(JSONSerialization.jsonObject(with: Data(JSONReport.render(analysis, generatedAt: ReportFixtures.now).utf8)) as? [String: Any])
        let alerts = try #require(json["alerts"] as? [String: Any])
        #expect(alerts["configured"] as? Bool == false)
        #expect((alerts["breaches"] as? [Any])?.isEmpty == true)
    }

    @Test func aBreachHasItsStartEndAndWorstFigure() throws {
        let analysis = try ReportBuilder.analyze(store: try Self.storeWithSlowSpell(), site: "shop.example", window: .day,
                                                 thresholds: Self.thresholds, now: ReportFixtures.now)
        let json = try #require(JSONSerialization.jsonObject(with: Data(JSONReport.render(analysis, generatedAt: ReportFixtures.now).utf8)) as? [String: Any])
        let alerts = try #require(json["alerts"] as? [String: Any])
        #expect(alerts["configured"] as? Bool == true)
        let breaches = try #require(alerts["breaches"] as? [[String: Any]])
        // bunny's hit ratio never has its ten samples: only fastly's p95 breaches.
        #expect(breaches.count == 1)
        let breach = try #require(breaches.first)
        #expect(breach["endpoint"] as? String == "fastly")
        #expect(breach["threshold"] as? String == "max_p95")
        #expect(breach["unit"] as? String == "ms")
        #expect(breach["limit"] as? Double == 800)
        // Ten slow probes fill the window ending 29 minutes ago; twelve the next; by the window
        // ending 24 minutes ago only two are left, under the minimum of ten.
        #expect(breach["start"] as? String == Self.iso(minutesAgo: 29))
        #expect(breach["end"] as? String == Self.iso(minutesAgo: 24))
        // Every window of the spell reads the same p95: the worst is the first that read it.
        #expect(breach["worst_n"] as? Int == 10)
        let worst = try #require(breach["worst"] as? Double)
        #expect(abs(worst - 1000) <= 10, "sketch percentiles are within 1%: \(worst)")

        let markdown = MarkdownReport.render(analysis, generatedAt: ReportFixtures.now)
        #expect(markdown.contains("Thresholds: bunny min_hit_ratio 50.0% over 5m (n ≥ 10); fastly max_p95 800 ms over 5m (n ≥ 10)."))
        #expect(markdown.contains("| endpoint | threshold | start (UTC) | end (UTC) | worst |"))
        let row = try #require(markdown.split(separator: "\n").first { $0.hasPrefix("| fastly | max_p95 800 ms |") })
        #expect(row.contains(" ms > 800 ms (n=10, 5m) |"), "\(row)")
    }

    @Test func aBreachLastingNowIsOngoing() throws {
        let now = ReportFixtures.now
        let slow = (0..<12).map { index in
            ReportFixtures.probe("fastly", ReportFixtures.europe, minutesAgo: 3 - Double(index) * 0.1, ttfb: 1000,
                                 cache: .hit, provider: .fastly, pop: "FRA")
        }
        let analysis = try ReportBuilder.analyze(store: try ReportFixtures.store(ReportFixtures.probes + slow), site: "shop.example",
                                                 window: .hour, thresholds: Self.thresholds, now: now)
        #expect(analysis.alerts.firing.map(\.endpoint) == ["fastly"])
        let markdown = MarkdownReport.render(analysis, generatedAt: now)
        #expect(markdown.split(separator: "\n").contains { $0.hasPrefix("| fastly | max_p95 800 ms |") && $0.contains("| ongoing |") })
        let json = JSONReport.render(analysis, generatedAt: now)
        #expect(json.contains("\"end\" : null"))
    }
}
