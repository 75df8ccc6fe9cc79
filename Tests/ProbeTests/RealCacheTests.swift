import CDNTopCore
import Foundation
import Probe
import TestSupport
import Testing

// Real caches in front of a loopback origin, probed by the real engine: the classifier's rules
// for nginx and Varnish (the provider conventions in ProviderProfile) checked against what the servers
// actually send, not against headers we wrote by hand. Every test starts its own origin and
// cache on fresh ports and stops both on every path out (`defer`; the cache by its PID), so
// tests share nothing and may run in parallel.

/// nginx `proxy_cache` with the conventional `X-Cache-Status: $upstream_cache_status`.
@Suite("Real caches: nginx proxy_cache")
struct RealCacheNginxTests {
    @Test func firstProbeMissesThenTheSecondHits() throws {
        // The origin's own Cache-Control outranks proxy_cache_valid: fresh for a minute.
        let (miss, hit) = try missThenHit(provider: .nginx) { port, originPort in
            try startNginx(port: port, originPort: originPort).stop
        }
        #expect(miss.cache == .miss && miss.cacheRaw == "MISS")
        #expect(hit.cache == .hit && hit.cacheRaw == "HIT")
    }

    /// `proxy_cache_use_stale error` serves the expired copy when the origin refuses
    /// connections. The origin sends no caching headers, so `proxy_cache_valid 200 1s` sets
    /// the lifetime; the origin is stopped right after the miss, and the probes that follow
    /// are HIT while the copy is fresh and STALE once it expired, never an error. Polling for
    /// the flip, instead of sleeping a guessed time, keeps the test both fast and exact about
    /// nginx's whole-second clock (a 1 s entry expires between 1 and 2 s after it was stored).
    @Test func servesStaleOnceTheEntryExpiresAndTheOriginIsDown() async throws {
        let origin = try LoopbackHTTPServer.start()
        // The test stops the origin itself; a second stop would touch a shut-down event loop.
        var originRunning = true
        defer { if originRunning { origin.stop() } }
        let port = FreePort.next()
        let nginx = try startNginx(port: port, originPort: origin.port)
        defer { nginx.stop() }
        let url = "http://127.0.0.1:\(port)/bytes/2"

        let miss = probe(url)
        #expect(miss.ok && miss.cache == .miss, "\(miss.cacheRaw ?? "no cache header") \(miss.errorDetail ?? "")")
        origin.stop()
        originRunning = false
        let direct = probe(origin.url("/bytes/2"))
        #expect(direct.error == .connect, "the origin is really down: \(direct.errorDetail ?? "answered")")

        let results = try probeUntil(url) { $0.cache != .hit }
        let last = try #require(results.last)
        #expect(results.dropLast().allSatisfy { $0.ok && $0.cache == .hit }, "fresh copies until expiry: \(describe(results))")
        #expect(last.cache == .stale && last.cacheRaw == "STALE", "\(describe(results))")
        #expect(last.ok && last.status == 200 && last.bytes == 2)
        #expect(last.provider == .nginx)
        #expect(origin.requestsReceived == 1, "only the miss reached the origin")
        expectNoPOP(last)
    }

    /// nginx on `port` caching everything from the origin for one second unless the origin
    /// says otherwise, and serving stale copies when the origin fails.
    private func startNginx(port: Int, originPort: Int) throws -> ManagedProcess {
        try NginxServer.start(httpBlock: """
            proxy_cache_path {DIR}/cache levels=1:2 keys_zone=probe:1m max_size=10m inactive=1m use_temp_path=off;
            server {
                listen 127.0.0.1:\(port);
                location / {
                    proxy_pass http://127.0.0.1:\(originPort);
                    proxy_cache probe;
                    proxy_cache_valid 200 1s;
                    proxy_cache_use_stale error timeout http_502 http_503 http_504;
                    proxy_connect_timeout 2s;
                    add_header X-Cache-Status $upstream_cache_status always;
                }
            }
            """, port: port)
    }
}

