import Foundation
import TestSupport
import Testing

@Suite("cdntop probe and export, end to end", .serialized)
struct ProbeCommandTests {
    static let designFields: Set<String> = [
        "ts", "endpoint", "site", "url", "region", "provider", "ok", "status", "http_version", "cache",
        "cache_raw", "pop", "pop_region", "pop_metro", "pop_city", "age", "dns_ms", "connect_ms", "tls_ms", "ttfb_ms",
        "transfer_ms", "total_ms", "bytes", "redirects", "remote_ip", "error", "error_detail", "agent",
    ]

    func config(_ server: LoopbackHTTPServer, refusedPort: Int) -> String {
        """
        [agent]
        region = "eu-west"

        [[endpoint]]
        name = "fastly"
        site = "loopback"
        url = "\(server.url("/headers?X-Served-By=cache-fra1-FRA&X-Cache=HIT&Via=1.1%20varnish"))"

        [[endpoint]]
        name = "origin"
        site = "loopback"
        url = "\(server.url("/delay/5"))"
        origin = true

        [[endpoint]]
        name = "down"
        site = "loopback"
        url = "http://127.0.0.1:\(refusedPort)/"
        """
    }

    @Test func onceJsonPrintsOneDesignLinePerProbeAndExitsZeroDespiteFailures() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let cli = try CLIRunner()
        try cli.writeConfig(config(server, refusedPort: FreePort.next()))
        let outcome = try cli.run(["probe", "--once", "--json", "--config", cli.configPath, "--db", cli.databasePath])

        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.lines.count == 3)
        var byName: [String: [String: Any]] = [:]
        for line in outcome.lines {
            let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(Set(object.keys) == Self.designFields)
            byName[object["endpoint"] as? String ?? ""] = object
        }
        #expect(byName["fastly"]?["provider"] as? String == "fastly")
        #expect(byName["fastly"]?["cache"] as? String == "HIT")
        #expect(byName["fastly"]?["pop_region"] as? String == "Europe")
        #expect(byName["fastly"]?["region"] as? String == "eu-west")
        #expect(byName["origin"]?["ok"] as? Bool == true)
        #expect(byName["fastly"]?["pop_metro"] as? String == "FRA")
        #expect(byName["fastly"]?["pop_city"] as? String == "Frankfurt")
        #expect(byName["down"]?["error"] as? String == "connect")
        #expect(byName["down"]?["ttfb_ms"] is NSNull, "a refused connection measured no first byte")
        #expect(byName["down"]?["pop_metro"] is NSNull)
        #expect(outcome.stderr.contains("round: 3 probes, 2 ok, 1 failed (down connect)"))
    }

    @Test func theDatabaseIsReusedAcrossRunsAndExported() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let cli = try CLIRunner()
        try cli.writeConfig(config(server, refusedPort: FreePort.next()))
        for region in ["eu-west", "us-east"] {
            let run = try cli.run(["probe", "--once", "--region", region, "--config", cli.configPath, "--db", cli.databasePath])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.isEmpty, "without --json stdout stays clean")
        }
        let jsonl = try cli.run(["export", "--db", cli.databasePath])
        #expect(jsonl.status == 0, "\(jsonl.stderr)")
        #expect(jsonl.lines.count == 6, "both runs' probes are in the one database")
        let regions = try jsonl.lines.map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["region"] as? String
        }
        #expect(Set(regions.compactMap { $0 }) == ["eu-west", "us-east"])

        let csv = try cli.run(["export", "--format", "csv", "--since", "1h", "--db", cli.databasePath])
        #expect(csv.lines.count == 7)
        #expect(csv.lines.first?.hasPrefix("ts,endpoint,site,url,region,") == true)

        let future = try cli.run(["export", "--since", "2999-01-01T00:00:00Z", "--db", cli.databasePath])
        #expect(future.status == 0)
        #expect(future.stdout.isEmpty)
    }

    /// Every probe carries the agent's id: made once and kept in the state directory, so two
    /// runs are the same agent; `--agent-id` names another one; export reads the ids back.
    @Test func probesCarryAStableAgentID() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let cli = try CLIRunner()
        try cli.writeConfig(config(server, refusedPort: FreePort.next()))
        var agents: [String] = []
        for extra in [[], [], ["--agent-id", "syd-ci-runner"]] {
            let run = try cli.run(["probe", "--once", "--json", "--config", cli.configPath, "--db", cli.databasePath] + extra)
            #expect(run.status == 0, "\(run.stderr)")
            let ids = try Set(run.lines.map {
                try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["agent"] as? String
            })
            #expect(ids.count == 1, "one agent per run")
            agents.append(ids.first.flatMap { $0 } ?? "")
        }
        let stateFile = cli.directory.appendingPathComponent(".local/state/cdntop/agent-id-eu-west").path
        let kept = try String(contentsOfFile: stateFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(agents == [kept, kept, "syd-ci-runner"])
        // Another region on the same host is another agent.
        let other = try cli.run(["probe", "--once", "--json", "--region", "ap-south", "--config", cli.configPath, "--db", cli.databasePath])
        let otherIDs = try Set(other.lines.map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["agent"] as? String
        })
        #expect(otherIDs.count == 1 && otherIDs.first != kept, "\(otherIDs)")
        let exported = try cli.run(["export", "--db", cli.databasePath])
        let stored = try exported.lines.map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["agent"] as? String
        }
        #expect(stored.compactMap { $0 }.filter { $0 == kept || $0 == "syd-ci-runner" }.sorted()
                == (Array(repeating: kept, count: 6) + Array(repeating: "syd-ci-runner", count: 3)).sorted())

        let bad = try cli.run(["probe", "--once", "--agent-id", "has space", "--config", cli.configPath, "--db", cli.databasePath])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--agent-id: \"has space\" is not an agent id"))
    }

    @Test func aBadConfigExitsTwoWithTheLocation() throws {
        let cli = try CLIRunner()
        try cli.writeConfig("[[endpoint]]\nname = \"a\"\nurl = \"http://a.example/\"\ninterval = \"often\"\n")
        let outcome = try cli.run(["probe", "--once", "--config", cli.configPath, "--db", cli.databasePath])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("config.toml:4: endpoint \"a\": interval: \"often\" is not a duration"))
        #expect(!FileManager.default.fileExists(atPath: cli.databasePath), "nothing was created")
    }

    @Test func anUnusableDatabaseExitsThree() throws {
        let cli = try CLIRunner()
        try cli.writeConfig("[[endpoint]]\nname = \"a\"\nurl = \"http://127.0.0.1:1/\"\n")
        try "not a database, just text".write(toFile: cli.databasePath, atomically: true, encoding: .utf8)
        let probe = try cli.run(["probe", "--once", "--config", cli.configPath, "--db", cli.databasePath])
        #expect(probe.status == 3)
        #expect(probe.stderr.contains(cli.databasePath))
        #expect(try String(contentsOfFile: cli.databasePath, encoding: .utf8) == "not a database, just text", "the file is left alone")

        let missing = cli.directory.appendingPathComponent("missing.sqlite").path
        let export = try cli.run(["export", "--db", missing])
        #expect(export.status == 3)
        #expect(!FileManager.default.fileExists(atPath: missing), "export never creates an empty database")
    }

    @Test func badSinceIsAUsageError() throws {
        let cli = try CLIRunner()
        let outcome = try cli.run(["export", "--since", "yesterday-ish", "--db", cli.databasePath])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("--since"))
    }

    /// Durations are parsed with the arguments: a bad one is a usage error naming the flag.
    @Test(arguments: [
        (["ui", "--refresh", "soon"], "--refresh"),
        (["ui", "--refresh", "2h"], "--refresh 2h: write a duration from 100ms to 1h"),
        (["demo", "--no-ui", "--duration", "2d"], "--duration 2d: write a duration from"),
        (["demo", "--no-ui", "--duration", "0s"], "--duration"),
        (["report", "--window", "3h"], "--window"),
    ])
    func badDurationsAreUsageErrors(arguments: [String], expected: String) throws {
        let cli = try CLIRunner()
        let outcome = try cli.run(arguments + ["--db", cli.databasePath])
        #expect(outcome.status == 64, "\(outcome.stderr)")
        #expect(outcome.stderr.contains(expected), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.databasePath), "nothing ran")
    }

    @Test func hostileHeadersNeverReachStdout() throws {
        let reply = "HTTP/1.1 200 OK\r\nX-Cache-Status: HIT\u{1b}]0;pwned\u{07}\r\nServer: nginx\r\nContent-Length: 0\r\n\r\n"
        let raw = try RawResponseServer.start(replying: Array(reply.utf8))
        defer { raw.stop() }
        let cli = try CLIRunner()
        try cli.writeConfig("[[endpoint]]\nname = \"evil\"\nurl = \"\(raw.url)\"\n")
        let outcome = try cli.run(["probe", "--once", "--json", "--config", cli.configPath, "--db", cli.databasePath])
        #expect(outcome.status == 0)
        #expect(!outcome.stdout.utf8.contains(0x1B))
        #expect(!outcome.stdout.utf8.contains(0x07))
        #expect(outcome.stdout.contains("\"cache_raw\":\"HIT\""), "the sequence goes whole, parameters included")
        #expect(!outcome.stdout.contains("pwned"))
        let export = try cli.run(["export", "--format", "csv", "--db", cli.databasePath])
        #expect(!export.stdout.utf8.contains(0x1B), "nothing hostile was stored either")
    }
}

