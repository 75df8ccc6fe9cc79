import CDNTopCore
import Foundation
import Probe
import TestSupport
import Testing

/// Which phases a real failure measured: exports write null for the rest, never a fast zero.
@Suite("Measured phases of real loopback failures", .serialized)
struct ProbeMeasuredPhasesTests {
    let server: LoopbackHTTPServer

    init() throws { server = try LoopbackHTTPServer.start() }

    @Test func dnsFailureMeasuredNoPhase() {
        let measured = probe("http://\(unresolvableHost)/").measuredTimings
        #expect([measured.dns, measured.connect, measured.tls, measured.ttfb, measured.transfer] == [nil, nil, nil, nil, nil])
    }

    @Test func refusedConnectionMeasuredTheLookupOnly() {
        let result = probe("http://127.0.0.1:\(FreePort.next())/")
        #expect(result.error == .connect)
        let measured = result.measuredTimings
        #expect(measured.dns != nil)
        #expect([measured.connect, measured.tls, measured.ttfb, measured.transfer] == [nil, nil, nil, nil])
    }

    @Test func timeoutBeforeTheReplyMeasuredTheConnection() {
        let result = probe(server.url("/delay/3000")) { $0.timeout = 0.3 }
        #expect(result.error == .timeout)
        let measured = result.measuredTimings
        #expect(measured.dns != nil && measured.connect != nil)
        #expect(measured.ttfb == nil, "no byte came back before the limit")
        #expect(measured.transfer == nil)
        #expect(measured.total > 0, "the time spent waiting is still the total")
    }

    @Test func plainHTTPHasNoTLSPhaseAndAnErrorStatusIsFullyMeasured() {
        let result = probe(server.url("/status/503"))
        #expect(result.error == .httpStatus)
        let measured = result.measuredTimings
        #expect(measured.tls == nil)
        #expect(measured.dns != nil && measured.connect != nil && measured.transfer != nil)
        #expect((measured.ttfb ?? 0) > 0)
    }
}
