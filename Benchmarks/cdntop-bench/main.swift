// cdntop-bench: the store and report measurements of BENCHMARKS.md, on a generated month of
// probes (10 endpoints × 7 vantage points × one probe a minute × 30 days = 3,024,000).
// It prints figures; it asserts nothing. Run in release:
//
//     swift run -c release cdntop-bench [--days 30] [--runs 5]
import CDNTopCore
import Foundation
import GRDB
import Report
import Store
import TerminalApp
import UI

let arguments = CommandLine.arguments
func option(_ name: String, default value: Int) -> Int {
    arguments.firstIndex(of: name).flatMap { arguments.indices.contains($0 + 1) ? Int(arguments[$0 + 1]) : nil } ?? value
}
let days = option("--days", default: 30)
let runs = option("--runs", default: 5)

let endpoints = (0..<10).map { "endpoint-\($0)" }
let vantages = Continent.allCases.map { Vantage(label: "probe-\($0.rawValue)", continent: $0) }

/// One minute of probes: every endpoint from every vantage point, deterministic, with a
/// spread of latencies, a third of misses and ~1% timeouts. endpoint-0 is the origin.
func minuteOfProbes(_ minute: Int, start: Date) -> [ProbeResult] {
    var probes: [ProbeResult] = []
    probes.reserveCapacity(endpoints.count * vantages.count)
    for (endpointIndex, endpoint) in endpoints.enumerated() {
        for (vantageIndex, vantage) in vantages.enumerated() {
            let seed = minute &* 31 &+ endpointIndex &* 7 &+ vantageIndex
            let ttfb = Int64(20_000 + seed &* 7919 % 400_000)
            let failed = seed % 97 == 0
            let regions = Continent.allCases
            probes.append(ProbeResult(
                timestamp: start + Double(minute * 60) + Double(seed % 50) / 10,
                endpoint: endpoint, site: "example.com", url: "https://\(endpoint).example.com/",
                vantage: vantage, isOrigin: endpointIndex == 0, provider: .fastly, ok: !failed,
                status: failed ? nil : 200, httpVersion: failed ? nil : "2",
                cache: failed ? nil : seed % 3 == 0 ? .miss : .hit, cacheRaw: failed ? nil : "MISS, HIT",
                pop: failed ? nil : "FRA", popRegion: failed ? nil : regions[(vantageIndex + seed % 2) % regions.count],
                age: 12, timings: PhaseTimings(dns: 800, connect: 9000, tls: 15_000, ttfb: ttfb, transfer: 2000, total: ttfb + 2000),
                bytes: 48_000, remoteIP: "151.101.1.57", error: failed ? .timeout : nil))
        }
    }
    return probes
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Median, min and max over `runs` runs, in milliseconds.
func timed(_ body: () throws -> Void) rethrows -> String {
    var times: [Double] = []
    for _ in 0..<runs { times.append(try seconds(body) * 1000) }
    times.sort()
    return String(format: "%.1f ms (%.1f–%.1f)", times[times.count / 2], times.first!, times.last!)
}

func row(_ cells: String...) { print("| " + cells.joined(separator: " | ") + " |") }

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cdntop-bench-\(UUID().uuidString.prefix(8))")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
let path = directory.appendingPathComponent("probes.sqlite").path
let store = try ProbeStore(path: path)
let start = Date(timeIntervalSince1970: 1_700_000_000)
let minutes = days * 24 * 60

print("cdntop-bench: \(days) days × \(endpoints.count) endpoints × \(vantages.count) vantage points, one probe a minute; median of \(runs) runs (min–max)\n")
print("| figure | value |\n|---|---|")

var probeCount = 0
var generating = 0.0
let writing = try seconds {
    for hour in 0..<(minutes / 60 - 1) {
        var batch: [ProbeResult] = []
        generating += seconds { batch = (hour * 60..<(hour + 1) * 60).flatMap { minuteOfProbes($0, start: start) } }
        try store.record(batch)
        probeCount += batch.count
    }
}
row("batched insert (hour batches of 4,200, generation excluded)", "\(Int(Double(probeCount) / (writing - generating))) probes/s")

var roundTimes: [Double] = []
for minute in (minutes - 60)..<minutes {
    let round = minuteOfProbes(minute, start: start)
    roundTimes.append(try seconds { try store.record(round) } * 1000)
    probeCount += round.count
}
roundTimes.sort()
row("agent round of 70 probes (one transaction)", String(format: "%.1f ms median, %.1f ms max", roundTimes[30], roundTimes.last!))

let now = start + Double(minutes * 60)
// A day on, default retention: minute rollups older than 2 days go, raw probes stay.
let pruneTime = try seconds { try store.prune(now: now) }
row("first prune after \(days) days (minute rollups beyond 2 days)", String(format: "%.1f s, in short transactions", pruneTime))

let fileBytes = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
row("database file after pruning (WAL excluded)", "\(fileBytes / 1_000_000) MB = \(fileBytes / probeCount) bytes/probe")
let tableBytes = try DatabaseQueue(path: path).read { db in
    try Row.fetchAll(db, sql: "SELECT name, sum(pgsize - unused) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC LIMIT 4")
}
for table in tableBytes {
    let bytes: Int = table["bytes"]
    row("  of which \(table["name"] as String)", String(format: "%.1f bytes/probe", Double(bytes) / Double(probeCount)))
}

for window in ReportWindow.allCases where window.seconds <= Double(days) * 86_400 {
    var cells = 0
    let time = try timed { cells = try store.windowAggregates(since: now - window.seconds, until: now).cells.count }
    row("window \(window.rawValue) aggregates (\(cells) cells)", time)
}
for (label, span, length) in [("sparkline series 24h (hour buckets)", RollupSpan.hour, 86_400.0),
                              ("sparkline series 30d (day buckets)", .day, 30 * 86_400)] where length <= Double(days) * 86_400 {
    row(label, try timed { _ = try store.timeSeries(since: now - length, until: now, span: span) })
}
for window in [ReportWindow.day, .month] where window.seconds <= Double(days) * 86_400 {
    var bytes = 0
    let time = try timed {
        let analysis = try ReportBuilder.analyze(store: store, site: "example.com", window: window, now: now)
        bytes = MarkdownReport.render(analysis, generatedAt: now).utf8.count
    }
    row("report \(window.rawValue): analysis + markdown (\(bytes / 1024) KiB)", time)
}
var exported = 0
let exportTime = try seconds { try store.forEachProbe(since: nil, until: nil) { _ in exported += 1 } }
row("export: stream every probe", "\(Int(Double(exported) / exportTime)) probes/s (\(exported) probes)")

// The UI: what the data feed does when probes arrive (one load per change, off the UI thread),
// and what one frame costs to compose into the screen model (the curses diff comes after).
let names = endpoints
for window in [ReportWindow.fiveMinutes, .hour, .day] where window.seconds <= Double(days) * 86_400 {
    let request = DashboardRequest(site: "example.com", window: window,
                                   sparklineSlices: DashboardLayout.sparklineSlices(width: 120, endpointNames: names, braille: false),
                                   detailEndpoint: nil)
    row("UI data load \(window.rawValue) at 120 columns (10 endpoints × 7 regions)",
        try timed { _ = try DashboardLoader.load(request, store: store, configured: [], now: now) })
}
for (width, height) in [(80, 24), (120, 40), (240, 70)] {
    let request = DashboardRequest(site: "example.com", window: .hour,
                                   sparklineSlices: DashboardLayout.sparklineSlices(width: width, endpointNames: names, braille: false),
                                   detailEndpoint: nil)
    let data = try DashboardLoader.load(request, store: store, configured: [], now: now)
    let state = DashboardState(data: data, view: ViewState(), live: LiveStatus(probing: false), now: now)
    let frames = 500
    var times: [Double] = []
    for _ in 0..<runs {
        times.append(seconds { for _ in 0..<frames { _ = DashboardRenderer.render(state, width: width, height: height) } } / Double(frames) * 1e6)
    }
    times.sort()
    row("UI frame composed at \(width)x\(height)", String(format: "%.0f µs (%.0f–%.0f)", times[times.count / 2], times.first!, times.last!))
}