@Suite("cdntop probe killed between rounds")
struct KilledAgentTests {
    /// SIGKILL gives no chance to clean up: every probe the agent printed was committed to
    /// the outbox first, so the next run delivers whatever the killed one had not stored yet,
    /// and none twice.
    @Test func noPrintedProbeIsLostNorDoubledBySIGKILL() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let cli = try CLIRunner()
        try cli.writeConfig("""
            [[endpoint]]
            name = "a"
            url = "\(server.url("/delay/1"))"
            interval = "100ms"

            [[endpoint]]
            name = "b"
            url = "\(server.url("/status/500"))"
            interval = "100ms"
            """)
        let (process, out, err) = try cli.start(["probe", "--json", "--config", cli.configPath, "--db", cli.databasePath])
        var printed = 0
        let deadline = Date().addingTimeInterval(10)
        while printed < 8, Date() < deadline {
            printed += (PipeReader.readSome(out.fileHandleForReading) ?? Data()).split(separator: UInt8(ascii: "\n")).count
        }
        kill(process.processIdentifier, SIGKILL)
        printed += CLIRunner.finish(process, out, err).lines.count
        #expect(printed >= 8)

        let next = try cli.run(["probe", "--once", "--config", cli.configPath, "--db", cli.databasePath])
        #expect(next.status == 0, "\(next.stderr)")
        let export = try cli.run(["export", "--db", cli.databasePath])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.lines.count >= printed + 2, "every printed probe is stored, and the next run's two")
        let probes = try export.lines.map { line in
            let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return "\(object["endpoint"] ?? "") \(object["ts"] ?? "")"
        }
        #expect(Set(probes).count == probes.count, "no probe stored twice")
    }
}

