import CDNTopCore
import Foundation
import Store
import TestSupport
import Testing

private let minute = 60.0
private let hour = 3600.0
private let day = 86_400.0

/// The exact quantile the sketch's error bound is stated against (`QuantileSketch`): the
/// nearest rank, `⌈q·n⌉ − 1` (0-based) in sorted order.
private func exactQuantile(_ q: Double, of sorted: [Double]) -> Double {
    sorted[max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1)]
}

/// Whether a sketch's estimate is within its documented bound of the exact value: relative
/// error α, plus rounding slack. An exact 0 must come back as exactly 0.
private func withinBound(_ estimate: Double, of exact: Double) -> Bool {
    abs(estimate - exact) <= QuantileSketch.relativeAccuracy * exact * (1 + 1e-9)
}

@Suite("Windows from rollups")
struct StoreWindowTests {
    /// Each phase's name, its raw timing and its sketch in an aggregate.
    private let phases: [(name: String, timing: KeyPath<PhaseTimings, Int64>, sketch: KeyPath<ProbeAggregate, QuantileSketch>)] = [
        ("dns", \.dns, \.dns), ("connect", \.connect, \.connect), ("tls", \.tls, \.tls),
        ("ttfb", \.ttfb, \.ttfb), ("transfer", \.transfer, \.transfer), ("total", \.total, \.total),
    ]
    /// Requested windows with awkward edges: inside one minute, across hours, across days.
    static let windows: [(start: Double, length: Double)] = [
        (0, 50), (17.5, 59 * minute + 3), (hour + 17 * minute + 23.5, 5 * hour), (100, 26 * hour + 31),
        (3 * hour + 0.5, 2 * day + 5 * hour + 3 * minute + 10.2), (-hour, 4 * day),
    ]

