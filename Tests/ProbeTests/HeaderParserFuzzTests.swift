import CDNTopCore
@testable import Probe
import TestSupport
import Testing

/// A seeded property test of the header path a response takes: curl's header lines into the
/// collector, its headers into the classifier. Generated blocks mix the headers classification
/// reads with junk, escape sequences, raw bytes and trailers. The rules: no crash, nothing
/// unsafe in any header, trailer or classified value, and trailers never change the headers.
@Suite("Header parser fuzz")
struct HeaderParserFuzzTests {
    static let slices: [UInt64] = Array(1...8)
    static let inputsPerSlice = 10_000

    static let names = ["Server", "X-Cache", "CF-Cache-Status", "CF-Ray", "X-Served-By", "Via", "Age",
                        "Cache-Status", "Server-Timing", "X-Varnish", "X-Amz-Cf-Pop", "fly-request-id",
                        "Location", "X-Junk", "HTTP/1.1 200 OK", ""]
    static let values = ["HIT", "MISS, HIT", "cloudflare", "8f1e2d3c4b5a6978-LHR", "cache-iad2120-IAD",
                         "1.1 varnish", "\"Netlify Edge\"; hit", "cache;desc=\"hit\"", "12", "1 2", "fra"]

    @Test(arguments: slices)
    func headerBlocksComeOutSafeAndTrailersStayApart(slice: UInt64) {
        var random = SeededGenerator(seed: 0x4EAD_0000 + slice)
        for index in 0..<Self.inputsPerSlice {
            let block = [Array("HTTP/1.1 200 OK\r\n".utf8)] + Self.lines(&random) + [Array("\r\n".utf8)]
            let trailers = Self.lines(&random)
            var withTrailers = ResponseHeaderCollector()
            var withoutTrailers = ResponseHeaderCollector()
            Self.feed(block + trailers, to: &withTrailers)
            Self.feed(block, to: &withoutTrailers)
            let headers = withTrailers.headers
            let classification = Classifier.classify(headers)
            let texts: [String] = (headers + withTrailers.trailers).flatMap { [$0.name, $0.value] }
                + [classification.cacheRaw, classification.pop].compactMap { $0 }
            let unsafe = texts.first { $0.unicodeScalars.contains(where: HostileText.isUnsafe) }
            guard unsafe == nil, headers == withoutTrailers.headers,
                  (classification.cacheRaw?.count ?? 0) <= 200, (classification.pop?.count ?? 0) <= 200 else {
                let input = (block + trailers).map { String(decoding: $0, as: UTF8.self).debugDescription }
                Issue.record("slice \(slice) input \(index): \(input) unsafe: \(unsafe?.debugDescription ?? "none")")
                return
            }
        }
    }

    /// 0–5 header lines: known names or junk, values known, hostile or raw bytes.
    static func lines(_ random: inout SeededGenerator) -> [[UInt8]] {
        (0..<Int.random(in: 0...5, using: &random)).map { _ in
            let name = Array(names.randomElement(using: &random)!.utf8)
            let value: [UInt8]
            switch Int.random(in: 0..<3, using: &random) {
            case 0: value = Array(values.randomElement(using: &random)!.utf8)
            case 1:
                let scalars = HostileText.plain(&random) + HostileText.sequence(&random, terminated: Bool.random(using: &random))
                    + HostileText.plain(&random)
                value = Array(String(String.UnicodeScalarView(scalars)).utf8)
            default: value = HostileText.bytes(&random)
            }
            return name + Array(": ".utf8) + value + Array("\r\n".utf8)
        }
    }

    static func feed(_ lines: [[UInt8]], to collector: inout ResponseHeaderCollector) {
        for line in lines {
            line.withUnsafeBufferPointer { collector.consume(line: $0) }
        }
    }
}
