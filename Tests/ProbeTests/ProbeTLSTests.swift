import CDNTopCore
import Foundation
import Probe
import TestSupport
import Testing

/// TLS against real nginx with a self-signed certificate: verification fails unless the
/// endpoint says `insecure = true`, and then the handshake is timed and HTTP/2 negotiated.
@Suite("Probe TLS against real nginx", .serialized)
final class ProbeTLSTests {
    let nginx: ManagedProcess
    let port = FreePort.next()

    init() throws {
        nginx = try NginxServer.start(httpBlock: """
            server {
                listen 127.0.0.1:\(port) ssl http2;
                ssl_certificate {DIR}/cert.pem;
                ssl_certificate_key {DIR}/key.pem;
                location / { return 200 "tls ok"; }
            }
            """, port: port, prepare: NginxServer.makeSelfSignedCertificate(in:))
    }

    deinit { nginx.stop() }

    @Test func untrustedCertificateIsATLSError() {
        let result = probe("https://localhost:\(port)/")
        #expect(result.error == .tls, "\(result.errorDetail ?? "")")
        #expect(!result.ok)
        let measured = result.measuredTimings
        #expect(measured.dns != nil && measured.connect != nil, "the connection was made")
        #expect([measured.tls, measured.ttfb, measured.transfer] == [nil, nil, nil], "the handshake never finished")
    }

    @Test func insecureSkipsVerificationAndTimesTheHandshake() {
        let result = probe("https://localhost:\(port)/") { $0.insecure = true }
        #expect(result.ok, "\(result.errorDetail ?? "")")
        #expect(result.httpVersion == "2")
        #expect(result.provider == .nginx)
        #expect(result.timings.tls > 0)
        #expect(result.measuredTimings.tls == result.timings.tls)
        #expect(result.timings.dns + result.timings.connect + result.timings.tls <= result.timings.ttfb)
        #expect(result.bytes == 6)
    }

    @Test func plainHTTPToATLSPortGetsNginxsBadRequest() {
        let result = probe("http://127.0.0.1:\(port)/")
        // nginx answers plain HTTP on a TLS port with a 400 page.
        #expect(result.error == .httpStatus)
        #expect(result.status == 400)
    }
}
