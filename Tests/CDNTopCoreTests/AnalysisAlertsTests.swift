import CDNTopCore
import Foundation
import Testing

@Suite("Alerts")
struct AnalysisAlertsTests {
    /// 2023-11-14 21:00:00 UTC.
    private let base = Date(timeIntervalSince1970: 1_699_995_600)

    private func probe(_ ttfbMilliseconds: Int64, ok: Bool = true, cache: CacheStatus? = .hit) -> ProbeResult {
        ProbeResult(timestamp: base, endpoint: "fastly", site: "changelog.com", url: "https://changelog.com/",
                    vantage: Vantage(label: "eu-west", continent: .europe), provider: .fastly, ok: ok,
                    status: ok ? 200 : nil, httpVersion: "2", cache: ok ? cache : nil, pop: "FRA",
                    timings: PhaseTimings(ttfb: ttfbMilliseconds * 1000, total: ttfbMilliseconds * 1000),
                    error: ok ? nil : .timeout)
    }

    /// One minute bucket `minute` minutes after `base`, holding `probes`.
    private func bucket(_ minute: Int, _ probes: [ProbeResult]) -> SeriesPoint {
        var aggregate = ProbeAggregate()
        probes.forEach { aggregate.add($0) }
        return SeriesPoint(start: base.addingTimeInterval(Double(minute) * 60), aggregate: aggregate)
    }

    private func minutes(_ count: Double) -> Date { base.addingTimeInterval(count * 60) }

    @Test("a limit needs its minimum of samples before it fires")
    func minimumSamples() {
        let limits = AlertThresholds(maxP95: 0.8, window: 300, minProbes: 10)
        var aggregate = ProbeAggregate()
        for _ in 0..<9 { aggregate.add(probe(1215)) }
        #expect(AlertRules.breaches(endpoint: "fastly", aggregate, thresholds: limits).isEmpty)
        aggregate.add(probe(1215))
        let readings = AlertRules.breaches(endpoint: "fastly", aggregate, thresholds: limits)
        #expect(readings.map(\.kind) == [.maxP95])
        #expect(readings.first?.n == 10)
    }

    @Test("each kind reads its own figure and direction")
    func kinds() {
        var aggregate = ProbeAggregate()
        for _ in 0..<6 { aggregate.add(probe(100, cache: .miss)) }
        for _ in 0..<2 { aggregate.add(probe(100, cache: .hit)) }
        for _ in 0..<2 { aggregate.add(probe(0, ok: false)) }
        let limits = AlertThresholds(maxP95: 0.2, maxAvg: 0.05, minHitRatio: 0.9, maxErrorRate: 0.05, minProbes: 5)
        let readings = AlertRules.breaches(endpoint: "fastly", aggregate, thresholds: limits)
        #expect(readings.map(\.kind) == [.maxAvg, .minHitRatio, .maxErrorRate])
        #expect(readings.first { $0.kind == .minHitRatio }?.value == 0.25)
        #expect(readings.first { $0.kind == .minHitRatio }?.n == 8)
        #expect(readings.first { $0.kind == .maxErrorRate }?.value == 0.2)
        #expect(readings.first { $0.kind == .maxErrorRate }?.n == 10)
        // Equal to the line is within it.
        #expect(AlertRules.breaches(endpoint: "fastly", aggregate,
                                    thresholds: AlertThresholds(maxErrorRate: 0.2, minProbes: 5)).isEmpty)
    }

    @Test("the line reads like the issue's example")
    func lineText() {
        let reading = AlertReading(endpoint: "fastly", kind: .maxP95, limit: 0.8, value: 1.215, n: 42, window: 300)
        #expect(reading.text == "p95 1,215 ms > 800 ms (n=42, 5m)")
        let episode = AlertEpisode(endpoint: "fastly", kind: .maxP95, start: minutes(34), end: nil, worst: reading, latest: reading)
        #expect(episode.firingText == "p95 1,215 ms > 800 ms (n=42, 5m) since \(EventClock.text(minutes(34)).prefix(5))")
        #expect(episode.recoveredText == nil)
        var ended = episode
        ended.end = minutes(46)
        #expect(ended.recoveredText == "p95 back within 800 ms after 12m")
        #expect(AlertReading(endpoint: "b", kind: .minHitRatio, limit: 0.9, value: 0.5, n: 20, window: 60).text
                == "hit ratio 50.0% < 90.0% (n=20, 1m)")
    }

    @Test("a breach starts, keeps its worst figure, and ends when the slow minutes leave the window")
    func episodeFromSeries() {
        let fast = Array(repeating: probe(100), count: 10)
        let slow = Array(repeating: probe(1000), count: 10)
        let slower = Array(repeating: probe(1500), count: 10)
        // Minutes 0–4 fast, 5 slow, 6 slower, 7–14 fast; a 2-minute window.
        let points = (0..<15).map { minute in bucket(minute, minute == 5 ? slow : minute == 6 ? slower : fast) }
        let limits = AlertThresholds(maxP95: 0.8, window: 120, minProbes: 10)
        let episodes = AlertRules.episodes(series: ["fastly": points], thresholds: ["fastly": limits],
                                           since: minutes(0), now: minutes(14.5))
        #expect(episodes.count == 1)
        let episode = episodes[0]
        // The window ending at minute 6 holds minutes 4 and 5: the first that breaches.
        #expect(episode.start == minutes(6))
        // Minutes 5 and 6 are both out of the window ending at minute 9 (it holds 7 and 8).
        #expect(episode.end == minutes(9))
        #expect(abs(episode.worst.value - 1.5) < 0.02)
        #expect(episode.worst.n == 20)
    }

    @Test("a breach lasting at the last minute end is ongoing; the minute in progress waits for its end")
    func ongoing() {
        let points = [bucket(0, Array(repeating: probe(100), count: 10)), bucket(1, Array(repeating: probe(2000), count: 30))]
        let limits = AlertThresholds(maxP95: 0.8, maxAvg: 5, window: 60, minProbes: 10)
        func summary(now: Double) -> AlertSummary {
            AlertSummary(thresholds: ["fastly": limits],
                         episodes: AlertRules.episodes(series: ["fastly": points], thresholds: ["fastly": limits],
                                                       since: minutes(0), now: minutes(now)))
        }
        #expect(summary(now: 1.5).firing.isEmpty, "minute 1 is not over yet")
        let firing = summary(now: 2.5)
        #expect(firing.firing.count == 1)
        #expect(firing.isFiring("fastly", .maxP95))
        #expect(!firing.isFiring("fastly", .maxAvg))
        #expect(firing.firing.first?.start == minutes(2))
    }

    @Test("no probes in the window ends a breach rather than keeping it on")
    func silenceEnds() {
        let points = [bucket(0, Array(repeating: probe(2000), count: 10))]
        let limits = AlertThresholds(maxP95: 0.8, window: 60, minProbes: 10)
        let episodes = AlertRules.episodes(series: ["fastly": points], thresholds: ["fastly": limits],
                                           since: minutes(0), now: minutes(30))
        #expect(episodes.map(\.start) == [minutes(1)])
        #expect(episodes.map(\.end) == [minutes(2)])
    }

    @Test("the window reaches whole minutes back from a minute edge")
    func windowStart() {
        #expect(AlertRules.windowStart(endingAt: minutes(10), window: 300) == minutes(5))
        #expect(AlertRules.windowStart(endingAt: minutes(10), window: 90) == minutes(8))
    }
}
