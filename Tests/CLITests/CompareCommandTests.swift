import Foundation
import TestSupport
import Testing

@Suite("cdntop compare, end to end", .serialized)
struct CompareCommandTests {
    static let endpointKeys: Set<String> = [
        "name", "url", "provider", "n", "ok", "ttfb_p50_ms", "ttfb_p95_ms", "ttfb_n", "phase_medians_ms",
        "hit_ratio", "hit_ratio_n", "cache", "errors", "pops",
    ]

    /// Runs `cdntop compare` fast: rounds back to back, a few of them.
    func compare(_ cli: CLIRunner, _ arguments: [String], rounds: Int = 3) throws -> CLIRunner.Outcome {
        try cli.run(["compare"] + arguments + ["--rounds", String(rounds), "--interval", "1ms"])
    }

    func endpoints(_ outcome: CLIRunner.Outcome) throws -> [String: [String: Any]] {
        let document = try #require(JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let list = try #require(document["endpoints"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: list.map { ($0["url"] as? String ?? "", $0) })
    }

    @Test func jsonHasOneEntryPerURLWithItsFiguresAndCounts() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let cli = try CLIRunner()
        let cdn = server.url("/headers?X-Served-By=cache-fra1-FRA&X-Cache=HIT&Via=1.1%20varnish")
        let origin = server.url("/delay/5")
        let outcome = try compare(cli, [cdn, origin, "--format", "json"], rounds: 4)