@Suite("cdntop probe and its readers")
struct ProbeOutputTests {
    @Test func aClosedStdoutDoesNotLoseTheRound() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let cli = try CLIRunner()
        try cli.writeConfig((0..<20).map { "[[endpoint]]\nname = \"e\($0)\"\nurl = \"\(server.url("/delay/100"))\"\n" }.joined(separator: "\n"))
        let (process, out, err) = try cli.start(["probe", "--once", "--json", "--config", cli.configPath, "--db", cli.databasePath])
        try out.fileHandleForReading.close()   // the reader is gone before the first line
        process.waitUntilExit()
        let stderr = String(decoding: PipeReader.readToEnd(err.fileHandleForReading), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(stderr)")
        let export = try cli.run(["export", "--db", cli.databasePath])
        #expect(export.lines.count == 20)
    }

    @Test func sigtermDuringOnceStillStoresTheRound() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let cli = try CLIRunner()
        try cli.writeConfig("[[endpoint]]\nname = \"slow\"\nurl = \"\(server.url("/delay/1000"))\"\n")
        let (process, out, err) = try cli.start(["probe", "--once", "--config", cli.configPath, "--db", cli.databasePath])
        let deadline = Date().addingTimeInterval(10)
        while server.requestsReceived == 0, Date() < deadline { usleep(10_000) }
        kill(process.processIdentifier, SIGTERM)
        let outcome = CLIRunner.finish(process, out, err)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try cli.run(["export", "--db", cli.databasePath]).lines.count == 1)
    }
}
