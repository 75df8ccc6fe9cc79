import CDNTopCore
import Foundation
import Probe
import TestSupport
import Testing

/// The headers are the headers: chunked trailers are kept apart and never classified, the cap
/// on header lines keeps what classification reads, and escape sequences go whole. Each case
/// is a real server sending raw bytes.
@Suite("Response headers and trailers")
struct ResponseTrailerTests {
    static func serve(_ text: String) throws -> RawResponseServer {
        try RawResponseServer.start(replying: Array(text.utf8))
    }

    static func chunked(headers: String, trailers: String) -> String {
        "HTTP/1.1 200 OK\r\n\(headers)Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\(trailers)\r\n"
    }

    @Test func trailersNeitherChangeTheProviderNorThePOP() throws {
        let server = try Self.serve(Self.chunked(headers: "Server: nginx\r\nX-Cache-Status: HIT\r\n",
                                                 trailers: "Server: cloudflare\r\nCF-Ray: 8f1e2d3c4b5a6978-LHR\r\n"))
        defer { server.stop() }
        let result = probe(server.url)
        #expect(result.ok, "\(result.errorDetail ?? "")")
        #expect(result.provider == .nginx)
        #expect(result.cache == .hit)
        #expect(result.pop == nil)
        #expect(result.headers.last(named: "server") == "nginx")
        #expect(result.headers.values(named: "cf-ray").isEmpty)
        #expect(result.trailers == [HTTPHeader(name: "Server", value: "cloudflare"),
                                    HTTPHeader(name: "CF-Ray", value: "8f1e2d3c4b5a6978-LHR")])
        #expect(result.bytes == 5)
    }

    /// libcurl refuses a trailer without a colon, so a line starting `HTTP/` with one is what
    /// reaches the collector, where it used to start a new header block.
    @Test func aTrailerLookingLikeAStatusLineKeepsTheHeaders() throws {
        let server = try Self.serve(Self.chunked(headers: "Server: nginx\r\nX-Cache-Status: MISS\r\n",
                                                 trailers: "HTTP/1.1: 500 Oops\r\nX-Cache-Status: HIT\r\n"))
        defer { server.stop() }
        let result = probe(server.url)
        #expect(result.ok, "\(result.errorDetail ?? "")")
        #expect(result.provider == .nginx)
        #expect(result.cache == .miss)
        #expect(result.headers.values(named: "x-cache-status") == ["MISS"])
        #expect(result.trailers == [HTTPHeader(name: "HTTP/1.1", value: "500 Oops"), HTTPHeader(name: "X-Cache-Status", value: "HIT")])
    }

    /// An interim 100 Continue block is replaced by the final one, not mistaken for it.
    @Test func interimResponsesAreNotTheFinalHeaders() throws {
        let server = try Self.serve("HTTP/1.1 100 Continue\r\nServer: cloudflare\r\n\r\n"
                                    + Self.chunked(headers: "Server: nginx\r\n", trailers: ""))
        defer { server.stop() }
        let result = probe(server.url)
        #expect(result.ok, "\(result.errorDetail ?? "")")
        #expect(result.provider == .nginx)
        #expect(result.headers.values(named: "server") == ["nginx"])
        #expect(result.trailers.isEmpty)
    }

    @Test func aFloodOfHeadersCannotHideTheCacheHeaders() throws {
        let flood = (0..<1000).map { "X-Junk\($0): \(String(repeating: "v", count: 20))\r\n" }.joined()
        let server = try Self.serve("HTTP/1.1 200 OK\r\n\(flood)X-Served-By: cache-lhr7380-LHR\r\nX-Cache: HIT\r\n"
                                    + "Content-Length: 0\r\n\r\n")
        defer { server.stop() }
        let result = probe(server.url)
        #expect(result.ok, "\(result.errorDetail ?? "")")
        #expect(result.provider == .fastly)
        #expect(result.cache == .hit)
        #expect(result.pop == "LHR")
        #expect(result.headers.filter { $0.name.hasPrefix("X-Junk") }.count == 256)
    }

    @Test func anEscapeSequenceInACacheHeaderGoesWhole() throws {
        let server = try Self.serve("HTTP/1.1 200 OK\r\nServer: cloudflare\r\nCF-Ray: 8f1e2d3c4b5a6978-LHR\r\n"
                                    + "CF-Cache-Status: HIT\u{1B}]0;PWNED\u{07}\u{1B}[2J\r\nContent-Length: 0\r\n\r\n")
        defer { server.stop() }
        let result = probe(server.url)
        #expect(result.cacheRaw == "HIT")
        #expect(result.cache == .hit)
        #expect(result.headers.last(named: "cf-cache-status") == "HIT")
    }

    /// libcurl 7.x calls a header line over 100 KB "out of memory"; the probe says what it was.
    @Test func aTenMegabyteHeaderIsNamedAsSuch() throws {
        let server = try Self.serve("HTTP/1.1 200 OK\r\nX-Huge: \(String(repeating: "v", count: 10_000_000))\r\n"
                                    + "Content-Length: 0\r\n\r\n")
        defer { server.stop() }
        let result = probe(server.url)
        #expect(result.error == .protocol, "\(result.errorDetail ?? "")")
        #expect(result.errorDetail?.hasPrefix("response header too large for libcurl") == true, "\(result.errorDetail ?? "")")
    }

    @Test func aLocationThatIsNoURLSaysItCameFromARedirect() throws {
        let server = try Self.serve("HTTP/1.1 302 Found\r\nLocation: http://[::1\r\nContent-Length: 0\r\n\r\n")
        defer { server.stop() }
        let result = probe(server.url)
        #expect(!result.ok)
        #expect(result.error == .protocol, "\(result.errorDetail ?? "")")
        #expect(result.errorDetail?.contains("redirects to") == true, "\(result.errorDetail ?? "")")
    }
}