        #expect(outcome.status == 0, "\(outcome.stderr)")
        let document = try #require(JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        #expect(document["rounds"] as? Int == 4)
        #expect((document["verdict"] as? String)?.contains("Over 4 rounds") == true)
        let byURL = try endpoints(outcome)
        #expect(Set(byURL.keys) == [cdn, origin])
        for entry in byURL.values {
            #expect(Set(entry.keys) == Self.endpointKeys, "every entry has every key")
        }
        let fastly = try #require(byURL[cdn])
        #expect(fastly["provider"] as? String == "fastly")
        #expect(fastly["n"] as? Int == 4)
        #expect(fastly["ok"] as? Int == 4)
        #expect(fastly["hit_ratio"] as? Double == 1)
        #expect(fastly["cache"] as? [String: Int] == ["HIT": 4])
        #expect(fastly["pops"] as? [String: Int] == ["FRA Frankfurt": 4])
        let slow = try #require(byURL[origin])
        #expect(try #require(slow["ttfb_p50_ms"] as? Double) >= 5, "the server waited 5 ms before answering")
        #expect(slow["hit_ratio"] is NSNull, "an origin without cache headers has no hit ratio")
        #expect(slow["cache"] as? [String: Int] == ["none": 4])
    }

    @Test func theHostOverrideDecidesWhatAVirtualHostAnswers() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let cli = try CLIRunner()
        let url = server.url("/vhost/www.example.test")

        let without = try endpoints(compare(cli, [url, "--format", "json"]))[url]
        #expect(without?["ok"] as? Int == 0)
        #expect(without?["errors"] as? [String: Int] == ["http_status": 3])

        let with = try endpoints(compare(cli, [url, "--host", "www.example.test", "--format", "json"]))[url]
        #expect(with?["ok"] as? Int == 3)
        #expect(with?["provider"] as? String == "fastly")
        #expect(with?["errors"] as? [String: Int] == [:])
        #expect(without?["ttfb_p95_ms"] is NSNull, "no successful probe, no latency")
    }

    @Test func resolvePinsTheNamedHostToALoopbackAddress() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let cli = try CLIRunner()
        let url = "http://www.example.test:\(server.port)/vhost/www.example.test"
        let outcome = try compare(cli, [url, "--resolve", "www.example.test:\(server.port):127.0.0.1", "--format", "json"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try endpoints(outcome)[url]?["ok"] as? Int == 3)
    }

    @Test func aRedirectLoopIsCountedAsItsErrorClassAndIsNotAFailureOfTheCommand() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let cli = try CLIRunner()
        let loop = server.url("/loop/a")
        let fine = server.url("/delay/1")
        let outcome = try compare(cli, [loop, fine])

        #expect(outcome.status == 0, "failed probes without a threshold are data: \(outcome.stderr)")
        #expect(outcome.stdout.contains("errors     redirect_loop 3"))
        #expect(outcome.stdout.contains("probes     0 ok of n=3"))
        #expect(outcome.stdout.contains("failed every probe"), "the verdict says so: \(outcome.stdout)")
        #expect(outcome.stderr.isEmpty, "piped stderr has no progress line: \(outcome.stderr.debugDescription)")
    }

    @Test func aTerminalShowsTheRoundsAsTheyLandThenOnlyTheResults() async throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let cli = try CLIRunner()
        // Rounds a second apart: the pane is captured while the second one is in flight.
        let command = "env -i HOME=\(cli.directory.path) PATH=/usr/bin:/bin LANG=C.UTF-8 TERM=tmux-256color "
            + "\(CLIRunner.binary) compare \(server.url("/delay/1")) --rounds 3 --interval 1s; echo exited $?; sleep 60"
        let tmux = try TmuxSession(command: command, width: 120, height: 40)
        defer { tmux.kill() }
        await tmux.waitFor(text: "round 2 of 3: ")
        let done = await tmux.waitFor(text: "exited 0")
        #expect(done.contains("Verdict: Over 3 rounds"))
        #expect(!done.contains("round 3 of 3"), "the progress line is cleared before the results: \(done)")
    }

    @Test func markdownIsOneTableToPasteWithTheVerdict() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let cli = try CLIRunner()
        let secret = "http://ops:hunter2@127.0.0.1:\(server.port)/delay/1"
        let outcome = try compare(cli, [secret, server.url("/status/503"), "--format", "md"])

        #expect(outcome.status == 0, "\(outcome.stderr)")
        let rows = outcome.lines.filter { $0.hasPrefix("| `") }
        #expect(rows.count == 2)
        #expect(outcome.lines.first?.hasPrefix("### cdntop compare: 3 rounds") == true)
        #expect(outcome.stdout.contains("**Verdict:**"))
        #expect(outcome.stdout.contains("http_status 3"))
        #expect(!outcome.stdout.contains("hunter2"), "the password is masked")
    }

    @Test func aBreachedThresholdExitsOneNamingTheURLAndTheFigure() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let cli = try CLIRunner()
        let slow = server.url("/delay/30")
        let down = "http://127.0.0.1:\(FreePort.next())/"

        let breached = try compare(cli, [slow, down, "--max-p95", "10ms", "--max-error-rate", "50%"])
        #expect(breached.status == 1)
        #expect(breached.stderr.contains("\(slow): ttfb_p95_ms"), "\(breached.stderr)")
        #expect(breached.stderr.contains("\(down): ttfb_p95_ms unmeasured"), "\(breached.stderr)")
        #expect(breached.stderr.contains("\(down): error_rate 100.0% (3 of n=3), limit 50.0%"), "\(breached.stderr)")
        #expect(!breached.stderr.contains("\(slow): error_rate"))

        let within = try compare(cli, [slow, "--max-p95", "5s", "--max-error-rate", "0"])
        #expect(within.status == 0, "\(within.stderr)")
        let noThreshold = try compare(cli, [down])
        #expect(noThreshold.status == 0, "failing probes alone do not fail the command: \(noThreshold.stderr)")
    }

    @Test func withADatabaseTheProbesAreStoredForExport() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let cli = try CLIRunner()
        let outcome = try compare(cli, [server.url("/delay/1"), server.url("/status/404"), "--db", cli.databasePath, "--region", "eu-west"])
        #expect(outcome.status == 0, "\(outcome.stderr)")

        let export = try cli.run(["export", "--db", cli.databasePath])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.lines.count == 6)
        let objects = try export.lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(Set(objects.compactMap { $0["site"] as? String }) == ["compare"])
        #expect(Set(objects.compactMap { $0["region"] as? String }) == ["eu-west"])
        #expect(Set(objects.compactMap { $0["url"] as? String }) == [server.url("/delay/1"), server.url("/status/404")])
    }

    @Test func withoutADatabaseNothingIsWritten() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let cli = try CLIRunner()
        let outcome = try compare(cli, [server.url("/delay/1")], rounds: 1)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let written = try FileManager.default.subpathsOfDirectory(atPath: cli.directory.path)
        #expect(written.isEmpty, "no database, no config under HOME: \(written)")
    }

    @Test func badURLsAndFlagsAreUsageErrors() throws {
        let cli = try CLIRunner()
        let ftp = try cli.run(["compare", "ftp://example.com/"])
        #expect(ftp.status == 64)
        #expect(ftp.stderr.contains("is not an http:// or https:// URL"))
        let resolve = try cli.run(["compare", "http://a.test/", "--resolve", "a.test:80"])
        #expect(resolve.status == 64)
        #expect(resolve.stderr.contains("HOST:PORT:ADDRESS"))
    }

    @Test func theBashCompletionScriptKnowsCompare() throws {
        let cli = try CLIRunner()
        let outcome = try cli.run(["--generate-completion-script", "bash"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("compare"))
        #expect(outcome.stdout.contains("--max-p95"))
    }
}
