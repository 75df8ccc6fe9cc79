import CDNTopCore
import Foundation
import Probe
import TestSupport
import Testing

@Suite("Probe rounds")
struct ProbeRoundTests {
    /// 150 endpoints that each take a second: they must all be in flight at once. The check is
    /// structural (the server saw 150 requests in progress together), not a stopwatch.
    @Test func allEndpointsOfARoundRunConcurrently() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let endpoints = (0..<150).map {
            Endpoint(name: "e\($0)", site: "loopback", url: server.url("/delay/1000?e=\($0)"), timeout: 20)
        }
        var landed: [String] = []
        let started = ContinuousClock.now
        let results = ProbeEngine().run(endpoints, vantage: Vantage(label: "test")) { landed.append($0.endpoint) }
        let elapsed = ContinuousClock.now - started
        print("round of 150 × 1000 ms loopback endpoints: \(elapsed)")

        #expect(results.map(\.endpoint) == endpoints.map(\.name), "results come back in endpoint order")
        #expect(results.allSatisfy { $0.ok })
        #expect(Set(landed) == Set(endpoints.map(\.name)), "each result is reported as it lands")
        #expect(server.maxConcurrentRequests == 150)
        #expect(results.allSatisfy { $0.timings.ttfb >= 1_000_000 })
    }

    @Test func everyProbeOfARoundSharesItsStartTime() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let endpoints = ["a", "b", "c"].map { Endpoint(name: $0, site: "s", url: server.url("/delay/5")) }
        let results = ProbeEngine().run(endpoints, vantage: Vantage(label: "eu-west", continent: .europe))
        #expect(Set(results.map(\.timestamp)).count == 1)
        #expect(results.allSatisfy { $0.vantage.label == "eu-west" && $0.vantage.continent == .europe })
    }

    @Test func emptyRoundReturnsNothing() {
        #expect(ProbeEngine().run([], vantage: Vantage(label: "x")).isEmpty)
    }
}

@Suite("Endpoints of one round stay independent")
struct ProbeIsolationTests {
    /// One endpoint pins `localhost` to 127.0.0.2 (where nothing listens); another endpoint
    /// for the same host in the same round must still resolve it normally and reach 127.0.0.1.
    @Test func aResolvePinDoesNotLeakToOtherEndpoints() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let url = "http://localhost:\(server.port)/delay/1"
        let endpoints = [
            Endpoint(name: "pinned", site: "s", url: url, timeout: 3, resolve: ["localhost:\(server.port):127.0.0.2"]),
            Endpoint(name: "plain", site: "s", url: url, timeout: 3),
        ]
        let results = ProbeEngine().run(endpoints, vantage: Vantage(label: "test"))
        #expect(results[0].error == .connect, "the pin was used: \(results[0].errorDetail ?? "")")
        #expect(results[0].remoteIP == "127.0.0.2" || results[0].remoteIP == nil)
        #expect(results[1].ok, "\(results[1].errorDetail ?? "")")
        #expect(results[1].remoteIP == "127.0.0.1")
    }

    @Test func proxyEnvironmentIsIgnored() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        setenv("http_proxy", "http://127.0.0.1:\(FreePort.next())", 1)
        defer { unsetenv("http_proxy") }
        let result = probe(server.url("/delay/1"))
        #expect(result.ok, "went through the dead proxy: \(result.errorDetail ?? "")")
    }
}
