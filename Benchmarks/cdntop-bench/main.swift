// cdntop-bench: the store, report and UI measurements of BENCHMARKS.md, on a generated month
// of probes: 10 endpoints × 7 vantage points, one probe each every --interval seconds for
// --days days (60 s × 30 days = 3,024,000 probes; 18 s × 30 days = 10,080,000). It prints
// figures; it asserts nothing. Run in release:
//
//     swift run -c release cdntop-bench [--days 30] [--interval 60] [--runs 5] [--raw-runs 3] [--keep-db PATH]
//
// --db postgres://user@host/db measures the PostgreSQL engine instead, in that (empty)
// database; the SQLite file-size figures are left out there.
import CDNTopCore
import Foundation
import GRDB
import PostgresStore
import Report
import Store
import TerminalApp
import UI

let arguments = CommandLine.arguments
func option(_ name: String, default value: Int) -> Int {
    arguments.firstIndex(of: name).flatMap { arguments.indices.contains($0 + 1) ? Int(arguments[$0 + 1]) : nil } ?? value
}
let days = option("--days", default: 30)
let interval = option("--interval", default: 60)
let measuring = Measuring(runs: option("--runs", default: 5))
/// Reading every raw probe of a month takes seconds, so the rollups-off figures run fewer times.
let rawRuns = option("--raw-runs", default: 3)

/// --keep-db PATH keeps the generated database (for the UI's time to first frame in tmux);
/// otherwise it lives in a temporary folder removed at the end.
let keptPath: String? = arguments.firstIndex(of: "--keep-db").flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cdntop-bench-\(UUID().uuidString.prefix(8))")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
let path: String = keptPath ?? directory.appendingPathComponent("probes.sqlite").path
if keptPath != nil, FileManager.default.fileExists(atPath: path) {
    FileHandle.standardError.write(Data("cdntop-bench: \(path) exists; --keep-db writes a new database\n".utf8))
    exit(2)
}
/// --db URI: the PostgreSQL engine, in an empty database the run fills.
let postgresURI: String? = arguments.firstIndex(of: "--db").flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
let store: any ProbeStore = try postgresURI.map { try PostgresProbeStore(uri: $0) } ?? SQLiteProbeStore(path: path)
// The month ends on the minute the benchmark starts, so a kept database opens live in the UI
// with a full hour of probes, and windows end mid-hour as real ones do (minute rollups at
// both edges) rather than on the hour, where a 1h window would read one hour row per key.
let startMinute = (Date().timeIntervalSince1970 / 60).rounded(.down) * 60
let history = GeneratedProbes(start: Date(timeIntervalSince1970: startMinute - Double(days * 86_400)), interval: interval)
let rounds = history.rounds(days: days)
let roundsPerHour = 3600 / interval
let now = history.start + Double(days * 86_400)

print("cdntop-bench on \(store.location): \(days) days × \(GeneratedProbes.endpoints.count) endpoints × \(GeneratedProbes.vantages.count) vantage points, "
      + "one probe each every \(interval) s = \(rounds * history.roundSize) probes; median of \(measuring.runs) runs (min–max)\n")
print("| figure | value |\n|---|---|")

// MARK: Writing

var probeCount = 0
var generating = 0.0
let agentRounds = roundsPerHour
let writing = try Measuring.seconds {
    for hourStart in stride(from: 0, to: rounds - agentRounds, by: roundsPerHour) {
        var batch: [ProbeResult] = []
        generating += Measuring.seconds {
            batch = (hourStart..<min(hourStart + roundsPerHour, rounds - agentRounds)).flatMap(history.round)
        }
        try store.record(batch)
        probeCount += batch.count
    }
}
row("batched insert (hour batches of \(roundsPerHour * history.roundSize) probes, generation excluded)",
    "\(Int(Double(probeCount) / (writing - generating))) probes/s")

var roundTimes: [Double] = []
for index in (rounds - agentRounds)..<rounds {
    let round = history.round(index)
    roundTimes.append(try Measuring.seconds { try store.record(round) } * 1000)
    probeCount += round.count
}
let agentRound = Spread(roundTimes)
row("agent round of \(history.roundSize) probes (one transaction, with rollups)",
    String(format: "%.1f ms median, %.1f ms max", agentRound.median, agentRound.high))

// A day on, default retention: minute rollups older than 2 days go, raw probes stay.
let pruneTime = try Measuring.seconds { try store.prune(now: now) }
row("first prune after \(days) days (minute rollups beyond 2 days)", String(format: "%.1f s, in short transactions", pruneTime))

// MARK: Size

if postgresURI == nil {
    // Everything into the main file first, so its size is the whole database.
    _ = try DatabaseQueue(path: path).writeWithoutTransaction { try $0.checkpoint(.truncate) }
    let fileBytes = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
    row("database file after pruning and a checkpoint", "\(fileBytes / 1_000_000) MB = \(fileBytes / probeCount) bytes/probe")
    let tableBytes = try DatabaseQueue(path: path).read { db in
        try Row.fetchAll(db, sql: "SELECT name, sum(pgsize - unused) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC")
    }
    // Pruning frees pages that later rounds reuse, but a file never shrinks on its own: what the
    // rows take is the steady-state size of an agent that prunes as it goes.
    let liveBytes = tableBytes.reduce(0) { $0 + ($1["bytes"] as Int) }
    row("live rows and indexes", String(format: "%.1f bytes/probe", Double(liveBytes) / Double(probeCount)))
    for table in tableBytes.prefix(3) {
        let bytes: Int = table["bytes"]
        row("  of which \(table["name"] as String)", String(format: "%.1f bytes/probe", Double(bytes) / Double(probeCount)))
    }
}

