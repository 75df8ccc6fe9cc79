import CDNTopCore
import Foundation
import Probe
import TestSupport
import Testing

/// Each error class of the error vocabulary, produced by a real server on loopback.
@Suite("Probe error classes against loopback servers", .serialized)
struct ProbeErrorClassTests {
    let server: LoopbackHTTPServer

    init() throws { server = try LoopbackHTTPServer.start() }

    @Test func successfulProbeHasStatusVersionAndTimings() {
        let result = probe(server.url("/delay/20"))
        #expect(result.ok)
        #expect(result.error == nil)
        #expect(result.status == 200)
        #expect(result.httpVersion == "1.1")
        #expect(result.remoteIP == "127.0.0.1")
        #expect(result.bytes == 2)
        #expect(result.redirects == 0)
        let timings = result.timings
        #expect(timings.ttfb >= 20_000, "the server waited 20 ms before answering")
        #expect(timings.ttfb <= timings.total)
        #expect(timings.dns + timings.connect + timings.tls <= timings.ttfb)
        #expect(timings.tls == 0, "plain HTTP has no TLS phase")
        #expect(timings.transfer == timings.total - timings.ttfb)
    }

    @Test func timeout() {
        let result = probe(server.url("/delay/3000")) { $0.timeout = 0.3 }
        #expect(result.error == .timeout)
        #expect(!result.ok)
        #expect(result.timings.total < 2_000_000, "gave up near the 300 ms limit, not after the reply")
    }

    @Test func connectionRefused() {
        let result = probe("http://127.0.0.1:\(FreePort.next())/")
        #expect(result.error == .connect)
        #expect(result.status == nil)
        #expect(result.errorDetail?.isEmpty == false)
    }

    @Test func dnsFailure() {
        let result = probe("http://\(unresolvableHost)/")
        #expect(result.error == .dns)
    }

    @Test(arguments: [404, 500, 503])
    func httpErrorStatus(code: Int) {
        let result = probe(server.url("/status/\(code)"))
        #expect(result.error == .httpStatus)
        #expect(result.status == code)
        #expect(result.errorDetail == "HTTP \(code)")
        #expect(result.timings.ttfb > 0, "a 5xx still has a measured response time")
    }

    @Test func redirectsAreFollowedAndCounted() {
        let result = probe(server.url("/redirect/3"))
        #expect(result.ok)
        #expect(result.status == 200)
        #expect(result.redirects == 3)
    }

    @Test func redirectLoopIsRecognised() {
        let result = probe(server.url("/loop/a"))
        #expect(result.error == .redirectLoop)
        #expect(result.redirects == 1, "a → b, then b → a is already visited")
        #expect(result.errorDetail?.contains("/loop/a") == true)
    }

    @Test func endlessDistinctRedirectsHitTheLimit() {
        let result = probe(server.url("/forever/0")) { $0.maxRedirects = 5 }
        #expect(result.error == .tooManyRedirects)
        #expect(result.redirects == 5)
    }

    @Test func zeroMaxRedirectsReportsTheRedirectItself() {
        let result = probe(server.url("/redirect/1")) { $0.maxRedirects = 0 }
        #expect(result.ok)
        #expect(result.status == 302)
    }

    @Test(arguments: ["/bytes/5000", "/stream/5000"])
    func bodyOverTheLimit(path: String) {
        let result = probe(server.url(path)) { $0.maxBody = 1000 }
        #expect(result.error == .bodyTooLarge, "\(path): \(result.errorDetail ?? "")")
    }

    @Test func bodyUnderTheLimitIsCounted() {
        let result = probe(server.url("/stream/5000")) { $0.maxBody = 10_000 }
        #expect(result.ok)
        #expect(result.bytes == 5000)
    }

    @Test(arguments: [
        Array("not http at all\r\n\r\n".utf8),
        [],
    ])
    func garbledOrMissingReplyIsAProtocolError(reply: [UInt8]) throws {
        let raw = try RawResponseServer.start(replying: reply)
        defer { raw.stop() }
        let result = probe(raw.url)
        #expect(result.error == .protocol, "\(result.errorDetail ?? "")")
    }

    @Test func hostOverrideAndResolveWorkLikeCurl() {
        let result = probe("http://cdntop.test:\(server.port)/echo-host") {
            $0.resolve = ["cdntop.test:\(server.port):127.0.0.1"]
            $0.host = "changelog.com"
        }
        #expect(result.ok, "\(result.errorDetail ?? "")")
        #expect(result.headers.last(named: "X-Seen-Host") == "changelog.com")
    }

    @Test func responseHeadersAreClassified() {
        let result = probe(server.url("/headers?X-Served-By=cache-iad2120-IAD,%20cache-fra1234-FRA&X-Cache=MISS,%20HIT&Via=1.1%20varnish"))
        #expect(result.provider == .fastly)
        #expect(result.cache == .hit)
        #expect(result.pop == "FRA")
        #expect(result.popRegion == .europe)
    }
}
