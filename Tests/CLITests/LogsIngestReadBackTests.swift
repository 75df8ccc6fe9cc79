import Foundation
import TestSupport
import Testing

/// `cdntop logs ingest --db postgres://…` stores traffic on the server, and `cdntop report`
/// reads it back beside the probes.
@Suite struct LogsIngestPostgresTests {
    @Test func ingestIntoPostgresAndReportIt() throws {
        let postgres = try PostgresServer.shared()
        let uri = postgres.uri(database: try postgres.createDatabase())
        let origin = try LoopbackHTTPServer.start()
        defer { origin.stop() }
        let cli = try CLIRunner()
        try cli.writeConfig("""
            [agent]
            region = "eu-west"

            [[endpoint]]
            name = "home"
            site = "loopback"
            url = "\(origin.url("/"))"
            """)
        let probe = try cli.run(["probe", "--once", "--config", cli.configPath, "--db", uri])
        #expect(probe.status == 0, "\(probe.stderr)")

        // Ten lines of the default nginx format a few minutes ago, three of them misses.
        let lines = nginxLines(10, misses: 3, secondsAgo: 300)
        let log = cli.directory.appendingPathComponent("access.log").path
        try LogsIngestCommandTests.append(lines, to: log)
        let ingest = try cli.run(["logs", "ingest", "--format", "nginx", "--site", "loopback", "--db", uri, log])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(ingest.stderr.contains("read 10 lines, stored 1 minute, 0 malformed"), "\(ingest.stderr)")
        // A second run finds its position on the server and reads nothing again.
        let again = try cli.run(["logs", "ingest", "--format", "nginx", "--site", "loopback", "--db", uri, log])
        #expect(again.stderr.contains("read 0 lines"), "\(again.stderr)")

        let report = try cli.run(["report", "--db", uri, "--format", "json"])
        #expect(report.status == 0, "\(report.stderr)")
        let object = try #require(JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
        let traffic = try #require(object["traffic"] as? [String: Any], "\(report.stdout)")
        #expect(traffic["requests"] as? Int == lines.count)
        #expect(traffic["hit_ratio"] as? Double == 0.7)
        #expect((traffic["cache"] as? [String: Any])?["MISS"] as? Int == 3)
    }
}

/// What ingest stored reaches the screen: the traffic view of the UI started on the same
/// database shows the ingested requests and their hit ratio.
@Suite struct LogsIngestUITests {
    @Test func theTrafficViewShowsWhatIngestStored() async throws {
        let origin = try LoopbackHTTPServer.start()
        defer { origin.stop() }
        let cli = try CLIRunner()
        try cli.writeConfig("""
            [[endpoint]]
            name = "home"
            site = "loopback"
            url = "\(origin.url("/"))"
            """)
        #expect(try cli.run(["probe", "--once", "--config", cli.configPath, "--db", cli.databasePath]).status == 0)
        let lines = nginxLines(8, misses: 2, secondsAgo: 120)
        let log = cli.directory.appendingPathComponent("access.log").path
        try LogsIngestCommandTests.append(lines, to: log)
        let ingest = try cli.run(["logs", "ingest", "--format", "nginx", "--site", "loopback", "--provider", "nginx",
                                  "--db", cli.databasePath, log])
        #expect(ingest.status == 0, "\(ingest.stderr)")

        let tmux = try TmuxSession(command: DashboardTmuxTests.command(cli, extra: "--no-probe"), width: 120, height: 40)
        defer { tmux.kill() }
        await tmux.waitFor(text: "loopback")
        try tmux.send("l")
        let screen = await tmux.waitFor(text: "Real traffic · 8 requests")
        #expect(screen.contains("75.0%"), "\(screen)")
        try tmux.send("q")
        await tmux.waitFor(text: "exited 0")
    }
}

/// `count` lines of nginx's default format plus `$upstream_cache_status`, all `secondsAgo`
/// seconds ago, the first `misses` of them MISS and the rest HIT.
func nginxLines(_ count: Int, misses: Int, secondsAgo: Double) -> [String] {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "dd/MMM/yyyy:HH:mm:ss Z"
    let time = formatter.string(from: Date().addingTimeInterval(-secondsAgo))
    return (0..<count).map { index in
        #"203.0.113.9 - - [\#(time)] "GET /p\#(index) HTTP/1.1" 200 10 "-" "UA" \#(index < misses ? "MISS" : "HIT")"#
    }
}