// MARK: Windows and reports, with the rollups and without them

func probesCounted(_ aggregates: WindowAggregates) -> Int { aggregates.cells.values.reduce(0) { $0 + $1.count } }

for window in ReportWindow.allCases where window != .fiveMinutes && window.seconds <= Double(days) * 86_400 {
    var fromRollups = WindowAggregates(since: now, until: now, cells: [:])
    let rollupTime = try measuring.milliseconds { fromRollups = try store.windowAggregates(since: now - window.seconds, until: now) }
    var fromRaw = fromRollups
    let rawTime = try measuring.milliseconds(runs: rawRuns) {
        fromRaw = try RawProbeWindows.read(store: store, since: fromRollups.since, until: fromRollups.until,
                                           chart: nil).0
    }
    let same = probesCounted(fromRollups) == probesCounted(fromRaw) ? "same" : "DIFFERENT"
    row("window \(window.rawValue) aggregates, rollups on / off (\(probesCounted(fromRollups)) probes, \(same) count)",
        "\(rollupTime.formatted()) / \(rawTime.formatted(decimals: 0)) = \(String(format: "%.1f", rawTime.median / rollupTime.median))×")
}
for (label, span, length) in [("sparkline series 24h (hour buckets)", RollupSpan.hour, 86_400.0),
                              ("sparkline series 30d (day buckets)", .day, 30 * 86_400)] where length <= Double(days) * 86_400 {
    row(label, try measuring.milliseconds { _ = try store.timeSeries(since: now - length, until: now, span: span) }.formatted())
}
for window in [ReportWindow.day, .month] where window.seconds <= Double(days) * 86_400 {
    var bytes = 0
    let rollupTime = try measuring.milliseconds {
        let analysis = try ReportBuilder.analyze(store: store, site: GeneratedProbes.site, window: window, now: now)
        bytes = MarkdownReport.render(analysis, generatedAt: now).utf8.count
    }
    let rawTime = try measuring.milliseconds(runs: rawRuns) {
        let analysis = try RawProbeWindows.analysis(store: store, window: window, now: now)
        _ = MarkdownReport.render(analysis, generatedAt: now)
    }
    row("report \(window.rawValue): analysis + markdown (\(bytes / 1024) KiB), rollups on / off",
        "\(rollupTime.formatted()) / \(rawTime.formatted(decimals: 0)) = \(String(format: "%.1f", rawTime.median / rollupTime.median))×")
}
var exported = 0
let exportTime = try Measuring.seconds { try store.forEachProbe(since: nil, until: nil) { _ in exported += 1 } }
row("export: stream every probe", "\(Int(Double(exported) / exportTime)) probes/s (\(exported) probes)")

// MARK: The UI

let names = GeneratedProbes.endpoints
func request(_ window: ReportWindow, width: Int) -> DashboardRequest {
    DashboardRequest(site: GeneratedProbes.site, window: window,
                     chartSlices: DashboardLayout.chartSlices(width: width, endpointNames: names, braille: false),
                     detailEndpoint: nil)
}

// What `cdntop` does before its first frame with data: open the existing file, load the
// default 1h window, compose the frame. The page cache is warm (the file was just written).
let firstFrame = try measuring.milliseconds {
    let opened: any ProbeStore = try postgresURI.map { try PostgresProbeStore.openReadOnly(uri: $0) }
        ?? SQLiteProbeStore.openReadOnly(path: path)
    let data = try DashboardLoader.load(request(.hour, width: 120), store: opened, configured: [], now: now)
    let state = DashboardState(data: data, view: ViewState(), live: LiveStatus(probing: false), now: now)
    _ = DashboardRenderer.render(state, width: 120, height: 40)
}
row("UI time to first frame at 120x40 (open, load 1h, compose; warm page cache)", firstFrame.formatted())

// What the data feed does when probes arrive (one load per change, off the UI thread).
for window in [ReportWindow.fiveMinutes, .hour, .day] where window.seconds <= Double(days) * 86_400 {
    row("UI data load \(window.rawValue) at 120 columns (10 endpoints × 7 regions)",
        try measuring.milliseconds { _ = try DashboardLoader.load(request(window, width: 120), store: store, configured: [], now: now) }
            .formatted())
}
// One frame composed into the screen model (the curses diff comes after and is not timed).
for (width, height) in [(80, 24), (120, 40), (240, 70)] {
    let data = try DashboardLoader.load(request(.hour, width: width), store: store, configured: [], now: now)
    let state = DashboardState(data: data, view: ViewState(), live: LiveStatus(probing: false), now: now)
    let frames = 500
    var times: [Double] = []
    for _ in 0..<measuring.runs {
        times.append(Measuring.seconds { for _ in 0..<frames { _ = DashboardRenderer.render(state, width: width, height: height) } }
                     / Double(frames) * 1e6)
    }
    row("UI frame composed at \(width)x\(height)", Spread(times).formatted("µs", decimals: 0))
}

// MARK: Many agents at once (PostgreSQL)

if let postgresURI {
    let agents = 20, agentRounds = 100
    let concurrent = try ConcurrentAgents.measure(uri: postgresURI, agents: agents, rounds: agentRounds, from: now + 3600)
    row("\(agents) agents writing at once (own connections, rounds of \(GeneratedProbes.endpoints.count) probes)",
        String(format: "%.0f probes/s; round %.1f ms median, %.1f ms max", concurrent.rate, concurrent.median, concurrent.high))
}
