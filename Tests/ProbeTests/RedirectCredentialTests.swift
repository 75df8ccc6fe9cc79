import CDNTopCore
import Foundation
import Probe
import TestSupport
import Testing

/// Configured credentials follow redirects the way `curl -L` lets them: to the configured
/// origin only. Two loopback servers on two ports are two origins.
@Suite("Redirects and credentials")
struct RedirectCredentialTests {
    static let credentials = [
        HTTPHeader(name: "Authorization", value: "Bearer s3cret"),
        HTTPHeader(name: "Cookie", value: "session=s3cret"),
        HTTPHeader(name: "Proxy-Authorization", value: "Basic czNjcmV0"),
        HTTPHeader(name: "X-Team", value: "blue"),
    ]

    static func redirect(from server: LoopbackHTTPServer, to url: String) -> String {
        server.url("/redirect-to?url=" + url.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
    }

    static func sentCredentials(_ request: RecordedRequest) -> [String] {
        ["Authorization", "Cookie", "Proxy-Authorization"].flatMap(request.values)
    }

    @Test func credentialsStayWithTheConfiguredOrigin() throws {
        let first = try LoopbackHTTPServer.start()
        let other = try LoopbackHTTPServer.start()
        defer { first.stop(); other.stop() }
        // first → other → back to first: the credentials go to first twice, never to other.
        let back = first.url("/status/200")
        let result = probe(Self.redirect(from: first, to: Self.redirect(from: other, to: back))) {
            $0.headers = Self.credentials
        }
        #expect(result.ok, "\(result.errorDetail ?? "")")
        #expect(result.redirects == 2)
        let (onFirst, onOther) = (first.requests, other.requests)
        #expect(onFirst.count == 2 && onOther.count == 1)
        for request in onFirst {
            #expect(Self.sentCredentials(request) == ["Bearer s3cret", "session=s3cret", "Basic czNjcmV0"], "\(request.uri)")
        }
        #expect(Self.sentCredentials(onOther[0]).isEmpty)
        #expect(onOther[0].values("X-Team") == ["blue"], "other headers still follow")
    }

    @Test func aSameOriginRedirectKeepsThem() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let result = probe(server.url("/redirect/2")) { $0.headers = Self.credentials }
        #expect(result.ok && result.redirects == 2)
        #expect(server.requests.count == 3)
        #expect(server.requests.allSatisfy { Self.sentCredentials($0).count == 3 })
    }

    /// The same host on another port is another origin, as it is for curl.
    @Test func anotherPortIsAnotherOrigin() throws {
        let first = try LoopbackHTTPServer.start()
        let other = try LoopbackHTTPServer.start()
        defer { first.stop(); other.stop() }
        _ = probe(Self.redirect(from: first, to: "http://127.0.0.1:\(other.port)/status/200")) { $0.headers = Self.credentials }
        #expect(other.requests.count == 1)
        #expect(Self.sentCredentials(other.requests[0]).isEmpty)
    }

    @Test func aRedirectToAnotherSchemeIsRefusedAndSaysSo() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let result = probe(Self.redirect(from: server, to: "ftp://127.0.0.1/file"))
        #expect(result.error == .protocol)
        #expect(result.errorDetail == "HTTP 302 redirects to ftp://127.0.0.1/file, which is not an http:// or https:// URL")
    }

    /// A hop that fails after a redirect says where the redirect sent it.
    @Test func aFailureAfterARedirectNamesTheRedirect() throws {
        let server = try LoopbackHTTPServer.start()
        let closedPort = FreePort.next()
        defer { server.stop() }
        let result = probe(Self.redirect(from: server, to: "http://127.0.0.1:\(closedPort)/"))
        #expect(result.error == .connect)
        #expect(result.errorDetail?.hasSuffix("(after redirect 1 to http://127.0.0.1:\(closedPort)/)") == true,
                "\(result.errorDetail ?? "")")
    }
}

/// An https URL that redirects to plain http, served by real nginx with TLS.
@Suite("Redirect downgrade", .serialized)
final class RedirectDowngradeTests {
    let nginx: ManagedProcess
    let plain: LoopbackHTTPServer
    let port = FreePort.next()

    init() throws {
        plain = try LoopbackHTTPServer.start()
        nginx = try NginxServer.start(httpBlock: """
            server {
                listen 127.0.0.1:\(port) ssl;
                ssl_certificate {DIR}/cert.pem;
                ssl_certificate_key {DIR}/key.pem;
                location / { return 302 http://127.0.0.1:\(plain.port)/status/200; }
            }
            """, port: port, prepare: NginxServer.makeSelfSignedCertificate(in:))
    }

    deinit {
        nginx.stop()
        plain.stop()
    }

    @Test func aDowngradeIsReportedAndCarriesNoCredentials() {
        let result = probe("https://localhost:\(port)/") {
            $0.insecure = true
            $0.headers = RedirectCredentialTests.credentials
        }
        #expect(result.ok, "\(result.errorDetail ?? "")")
        #expect(result.errorDetail == "redirect 1 downgraded https to http (http://127.0.0.1:\(plain.port)/status/200): the response was not encrypted")
        #expect(plain.requests.count == 1)
        #expect(RedirectCredentialTests.sentCredentials(plain.requests[0]).isEmpty)
    }
}