    @Test("window aggregates equal the figures computed from the raw rows")
    func matchesRawRows() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteProbeStore(path: directory.file("probes.sqlite"))
        try record(syntheticProbes(from: referenceTime, hours: 3 * 24), into: store)
        for window in Self.windows {
            let since = referenceTime + window.start
            let until = since + window.length
            let result = try store.windowAggregates(since: since, until: until)

            // Widened to whole minutes, never narrowed.
            #expect(result.since <= since && result.since > since - minute, "\(window)")
            #expect(result.until >= until && result.until < until + minute, "\(window)")
            #expect(result.since.timeIntervalSince1970.truncatingRemainder(dividingBy: minute) == 0)

            let expected = try rawAggregates(in: store, since: result.since, until: result.until)
            #expect(!expected.isEmpty, "\(window)")
            // Counts, sums and every counted vocabulary exactly; the sketches bin for bin.
            #expect(result.cells == expected, "\(window)")
        }
    }

    @Test("window percentiles are within the sketch bound of the exact raw percentiles")
    func percentilesWithinBound() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteProbeStore(path: directory.file("probes.sqlite"))
        try record(syntheticProbes(from: referenceTime, hours: 30), into: store)
        let result = try store.windowAggregates(since: referenceTime + 1234, until: referenceTime + 27 * hour)
        var exactTTFB: [String: [Double]] = [:]
        try store.forEachProbe(since: result.since, until: result.until) { probe in
            if probe.ok { exactTTFB[probe.endpoint, default: []].append(Double(probe.timings.ttfb)) }
        }
        for (endpoint, aggregate) in result.byEndpoint {
            let sorted = try #require(exactTTFB[endpoint]).sorted()
            #expect(aggregate.ttfb.count == sorted.count)
            for q in [0.5, 0.9, 0.95, 0.99] {
                let exact = exactQuantile(q, of: sorted)
                let estimate = try #require(aggregate.ttfb.quantile(q))
                #expect(withinBound(estimate, of: exact), "\(endpoint) p\(q * 100): \(estimate) vs \(exact)")
            }
        }
    }

    @Test("window phase medians are within the sketch bound of the raw medians; no TLS gives 0")
    func phaseMediansWithinBound() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteProbeStore(path: directory.file("probes.sqlite"))
        try record(syntheticProbes(from: referenceTime, hours: 30), into: store)
        // Day, hour and minute rows all take part.
        let result = try store.windowAggregates(since: referenceTime + 1234, until: referenceTime + 27 * hour)
        var exact: [String: [String: [Double]]] = [:]
        try store.forEachProbe(since: result.since, until: result.until) { probe in
            guard probe.ok else { return }
            for phase in phases {
                exact[probe.endpoint, default: [:]][phase.name, default: []]
                    .append(Double(probe.timings[keyPath: phase.timing]))
            }
        }
        for (endpoint, aggregate) in result.byEndpoint {
            for phase in phases {
                let sorted = try #require(exact[endpoint]?[phase.name]).sorted()
                let sketch = aggregate[keyPath: phase.sketch]
                #expect(sketch.count == sorted.count, "\(endpoint) \(phase.name)")
                let median = try #require(sketch.quantile(0.5), "\(endpoint) \(phase.name)")
                let exactMedian = exactQuantile(0.5, of: sorted)
                #expect(withinBound(median, of: exactMedian),
                        "\(endpoint) \(phase.name) median: \(median) vs \(exactMedian)")
            }
        }
        // The plain-HTTP origin never spends time on TLS: its median is 0, not nil.
        #expect(result.byEndpoint["origin"]?.tls.quantile(0.5) == 0)
        #expect(result.byEndpoint["fastly"]?.tls.quantile(0.5).map { $0 > 0 } == true)
    }

    @Test("the vantage and POP-region tables regroup the same cells")
    func groupings() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteProbeStore(path: directory.file("probes.sqlite"))
        let probes = syntheticProbes(from: referenceTime, hours: 2)
        try record(probes, into: store)
        let result = try store.windowAggregates(since: referenceTime - hour, until: referenceTime + 3 * hour)
        #expect(result.byEndpoint.values.reduce(0) { $0 + $1.count } == probes.count)
        let fastlyEU = EndpointVantage(endpoint: "fastly", vantage: Vantage(label: "eu-west", continent: .europe))
        #expect(result.byVantage[fastlyEU]?.count
                == probes.filter { $0.endpoint == "fastly" && $0.vantage.label == "eu-west" }.count)
        let bunnyUnknownRegion = EndpointPOPRegion(endpoint: "bunny", popRegion: nil)
        #expect(result.byPOPRegion[bunnyUnknownRegion]?.count
                == probes.filter { $0.endpoint == "bunny" && $0.popRegion == nil }.count)
    }

    @Test("probes on either side of a midnight land in their own minute, hour and day buckets")
    func bucketBoundaries() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteProbeStore(path: directory.file("probes.sqlite"))
        let midnight = Date(timeIntervalSince1970: 1_700_006_400)  // 2023-11-15 00:00:00 UTC
        let before = fullProbe(at: midnight - 0.000_001)
        let after = fullProbe(at: midnight)
        try store.record([before, after])  // one round spanning both days

        for span in RollupSpan.allCases {
            let series = try store.timeSeries(since: midnight - day, until: midnight + day, span: span)
            let points = try #require(series.points["fastly"])
            #expect(points.map(\.start) == [midnight - Double(span.seconds), midnight])
            #expect(points.map(\.aggregate.count) == [1, 1])
        }
        let firstMinute = try store.windowAggregates(since: midnight, until: midnight + 1)
        #expect(firstMinute.byEndpoint["fastly"]?.count == 1)
        #expect(firstMinute.since == midnight && firstMinute.until == midnight + minute)
        let lastMinute = try store.windowAggregates(since: midnight - 1, until: midnight)
        #expect(lastMinute.byEndpoint["fastly"]?.count == 1)
        let emptyMinute = try store.windowAggregates(since: midnight + minute, until: midnight + 2 * minute)
        #expect(emptyMinute.cells.isEmpty)
    }

    @Test("a rollup bucket filled over several rounds equals one filled at once")
    func rollupsAccumulateAcrossRounds() throws {
        let directory = try TemporaryDirectory()
        let probes = syntheticProbes(from: referenceTime, count: 3000, every: 7)
        let oneRound = try SQLiteProbeStore(path: directory.file("one.sqlite"))
        try oneRound.record(probes)
        let manyRounds = try SQLiteProbeStore(path: directory.file("many.sqlite"))
        try record(probes, into: manyRounds, roundSize: 1)
        let since = referenceTime - hour
        let until = referenceTime + 7 * hour
        #expect(try oneRound.windowAggregates(since: since, until: until).cells
                == (try manyRounds.windowAggregates(since: since, until: until).cells))
        #expect(try oneRound.timeSeries(since: since, until: until, span: .minute)
                == (try manyRounds.timeSeries(since: since, until: until, span: .minute)))
    }

    @Test("time series points equal the raw probes of each bucket")
    func timeSeries() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteProbeStore(path: directory.file("probes.sqlite"))
        try record(syntheticProbes(from: referenceTime, hours: 50), into: store)
        let since = referenceTime + 5 * hour + 10
        let until = referenceTime + 40 * hour
        for span in RollupSpan.allCases {
            let series = try store.timeSeries(since: since, until: until, span: span, vantage: "us-east")
            #expect(series.bucketSeconds == Int(span.seconds))
            var expected: [String: [Date: ProbeAggregate]] = [:]
            try store.forEachProbe(since: series.since, until: series.until) { probe in
                guard probe.vantage.label == "us-east" else { return }
                let seconds = probe.timestamp.timeIntervalSince1970
                let start = Date(timeIntervalSince1970: seconds - seconds.truncatingRemainder(dividingBy: Double(span.seconds)))
                expected[probe.endpoint, default: [:]][start, default: ProbeAggregate()].add(probe)
            }
            #expect(Set(series.points.keys) == Set(expected.keys))
            for (endpoint, points) in series.points {
                #expect(points.map(\.start) == points.map(\.start).sorted())
                #expect(Dictionary(uniqueKeysWithValues: points.map { ($0.start, $0.aggregate) }) == expected[endpoint],
                        "\(endpoint) per \(span)")
            }
        }
    }

    @Test("pruning drops old rows and later windows widen honestly to what is left")
    func retention() throws {
        let directory = try TemporaryDirectory()
        let settings = StoreSettings(retention: 5 * day, minuteRollupRetention: day,
                                     rollupRetention: 10 * day, busyTimeout: 5)
        let store = try SQLiteProbeStore(path: directory.file("probes.sqlite"), settings: settings)
        try record(syntheticProbes(from: referenceTime, count: 14 * 24 * 12, every: 300), into: store, roundSize: 50)
        let now = referenceTime + 14 * day
        let eightDaysOnTheHour = Date(timeIntervalSince1970: ((now - 8 * day).timeIntervalSince1970 / hour).rounded(.down) * hour)
        let lastEightDays = try store.windowAggregates(since: eightDaysOnTheHour, until: now)
        let dayHorizon = Date(timeIntervalSince1970: ((now - 10 * day).timeIntervalSince1970 / day).rounded(.down) * day)
        let sinceDayHorizon = try store.windowAggregates(since: dayHorizon, until: now)

        try store.prune(now: now)
        try store.prune(now: now - day)  // an earlier clock never lowers a horizon

        // Raw probes: only the last five days.
        let remaining = try allProbes(in: store)
        #expect(try #require(remaining.first).timestamp >= now - 5 * day)
        #expect(try #require(remaining.first).timestamp < now - 5 * day + 600)

        // Past the minute horizon, windows start on the hour and still match the raw rows.
        let threeDays = try store.windowAggregates(since: now - 3 * day + 17 * minute, until: now)
        #expect(threeDays.since.timeIntervalSince1970.truncatingRemainder(dividingBy: hour) == 0)
        #expect(threeDays.since <= now - 3 * day + 17 * minute)
        #expect(threeDays.cells == (try rawAggregates(in: store, since: threeDays.since, until: threeDays.until)))

        // Windows past the raw retention still come from hour and day rollups.
        let eightDays = try store.windowAggregates(since: now - 8 * day, until: now)
        #expect(eightDays.since == eightDaysOnTheHour)
        #expect(eightDays.cells == lastEightDays.cells)

        // Past the rollup retention, the window starts at the oldest complete day.
        let twelveDays = try store.windowAggregates(since: now - 12 * day, until: now)
        #expect(twelveDays.since == dayHorizon)
        #expect(twelveDays.cells == sinceDayHorizon.cells)

        // Minute series do not reach past their horizon either.
        let minutes = try store.timeSeries(since: now - 3 * day, until: now, span: .minute)
        #expect(minutes.since >= now - day - minute)
        #expect(minutes.points.values.allSatisfy { $0.allSatisfy { $0.start >= minutes.since } })
    }
}
