import CDNTopCore
import Foundation
import TestSupport
import Testing

/// The traffic analysis' own rules: gaps are not zeros, probed-only providers are said so,
/// versions come in version order, and paths from logs reach no screen or report unsanitized.
@Suite("Traffic analysis")
struct AnalysisTrafficTests {
    static let now = TrafficFixtures.now
    static let plan = TrafficPlan(window: .hour, until: now)

    static func minute(_ minutesAgo: Int, provider: Provider? = .fastly, hits: Int64, misses: Int64) -> TrafficMinute {
        var minute = TrafficMinute(site: "shop.example", provider: provider, minute: Int64(now.timeIntervalSince1970) - Int64(minutesAgo) * 60)
        minute.cache.add(.hit, count: hits)
        minute.cache.add(.miss, count: misses)
        return minute
    }

    static func analyze(_ minutes: [TrafficMinute]) -> TrafficAnalysis {
        var merged: [Provider?: TrafficMinute] = [:]
        for minute in minutes {
            merged[minute.provider, default: TrafficMinute(site: minute.site, provider: minute.provider, minute: 0)].merge(minute)
        }
        return TrafficAnalyzer.analyze(site: "shop.example", plan: plan, window: Array(merged.values), series: minutes,
                                       probes: nil, maxSlices: 60)
    }

    @Test func aMinuteWithoutRequestsIsAGapAndOneWithoutMissesIsAZero() {
        let analysis = Self.analyze([Self.minute(10, hits: 5, misses: 0), Self.minute(5, hits: 5, misses: 4)])
        #expect(analysis.sliceSeconds == 60)
        #expect(analysis.misses.count == 60)
        let points = analysis.missPoints
        #expect(points[50].p50 == 0)
        #expect(points[55].p50 == 4)
        #expect(points[30].p50 == nil)
        #expect(analysis.missSparkline.count == 60)
        #expect(Array(analysis.missSparkline)[30] == Sparkline.gap)
    }

    @Test func versionsInVersionOrderAndPathsSanitized() {
        var minute = Self.minute(3, hits: 1, misses: 3)
        minute.byHTTPVersion = ["3": 1, "1.1": 5, "2": 7, "1.0": 2]
        minute.topMisses.add("/a\u{1B}]0;pwned\u{07}b", count: 3)
        let analysis = Self.analyze([minute])
        #expect(analysis.httpVersions.map(\.label) == ["1.0", "1.1", "2", "3"])
        let path = analysis.topMisses.first?.label ?? ""
        #expect(!path.contains("\u{1B}") && !path.contains("pwned") && path.hasPrefix("/a"))
    }

    @Test func aWindowWithoutLinesIsEmpty() {
        let analysis = Self.analyze([])
        #expect(analysis.isEmpty)
        #expect(analysis.missScale == nil && analysis.missSparkline.isEmpty)
        var malformed = TrafficMinute(site: "shop.example", provider: .fastly, minute: Int64(Self.now.timeIntervalSince1970) - 60)
        malformed.malformedLines = 2
        #expect(!Self.analyze([malformed]).isEmpty, "malformed lines were ingested: the window is not empty")
    }
}