/// Stock Varnish: the built-in VCL and one backend, so the verdict comes only from `X-Varnish`
/// (one transaction id = miss, two = hit) and the provider from `X-Varnish` / `Via: 1.1 varnish`.
@Suite("Real caches: Varnish")
struct RealCacheVarnishTests {
    @Test func firstProbeMissesThenTheSecondHits() throws {
        let (miss, hit) = try missThenHit(provider: .varnish) { port, originPort in
            try VarnishServer.start(port: port, backendPort: originPort).stop
        }
        #expect(miss.cache == .miss && transactionIDs(miss).count == 1, "\(miss.cacheRaw ?? "no X-Varnish")")
        #expect(hit.cache == .hit && transactionIDs(hit).count == 2, "\(hit.cacheRaw ?? "no X-Varnish")")
        #expect(hit.headers.last(named: "Via")?.contains("varnish") == true)
        #expect(miss.age == 0)
    }
}

/// Starts a loopback origin and the cache `startCache` puts in front of it (given the cache's
/// port and the origin's; it returns how to stop the cache), probes a response the origin lets
/// it keep for a minute twice, and checks what every cache must show: both probes answered,
/// attributed to `provider`, no POP invented, and the origin asked only once.
private func missThenHit(provider: Provider, sourceLocation: SourceLocation = #_sourceLocation,
                         startCache: (_ port: Int, _ originPort: Int) throws -> () -> Void) throws
    -> (miss: ProbeResult, hit: ProbeResult) {
    let origin = try LoopbackHTTPServer.start()
    defer { origin.stop() }
    // A free port can be taken by another test's process before the cache binds it (the
    // cache then fails to start, or never accepts): start it again on another.
    var started: (port: Int, stop: () -> Void)?
    var lastError: (any Error)?
    for _ in 0..<3 where started == nil {
        let port = FreePort.next()
        do { started = (port, try startCache(port, origin.port)) } catch { lastError = error }
    }
    guard let started else { throw lastError! }
    let (port, stopCache) = started
    defer { stopCache() }
    let url = "http://127.0.0.1:\(port)/headers?Cache-Control=max-age%3D60"

    let miss = probe(url)
    let hit = probe(url)

    #expect(miss.ok && hit.ok, "\(miss.errorDetail ?? "") \(hit.errorDetail ?? "")", sourceLocation: sourceLocation)
    #expect(miss.provider == provider && hit.provider == provider, sourceLocation: sourceLocation)
    #expect(origin.requestsReceived == 1, "the hit was served from the cache, not the origin", sourceLocation: sourceLocation)
    expectNoPOP(miss, sourceLocation: sourceLocation)
    expectNoPOP(hit, sourceLocation: sourceLocation)
    return (miss, hit)
}

/// Probes `url` every 100 ms until `done` holds, and returns every result in order: the last
/// is the one that satisfied `done`, or the last try. At most `attempts` tries, however long
/// they take. The pauses block the thread on purpose: the whole run shares a pool as wide as
/// the machine's cores, and a `Task.sleep` of 100 ms could come back after ten seconds behind
/// other tests' blocking work, long enough for Varnish's 10 s grace to run out between two
/// polls. Holding one thread for the second or two this takes is the lesser harm.
private func probeUntil(_ url: String, attempts: Int = 80, done: (ProbeResult) -> Bool) throws -> [ProbeResult] {
    var results: [ProbeResult] = []
    for _ in 0..<attempts {
        let result = probe(url)
        results.append(result)
        if done(result) { break }
        Thread.sleep(forTimeInterval: 0.1)
    }
    return results
}

/// Neither nginx nor Varnish names a POP: the classifier must leave both fields empty rather
/// than read one out of an unrelated header.
private func expectNoPOP(_ result: ProbeResult, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.pop == nil, sourceLocation: sourceLocation)
    #expect(result.popRegion == nil, sourceLocation: sourceLocation)
}

/// The ids of Varnish's `X-Varnish` header: this request's, then the cached object's on a hit.
private func transactionIDs(_ result: ProbeResult) -> [Substring] {
    (result.headers.last(named: "X-Varnish") ?? "").split(separator: " ")
}

/// One line per probe for failure messages: what the cache said, and how old the copy was.
private func describe(_ results: [ProbeResult]) -> String {
    results.map { "\($0.status.map(String.init) ?? "-") \($0.cacheRaw ?? "-") age=\($0.age.map(String.init) ?? "-") \($0.errorDetail ?? "")" }
        .joined(separator: "; ")
}
