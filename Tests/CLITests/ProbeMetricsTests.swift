import Foundation
import TestSupport
import Testing

/// `cdntop probe --metrics`: the exposition, checked by promtool and scraped by a real Prometheus.
@Suite("cdntop probe --metrics, end to end", .serialized)
struct ProbeMetricsTests {
    func config(_ server: LoopbackHTTPServer) -> String {
        """
        [agent]
        region = "eu-west"

        [[site]]
        name = "loopback"
        max_p95 = "10ms"
        alert_min_probes = 2
        alert_window = "1m"

        [[endpoint]]
        name = "fastly"
        site = "loopback"
        url = "\(server.url("/headers?X-Served-By=cache-fra1-FRA&X-Cache=HIT&Via=1.1%20varnish"))"
        interval = "200ms"
        max_p95 = "5s"

        [[endpoint]]
        name = "slow \\"origin\\""
        site = "loopback"
        url = "\(server.url("/delay/40"))"
        origin = true
        interval = "200ms"
        """
    }

    /// Polls `body` until it returns a value or `seconds` pass.
    func eventually<T>(_ seconds: Double, _ what: String, _ body: () throws -> T?) throws -> T {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let value = try body() { return value }
            usleep(100_000)
        }
        throw TimedOut(description: "timed out waiting for \(what) within \(seconds) s")
    }

    struct TimedOut: Error, CustomStringConvertible {
        var description: String
    }

    @Test func prometheusScrapesTheAgentAndPromtoolAcceptsTheExposition() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let cli = try CLIRunner()
        try cli.writeConfig(config(server))
        let metricsPort = FreePort.next()
        let (agent, out, err) = try cli.start(["probe", "--config", cli.configPath, "--db", cli.databasePath,
                                               "--metrics", "127.0.0.1:\(metricsPort)"])
        defer {
            if agent.isRunning { kill(agent.processIdentifier, SIGTERM) }
            _ = CLIRunner.finish(agent, out, err)
        }
        let url = "http://127.0.0.1:\(metricsPort)/metrics"
        // Both endpoints probed at least twice, and the slow one's p95 over its 10 ms line.
        // Thresholds are judged at minute ends: the first comes within a minute.
        let exposition = try eventually(90, "the exposition shows two probes of each endpoint and a firing alert") { () -> String? in
            let (status, body) = try HTTPGet.fetch(url)
            guard status == 200 else { return nil }
            let lines = body.split(separator: "\n")
            let counts = lines.filter { $0.hasPrefix("cdntop_probes_total{") }.compactMap { Int($0.split(separator: " ").last ?? "") }
            let firing = lines.contains { $0.hasPrefix("cdntop_alert_firing{") && $0.contains("threshold=\"max_p95\"") && $0.hasSuffix(" 1") }
            return counts.count == 2 && counts.allSatisfy { $0 >= 2 } && firing ? body : nil
        }
        #expect(exposition.contains(#"cdntop_probe_success{endpoint="fastly",site="loopback",provider="fastly",region="eu-west"} 1"#))
        #expect(exposition.contains(#"endpoint="slow \"origin\"""#), "quotes in label values are escaped")
        #expect(exposition.contains(#"cdntop_cache_responses_total{endpoint="fastly",site="loopback",provider="fastly",region="eu-west",cache="HIT"}"#))
        #expect(exposition.contains(#"cdntop_probe_http_status_code{endpoint="fastly",site="loopback",provider="fastly",region="eu-west"} 200"#))
        for phase in ["dns", "connect", "tls", "ttfb", "transfer", "total"] {
            #expect(exposition.contains(#"cdntop_probe_duration_seconds_bucket{endpoint="fastly",site="loopback",provider="fastly",region="eu-west",phase="\#(phase)",le="+Inf"}"#))
        }
        // The slow origin waits 40 ms before its first byte: over the 10 ms line; fastly is not.
        #expect(exposition.contains(#"cdntop_alert_firing{endpoint="slow \"origin\"",site="loopback",provider="unknown",region="eu-west",threshold="max_p95"} 1"#))
        #expect(exposition.contains(#"cdntop_alert_firing{endpoint="fastly",site="loopback",provider="fastly",region="eu-west",threshold="max_p95"} 0"#))
        #expect(try HTTPGet.fetch("http://127.0.0.1:\(metricsPort)/other").status == 404)

        // promtool reads the exposition from stdin; CleanSpawn gives it /dev/null, so a shell pipes the file.
        let scratch = try CLIRunner()
        let saved = scratch.directory.appendingPathComponent("metrics.txt").path
        try exposition.write(toFile: saved, atomically: true, encoding: .utf8)
        let promtool = try PrometheusServer.promtool()
        let checkOutput = scratch.directory.appendingPathComponent("promtool.out").path
        let check = try CleanSpawn.run("/bin/sh", ["-c", "\"$0\" check metrics < \"$1\"; echo \"status=$?\"", promtool, saved],
                                       output: checkOutput)
        #expect(check.hasSuffix("status=0\n"), "promtool check metrics: \(check)")

        let prometheusPort = FreePort.next()
        let prometheus = try PrometheusServer.start(port: prometheusPort, scraping: "127.0.0.1:\(metricsPort)")
        defer { prometheus.stop() }
        let query = "http://127.0.0.1:\(prometheusPort)/api/v1/query?query=cdntop_probes_total"
        let series = try eventually(30, "Prometheus returns cdntop_probes_total for both endpoints") { () -> [[String: Any]]? in
            let (status, body) = try HTTPGet.fetch(query)
            guard status == 200,
                  let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
                  let data = object["data"] as? [String: Any], let result = data["result"] as? [[String: Any]],
                  result.count == 2 else { return nil }
            return result
        }
        let labels = series.compactMap { $0["metric"] as? [String: String] }
        #expect(Set(labels.compactMap { $0["endpoint"] }) == ["fastly", "slow \"origin\""])
        #expect(labels.allSatisfy { $0["site"] == "loopback" && $0["region"] == "eu-west" && $0["job"] == "cdntop" })
    }

    @Test func aNonLoopbackAddressNeedsTheExplicitFlag() throws {
        let cli = try CLIRunner()
        try cli.writeConfig("[[endpoint]]\nname = \"a\"\nurl = \"http://127.0.0.1:1/\"\n")
        let refused = try cli.run(["probe", "--once", "--config", cli.configPath, "--db", cli.databasePath,
                                   "--metrics", "0.0.0.0:9464"])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("--metrics 0.0.0.0:9464 is reachable from other machines"))
        #expect(refused.stderr.contains("--metrics-allow-remote"))
        let bad = try cli.run(["probe", "--once", "--config", cli.configPath, "--metrics", "localhost"])
        #expect(bad.status == 64)
    }
}
