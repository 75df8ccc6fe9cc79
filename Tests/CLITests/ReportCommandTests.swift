import Foundation
import TestSupport
import Testing

@Suite("cdntop report, end to end", .serialized)
struct ReportCommandTests {
    /// `--config` names the database too: report and export read the config's
    /// `[database] path` (the probe command wrote there), not the default location.
    @Test func reportAndExportReadTheConfigsDatabase() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let cli = try CLIRunner()
        let database = cli.directory.appendingPathComponent("elsewhere/probes.sqlite").path
        try cli.writeConfig("""
            [database]
            path = "\(database)"

            [[endpoint]]
            name = "edge"
            site = "loop.example"
            url = "\(server.url("/"))"
            """)
        #expect(try cli.run(["probe", "--once", "--config", cli.configPath]).status == 0)
        #expect(FileManager.default.fileExists(atPath: database))
        let report = try cli.run(["report", "--config", cli.configPath])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.hasPrefix("# loop.example"))
        let export = try cli.run(["export", "--config", cli.configPath])
        #expect(export.lines.count == 1, "\(export.stderr)")
        #expect(try cli.run(["export"]).status != 0, "without --config the default database, which does not exist")
    }

    @Test func reportsWhatProbeStored() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let cli = try CLIRunner()
        try cli.writeConfig("""
            [[endpoint]]
            name = "edge"
            site = "loop.example"
            url = "\(server.url("/headers?X-Served-By=cache-fra1-FRA&X-Cache=HIT&Via=1.1%20varnish"))"

            [[endpoint]]
            name = "origin"
            site = "loop.example"
            url = "\(server.url("/delay/30"))"
            origin = true
            """)
        for region in ["eu-west", "us-east"] {
            _ = try cli.run(["probe", "--once", "--region", region, "--config", cli.configPath, "--db", cli.databasePath])
        }
        let markdown = try cli.run(["report", "--db", cli.databasePath])
        #expect(markdown.status == 0, "\(markdown.stderr)")
        #expect(markdown.stdout.hasPrefix("# loop.example — last 24 hours"))
        #expect(markdown.stdout.contains("| edge | Fastly | 2 | 100.0% |"))
        #expect(markdown.stdout.contains("- **edge**:"), "the origin comparison is there")
        #expect(markdown.stdout.contains("| Europe · eu-west |"))

        let output = cli.directory.appendingPathComponent("r.json").path
        let json = try cli.run(["report", "--format", "json", "--window", "1h", "--site", "loop.example",
                                "-o", output, "--db", cli.databasePath])
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.stdout.isEmpty)
        let object = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
        #expect(object["window"] as? String == "1h")
        #expect((object["endpoints"] as? [[String: Any]])?.count == 2)
    }

    @Test func nothingToReportExitsOne() throws {
        let cli = try CLIRunner()
        let missing = try cli.run(["report", "--db", cli.databasePath])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("nothing to report: no probe database"))
        #expect(!FileManager.default.fileExists(atPath: cli.databasePath), "report never creates a database")

        try cli.writeConfig("[[endpoint]]\nname = \"a\"\nsite = \"s.example\"\nurl = \"http://127.0.0.1:\(FreePort.next())/\"\n")
        _ = try cli.run(["probe", "--once", "--config", cli.configPath, "--db", cli.databasePath])
        let unknown = try cli.run(["report", "--site", "other.example", "--db", cli.databasePath])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("sites: s.example"))

        let failuresOnly = try cli.run(["report", "--db", cli.databasePath])
        #expect(failuresOnly.status == 0, "failed probes are data worth reporting")
        #expect(failuresOnly.stdout.contains("no probe of s.example succeeded"))
    }

    @Test func badWindowIsAUsageError() throws {
        let cli = try CLIRunner()
        let outcome = try cli.run(["report", "--window", "2h", "--db", cli.databasePath])
        #expect(outcome.status == 64)
    }
}
