import CDNTopCore
import Foundation
import GRDB
import Store
import Testing

/// Measures the figures the issue asks for on a month of data: 10 endpoints × 7 vantage points
/// × one probe a minute for 30 days (3,024,000 probes). It prints; it asserts no timings.
/// Run it in release: `CDNTOP_STORE_BENCHMARK=1 swift test -c release --filter StoreBenchmark`.
@Suite("Store benchmark", .enabled(if: ProcessInfo.processInfo.environment["CDNTOP_STORE_BENCHMARK"] != nil,
                                   "set CDNTOP_STORE_BENCHMARK=1 to run"))
struct StoreBenchmarkTests {
    private static let days = 30
    private static let endpoints = (0..<10).map { "endpoint-\($0)" }
    private static let vantages = Continent.allCases.map { Vantage(label: "probe-\($0.rawValue)", continent: $0) }
    private static let regions = Continent.allCases

    /// One minute of probes: every endpoint from every vantage point.
    private static func minuteOfProbes(_ minute: Int, start: Date) -> [ProbeResult] {
        var probes: [ProbeResult] = []
        probes.reserveCapacity(endpoints.count * vantages.count)
        for (endpointIndex, endpoint) in endpoints.enumerated() {
            for (vantageIndex, vantage) in vantages.enumerated() {
                let seed = minute &* 31 &+ endpointIndex &* 7 &+ vantageIndex
                let ttfb = Int64(20_000 + seed &* 7919 % 400_000)
                let failed = seed % 97 == 0
                probes.append(ProbeResult(
                    timestamp: start + Double(minute * 60) + Double(seed % 50) / 10,
                    endpoint: endpoint, site: "example.com", url: "https://\(endpoint).example.com/",
                    vantage: vantage, provider: .fastly, ok: !failed, status: failed ? nil : 200,
                    httpVersion: failed ? nil : "2", cache: failed ? nil : seed % 3 == 0 ? .miss : .hit,
                    cacheRaw: failed ? nil : "MISS, HIT", pop: failed ? nil : "FRA",
                    popRegion: failed ? nil : regions[(vantageIndex + seed % 2) % regions.count],
                    age: 12, timings: PhaseTimings(dns: 800, connect: 9000, tls: 15_000, ttfb: ttfb,
                                                   transfer: 2000, total: ttfb + 2000),
                    bytes: 48_000, remoteIP: "151.101.1.57", error: failed ? .timeout : nil))
            }
        }
        return probes
    }

    private static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    private static func median(runs: Int = 5, _ body: () throws -> Void) rethrows -> Double {
        var times: [Double] = []
        for _ in 0..<runs { times.append(try seconds(body)) }
        return times.sorted()[runs / 2]
    }

    /// The file's size and, from SQLite's `dbstat`, the bytes each table and index occupies.
    private static func printSizes(of path: String, probes: Int, label: String) throws {
        let fileBytes = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        print("file \(label): \(fileBytes) bytes = \(fileBytes / probes) bytes/probe (WAL excluded)")
        let perObject = try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: """
                SELECT name, sum(pgsize - unused) AS bytes FROM dbstat GROUP BY name HAVING bytes > 65536 ORDER BY bytes DESC
                """)
        }
        for row in perObject {
            let bytes: Int = row["bytes"]
            print("  \(row["name"] as String): \(bytes) bytes used = \(String(format: "%.1f", Double(bytes) / Double(probes))) bytes/probe")
        }
    }

    @Test("a month of probes")
    func month() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("probes.sqlite")
        let store = try ProbeStore(path: path)
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        let minutes = Self.days * 24 * 60
        var probeCount = 0
        var generating = 0.0
        let writing = try Self.seconds {
            for hour in 0..<(minutes / 60 - 1) {
                var batch: [ProbeResult] = []
                generating += Self.seconds {
                    batch = (hour * 60..<(hour + 1) * 60).flatMap { Self.minuteOfProbes($0, start: start) }
                }
                try store.record(batch)
                probeCount += batch.count
            }
        }
        print("batched insert: \(probeCount) probes in \(writing - generating) s = \(Int(Double(probeCount) / (writing - generating))) probes/s (hour batches of 4200, generation excluded)")

        var roundTimes: [Double] = []
        for minute in (minutes - 60)..<minutes {
            let round = Self.minuteOfProbes(minute, start: start)
            roundTimes.append(try Self.seconds { try store.record(round) })
            probeCount += round.count
        }
        roundTimes.sort()
        print("agent rounds of 70 probes: median \(roundTimes[30] * 1000) ms, max \(roundTimes.last! * 1000) ms per round")

        try Self.printSizes(of: path, probes: probeCount, label: "before pruning (30 days of minute rollups)")

        let now = start + Double(minutes * 60)
        for (label, length) in [("1h", 3600.0), ("24h", 86_400), ("7d", 7 * 86_400), ("30d", 30 * 86_400)] {
            var cellCount = 0
            var probesInWindow = 0
            let time = try Self.median {
                let window = try store.windowAggregates(since: now - length + 37, until: now)
                cellCount = window.cells.count
                probesInWindow = window.cells.values.reduce(0) { $0 + $1.count }
            }
            print("window \(label): \(time * 1000) ms (\(cellCount) cells, \(probesInWindow) probes)")
        }
        for (label, span, length) in [("minute series 1h", RollupSpan.minute, 3600.0),
                                      ("hour series 24h", .hour, 86_400),
                                      ("hour series 30d (50k hour rows)", .hour, 30 * 86_400),
                                      ("day series 30d", .day, 30 * 86_400)] {
            var points = 0
            let time = try Self.median {
                points = try store.timeSeries(since: now - length, until: now, span: span).points.values
                    .reduce(0) { $0 + $1.count }
            }
            print("\(label): \(time * 1000) ms (\(points) points)")
        }

        var exported = 0
        let exportTime = try Self.seconds {
            try store.forEachProbe(since: nil, until: nil) { _ in exported += 1 }
        }
        print("forEachProbe: \(exported) probes in \(exportTime) s = \(Int(Double(exported) / exportTime)) probes/s")

        // A day later with default settings: 28 days of minute rollups go, raw probes stay.
        let pruneTime = try Self.seconds { try store.prune(now: now + 86_400) }
        print("first prune (deletes ~2.8M minute rollup rows in steps): \(pruneTime) s")
        let steadyPrune = try Self.seconds { try store.prune(now: now + 86_400 + 60) }
        print("prune a minute later: \(steadyPrune * 1000) ms")
        try Self.printSizes(of: path, probes: probeCount, label: "after pruning (2 days of minute rollups; freed pages are reused)")
        let afterPrune = try Self.median {
            _ = try store.windowAggregates(since: now - 30 * 86_400 + 37, until: now)
        }
        print("window 30d after pruning minute rollups: \(afterPrune * 1000) ms")
        let minuteSeries = try store.timeSeries(since: start, until: now, span: .minute)
        #expect(minuteSeries.since >= now - 86_400 - 60)
        #expect(minuteSeries.points.values.allSatisfy { $0.allSatisfy { $0.start >= minuteSeries.since } })
        #expect(exported == probeCount)
    }
}
