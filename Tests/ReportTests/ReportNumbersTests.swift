import CDNTopCore
import Foundation
import Report
import Store
import Testing

/// The report's numbers against values worked out by hand from `ReportFixtures`.
@Suite("Report numbers")
struct ReportNumbersTests {
    let json: [String: Any]

    init() throws {
        let analysis = try ReportBuilder.analyze(store: try ReportFixtures.store(), site: nil, window: .day,
                                                 now: ReportFixtures.now)
        let text = JSONReport.render(analysis, generatedAt: ReportFixtures.now)
        json = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func endpoint(_ name: String) throws -> [String: Any] {
        let endpoints = try #require(json["endpoints"] as? [[String: Any]])
        return try #require(endpoints.first { $0["endpoint"] as? String == name })
    }

    @Test func header() {
        #expect(json["site"] as? String == "shop.example")
        #expect(json["window"] as? String == "24h")
        #expect(json["probes"] as? Int == 10)
        #expect(json["until"] as? String == "2026-11-22T12:00:00Z")
        #expect(json["since"] as? String == "2026-11-21T12:00:00Z")
    }

    @Test func countsAndHitRatios() throws {
        let bunny = try endpoint("bunny")
        #expect(bunny["probes"] as? Int == 4)
        #expect(bunny["ok"] as? Int == 4)
        #expect(bunny["provider"] as? String == "bunny")
        #expect(bunny["hit_ratio"] as? Double == 0.75)
        #expect((bunny["cache"] as? [String: Int])?["HIT"] == 3)
        #expect((bunny["cache"] as? [String: Int])?["MISS"] == 1)
        #expect(bunny["pops"] as? [String: Int] == ["FRA": 2, "AMS": 1, "IAD": 1])

        let fastly = try endpoint("fastly")
        #expect(fastly["probes"] as? Int == 4)
        #expect(fastly["ok"] as? Int == 3)
        #expect(try #require(fastly["hit_ratio"] as? Double) == (1.0 / 3.0).rounded6)
        #expect(fastly["errors"] as? [String: Int] == ["timeout": 1])
        #expect(fastly["http_versions"] as? [String: Int] == ["2": 3])

        let origin = try endpoint("origin")
        #expect(origin["origin"] as? Bool == true)
        #expect(origin["hit_ratio"] is NSNull || origin["hit_ratio"] == nil)
        #expect((origin["cache"] as? [String: Int])?["no_cache"] == 2)
    }

    @Test func averagesAreExact() throws {
        // Sums are stored exactly, so averages are exact: (40+50+60+70)/4, (100+300+200)/3, (150+250)/2.
        #expect((try endpoint("bunny")["ttfb_ms"] as? [String: Any])?["avg"] as? Double == 55)
        #expect((try endpoint("fastly")["ttfb_ms"] as? [String: Any])?["avg"] as? Double == 200)
        #expect((try endpoint("origin")["ttfb_ms"] as? [String: Any])?["avg"] as? Double == 200)
        #expect((try endpoint("fastly")["ttfb_ms"] as? [String: Any])?["n"] as? Int == 3)
        #expect((try endpoint("bunny")["total_ms"] as? [String: Any])?["avg"] as? Double == 55.5)
    }

    @Test func percentilesWithinTheSketchBound() throws {
        let ttfb = try #require(try endpoint("bunny")["ttfb_ms"] as? [String: Any])
        // Median of 40, 50, 60, 70 lies between 50 and 60; p99 is the largest, 70.
        let p50 = try #require(ttfb["p50"] as? Double)
        #expect(p50 >= 50 * 0.99 && p50 <= 60 * 1.01)
        #expect(abs(try #require(ttfb["p99"] as? Double) - 70) <= 0.7)
        let phases = try #require(try endpoint("bunny")["phase_medians_ms"] as? [String: Any])
        #expect(abs(try #require(phases["dns"] as? Double) - 1) <= 0.01)
        #expect(abs(try #require(phases["tls"] as? Double) - 3) <= 0.03)
        #expect(abs(try #require(phases["transfer"] as? Double) - 0.5) <= 0.005)
    }

    @Test func originComparison() throws {
        let comparisons = try #require(json["origin_comparison"] as? [[String: Any]])
        let bunny = try #require(comparisons.first { $0["endpoint"] as? String == "bunny" })
        #expect(bunny["factor"] as? Double == 3.636)          // 200 / 55
        #expect(bunny["faster"] as? Bool == true)
        #expect(bunny["summary"] as? String == "3.6× faster than origin")
        let fastly = try #require(comparisons.first { $0["endpoint"] as? String == "fastly" })
        #expect(fastly["factor"] as? Double == 1)
        #expect(fastly["summary"] as? String == "as fast as origin (within 5%)")
        #expect(comparisons.count == 2, "the origin is not compared with itself")
    }

    @Test func regions() throws {
        let regions = try #require(json["regions"] as? [[String: Any]])
        #expect(regions.map { $0["vantage"] as? String } == ["us-east", "eu-west"], "the continent order")
        let europe = regions[1]
        #expect(europe["best"] as? String == "bunny")
        let cells = try #require(europe["endpoints"] as? [[String: Any]])
        let fastly = try #require(cells.first { $0["endpoint"] as? String == "fastly" })
        #expect(fastly["probes"] as? Int == 2)
        #expect((fastly["ttfb_ms"] as? [String: Any])?["avg"] as? Double == 200)
        let america = try #require(regions[0]["endpoints"] as? [[String: Any]])
        let fastlyUS = try #require(america.first { $0["endpoint"] as? String == "fastly" })
        #expect(fastlyUS["probes"] as? Int == 2, "the timeout counts as a probe")
        #expect((fastlyUS["ttfb_ms"] as? [String: Any])?["n"] as? Int == 1, "but not as a latency sample")
    }
}

extension Double {
    fileprivate var rounded6: Double { (self * 1e6).rounded() / 1e6 }
}
