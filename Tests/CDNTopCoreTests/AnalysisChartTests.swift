import CDNTopCore
import Foundation
import Testing

/// The chart rule the screen and the report share: round slices on the UTC clock, a round
/// scale that stays put while the data stays inside it.
@Suite("Chart slices and scale")
struct AnalysisChartTests {
    /// 2026-11-22 11:59:58.5 UTC: not on any slice edge.
    static let now = Date(timeIntervalSince1970: 1_795_867_198.5)

    static func probe(at date: Date, ttfbMs: Int64, ok: Bool = true) -> ProbeResult {
        ProbeResult(timestamp: date, endpoint: "fastly", site: "s", url: "u",
                    vantage: Vantage(label: "eu-west", continent: .europe), ok: ok, status: ok ? 200 : nil,
                    timings: PhaseTimings(ttfb: ttfbMs * 1000), error: ok ? nil : .timeout)
    }

    @Test func slicesAreRoundAndStartOnTheirOwnMultiples() {
        for (window, maxSlices) in [(ReportWindow.fiveMinutes, 70), (.hour, 61), (.hour, 40), (.day, 100), (.week, 60), (.month, 60)] {
            let chart = ChartSlicing(window: window, until: Self.now, maxSlices: maxSlices)
            #expect(chart.count <= maxSlices, "\(window) at \(maxSlices)")
            #expect(Int(chart.since.timeIntervalSince1970) % chart.sliceSeconds == 0, "\(window): slices on the clock")
            #expect(chart.since <= Self.now.addingTimeInterval(-window.seconds), "\(window): the chart covers the window")
            #expect(chart.until > Self.now, "\(window): the newest slice holds now")
        }
        #expect(ChartSlicing(window: .hour, until: Self.now, maxSlices: 61).sliceSeconds == 60)
        #expect(ChartSlicing(window: .hour, until: Self.now, maxSlices: 40).sliceSeconds == 120)
    }

    /// Raw probes only for five minutes, minute rollups up to an hour, hour rollups beyond,
    /// however wide the screen.
    @Test func slicesNeverFinerThanTheWindowsDataSource() {
        #expect(ChartSlicing(window: .fiveMinutes, until: Self.now, maxSlices: 1000).sliceSeconds == 1)
        #expect(ChartSlicing(window: .hour, until: Self.now, maxSlices: 1000).sliceSeconds == 60)
        let day = ChartSlicing(window: .day, until: Self.now, maxSlices: 1000)
        #expect(day.sliceSeconds == 3600 && day.bucketSeconds == 3600 && !day.needsRawProbes)
        #expect(ChartSlicing(window: .month, until: Self.now, maxSlices: 30).bucketSeconds == 86_400)
    }

    /// The bug this rule fixes: the same probes, read a few seconds apart within one slice,
    /// must give the same chart.
    @Test func aRefreshWithinASliceChangesNothing() {
        let probes = (0..<50).map { index -> ProbeResult in
            let age = Double(index * 70)
            return Self.probe(at: Self.now.addingTimeInterval(-age), ttfbMs: Int64(50 + (index * 37) % 200))
        }
        let first = ChartSlicing(window: .hour, until: Self.now, maxSlices: 61)
        let later = ChartSlicing(window: .hour, until: Self.now.addingTimeInterval(1), maxSlices: 61)
        #expect(first == later)
        #expect(first.points(probes: probes) == later.points(probes: probes))
    }

    @Test func failedSlicesKeepTheirCountAndNoMedian() {
        let chart = ChartSlicing(window: .fiveMinutes, until: Self.now, maxSlices: 5)
        let points = chart.points(probes: [Self.probe(at: Self.now.addingTimeInterval(-200), ttfbMs: 0, ok: false),
                                           Self.probe(at: Self.now.addingTimeInterval(-1), ttfbMs: 80)])
        #expect(points.contains { $0.probes == 1 && $0.failed == 1 && $0.p50 == nil })
        #expect(points.last?.p50 == 80)
    }

    static func series(_ medians: [Double?]) -> [[SparklinePoint]] {
        [medians.enumerated().map { SparklinePoint(start: Self.now.addingTimeInterval(Double($0.offset)), p50: $0.element,
                                                   probes: 1, failed: $0.element == nil ? 1 : 0) }]
    }

    @Test func scaleBoundsAreRoundAndOutsideTheData() throws {
        let scale = try #require(ChartScale(fitting: Self.series([58, 120, 288])))
        #expect(scale.low == 50 && scale.high == 300)
        #expect(scale.legend == "▁ 50 ms … █ 300 ms")
        #expect(ChartScale(fitting: Self.series([nil, nil])) == nil, "failures only: no scale to draw on")
        let tiny = try #require(ChartScale(fitting: Self.series([0.4, 0.9])))
        #expect(tiny.low <= 0.4 && tiny.high >= 0.9)
    }

    @Test func scaleMovesOnlyWhenTheDataLeavesIt() throws {
        let scale = try #require(ChartScale(fitting: Self.series([58, 288])))
        #expect(scale.keeping(Self.series([60, 100])) == scale, "a quieter refresh keeps the scale")
        #expect(scale.keeping(Self.series([60, 1215])).high == 1500, "a slow slice outside it refits")
    }
}
