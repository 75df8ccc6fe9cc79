import CDNTopCore
import Foundation
import Metrics
import Testing

@Suite("Agent metrics")
struct AgentMetricsTests {
    private func probe(_ endpoint: String, ok: Bool = true, ttfbMilliseconds: Int64 = 30, cache: CacheStatus? = .hit) -> ProbeResult {
        ProbeResult(timestamp: Date(timeIntervalSince1970: 1_700_000_000), endpoint: endpoint, site: "changelog.com",
                    url: "https://changelog.com/", vantage: Vantage(label: "eu-west", continent: .europe),
                    provider: .fastly, ok: ok, status: ok ? 200 : nil, httpVersion: "2", cache: ok ? cache : nil,
                    timings: PhaseTimings(dns: 1000, connect: 2000, tls: 3000, ttfb: ttfbMilliseconds * 1000,
                                          transfer: 500, total: ttfbMilliseconds * 1000 + 500),
                    error: ok ? nil : .timeout)
    }

    @Test func countsProbesCacheAndFailures() {
        let metrics = AgentMetrics()
        metrics.record([probe("fastly"), probe("fastly", cache: .miss), probe("fastly", ok: false)])
        let text = metrics.exposition()
        let labels = #"endpoint="fastly",site="changelog.com",provider="fastly",region="eu-west""#
        #expect(text.contains("cdntop_probes_total{\(labels)} 3\n"))
        #expect(text.contains("cdntop_probe_success{\(labels)} 0\n"), "the newest probe failed")
        #expect(text.contains("cdntop_probe_http_status_code{\(labels)} 0\n"))
        #expect(text.contains("cdntop_probe_failures_total{\(labels),error=\"timeout\"} 1\n"))
        #expect(text.contains("cdntop_cache_responses_total{\(labels),cache=\"HIT\"} 1\n"))
        #expect(text.contains("cdntop_cache_responses_total{\(labels),cache=\"MISS\"} 1\n"))
        #expect(text.contains("# TYPE cdntop_probe_duration_seconds histogram\n"))
    }

    @Test func histogramBucketsAreCumulative() {
        let metrics = AgentMetrics()
        metrics.record([probe("a", ttfbMilliseconds: 3), probe("a", ttfbMilliseconds: 30), probe("a", ttfbMilliseconds: 3000)])
        let prefix = #"cdntop_probe_duration_seconds_bucket{endpoint="a",site="changelog.com",provider="fastly",region="eu-west",phase="ttfb","#
        let text = metrics.exposition()
        #expect(text.contains(prefix + #"le="0.005"} 1"#))
        #expect(text.contains(prefix + #"le="0.05"} 2"#))
        #expect(text.contains(prefix + #"le="2.5"} 2"#))
        #expect(text.contains(prefix + #"le="5"} 3"#))
        #expect(text.contains(prefix + #"le="+Inf"} 3"#))
        #expect(text.contains(#"cdntop_probe_duration_seconds_count{endpoint="a",site="changelog.com",provider="fastly",region="eu-west",phase="ttfb"} 3"#))
    }

    @Test func labelValuesAreEscapedAndSanitized() {
        let metrics = AgentMetrics()
        metrics.record([probe("we\\ird \"name\"\n\u{1B}[2J")])
        let text = metrics.exposition()
        #expect(text.contains(#"endpoint="we\\ird \"name\"""#), "the escape sequence goes whole, parameters too")
        #expect(!text.contains("[2J"))
        #expect(!text.contains("\u{1B}"))
        // Every sample is one line: name, optional labels, one value.
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(line.split(separator: " ").last.map { Double($0) != nil } == true, "\(line)")
        }
    }

    @Test func alertStateCoversEveryConfiguredLimitOfProbedEndpoints() {
        let metrics = AgentMetrics()
        metrics.record([probe("fastly")])
        metrics.setAlerts([.init(endpoint: "fastly", site: "changelog.com", kind: .maxP95, firing: true),
                           .init(endpoint: "fastly", site: "changelog.com", kind: .minHitRatio, firing: false),
                           .init(endpoint: "never-probed", site: "changelog.com", kind: .maxP95, firing: true)])
        let text = metrics.exposition()
        #expect(text.contains(#"cdntop_alert_firing{endpoint="fastly",site="changelog.com",provider="fastly",region="eu-west",threshold="max_p95"} 1"#))
        #expect(text.contains(#"threshold="min_hit_ratio"} 0"#))
        #expect(!text.contains("never-probed"))
    }

    @Test(arguments: [("127.0.0.1:9464", "127.0.0.1", 9464, true), ("9464", "127.0.0.1", 9464, true),
                      ("[::1]:9464", "::1", 9464, true), ("localhost:1", "localhost", 1, true),
                      ("0.0.0.0:9464", "0.0.0.0", 9464, false), ("192.0.2.7:80", "192.0.2.7", 80, false)])
    func addresses(text: String, host: String, port: Int, loopback: Bool) throws {
        let address = try #require(MetricsAddress(text))
        #expect(address.host == host && address.port == port && address.isLoopback == loopback)
    }

    @Test(arguments: ["", "host", ":9464", "127.0.0.1:99999", "[::1]9464", "127.0.0.1:x"])
    func badAddresses(text: String) {
        #expect(MetricsAddress(text) == nil)
    }
}
