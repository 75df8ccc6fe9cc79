import CDNTopCore
import Foundation
import Probe
import TestSupport
import Testing

/// A server that tries to hijack the terminal through its headers gets nothing through.
@Suite("Hostile responses")
struct HostileResponseTests {
    static let escape = "\u{1b}]0;pwned\u{07}\u{1b}[2J"

    @Test func controlCharactersNeverReachTheResult() throws {
        let reply = "HTTP/1.1 200 OK\r\nServer: nginx\r\nX-Cache-Status: HIT\(Self.escape)\r\n"
            + "X-Evil\(Self.escape): \u{9b}31mred\r\nContent-Length: 0\r\n\r\n"
        let raw = try RawResponseServer.start(replying: Array(reply.utf8))
        defer { raw.stop() }
        let result = probe(raw.url)
        #expect(result.ok, "\(result.errorDetail ?? "")")
        let strings = result.headers.flatMap { [$0.name, $0.value] }
            + [result.cacheRaw, result.pop, result.errorDetail, result.remoteIP].compactMap { $0 }
        for text in strings {
            #expect(!text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }, "\(text.debugDescription)")
        }
        #expect(result.headers.contains { $0.name.hasPrefix("X-Evil") })
        #expect(result.provider == .nginx)
    }

    @Test func aFloodOfHeadersIsCapped() throws {
        let lines = (0..<1000).map { "X-H\($0): \(String(repeating: "v", count: 50))\r\n" }.joined()
        let raw = try RawResponseServer.start(replying: Array("HTTP/1.1 200 OK\r\n\(lines)Content-Length: 0\r\n\r\n".utf8))
        defer { raw.stop() }
        let result = probe(raw.url)
        #expect(result.headers.count <= 256)
    }

    /// The collector keeps lines whole up to 17 KiB each and relies on libcurl to refuse a
    /// header block beyond 300 KB: a flood of long lines fails the probe instead of growing
    /// memory.
    @Test func aHugeHeaderBlockIsRefused() throws {
        let lines = (0..<40).map { "X-Long\($0): \(String(repeating: "v", count: 10_000))\r\n" }.joined()
        let raw = try RawResponseServer.start(replying: Array("HTTP/1.1 200 OK\r\n\(lines)Content-Length: 0\r\n\r\n".utf8))
        defer { raw.stop() }
        let result = probe(raw.url)
        let (ok, error) = (result.ok, result.error)
        #expect(!ok)
        #expect(error == .protocol, "\(result.errorDetail ?? "")")
        let keptBytes = result.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
        #expect(keptBytes <= 300 * 1024)
    }
}
