import CDNTopCore
import TestSupport
import Testing

/// Headers are written by whoever runs the server. Garbage must classify as "unknown", never
/// crash, and never carry control characters or unbounded text into the result.
@Suite("Classification of hostile and garbled headers")
struct ClassificationRobustnessTests {
    /// Every header name the classifier reads.
    static let headerNames = [
        "Server", "Via", "Age", "X-Cache", "X-Served-By", "X-Timer", "X-Fastly-Request-ID",
        "CF-Ray", "CF-Cache-Status", "CDN-Cache", "CDN-PullZone", "fly-request-id", "X-Amz-Cf-Pop",
        "X-Amz-Cf-Id", "X-Edge-Location", "X-Vercel-Id", "X-Vercel-Cache", "x-nf-request-id",
        "Cache-Status", "Server-Timing", "X-Tigris-Served-From", "Akamai-Cache-Status",
        "X-Akamai-Request-ID", "X-Varnish", "X-Cache-Status",
    ]

    @Test("no headers at all")
    func empty() {
        #expect(Classifier.classify([]) == Classification())
    }

    @Test("every header present with an empty value")
    func emptyValues() {
        let result = Classifier.classify(Self.headerNames.map { HTTPHeader(name: $0, value: "") })
        #expect(result.cache == nil)
        #expect(result.cacheRaw == nil)
        #expect(result.pop == nil)
        #expect(result.age == nil)
    }

    @Test("an unknown state keeps its raw value and no status")
    func garbledStatus() {
        let result = Classifier.classify(responseHeaders("X-Served-By: cache-sjc3120-SJC", "X-Cache: MAYBE"))
        #expect(result.provider == .fastly)
        #expect(result.cache == nil)
        #expect(result.cacheRaw == "MAYBE")
    }

    @Test("X-Varnish that is not one or two numbers", arguments: ["abc", "1 2 3", "12 x", "-1"])
    func garbledVarnish(_ value: String) {
        let result = Classifier.classify([HTTPHeader(name: "X-Varnish", value: value)])
        #expect(result.provider == .varnish)
        #expect(result.cache == nil)
        #expect(result.cacheRaw == value)
    }

    @Test("Age must be a plain non-negative integer", arguments: [
        ("0", 0), ("47871", 47871), (" 12 ", 12), ("-1", nil), ("abc", nil), ("1.5", nil),
        ("99999999999999999999", nil), ("", nil), ("١٢", nil),
    ] as [(String, Int?)])
    func age(_ value: String, _ expected: Int?) {
        #expect(Classifier.classify([HTTPHeader(name: "Age", value: value)]).age == expected)
    }

    @Test("a megabyte-long header is cut to the output limit")
    func hugeValues() {
        let huge = String(repeating: "HIT, ", count: 200_000) + "MISS"
        let result = Classifier.classify([
            HTTPHeader(name: "X-Served-By", value: "cache-" + String(repeating: "x", count: 1_000_000)),
            HTTPHeader(name: "X-Cache", value: huge),
        ])
        #expect(result.provider == .fastly)
        #expect((result.cacheRaw?.count ?? 0) <= 200)
        #expect(result.pop == nil)
    }

    @Test("terminal escape sequences never reach the result")
    func escapeSequences() {
        let result = Classifier.classify(responseHeaders(
            "Server: cloudflare",
            "CF-Cache-Status: \u{1B}]0;pwned\u{07}HIT\u{1B}[2J",
            "CF-Ray: 8f1e2d3c4b5a6978-\u{1B}[31mSJC"))
        #expect(result.provider == .cloudflare)
        #expect(result.cacheRaw?.isFreeOfControlCharacters == true)
        #expect(result.cacheRaw?.contains("\u{1B}") == false)
        #expect(result.cacheRaw == "HIT")
        #expect(result.pop == "SJC", "the sequence goes whole, so the code around it reads as it was sent")
    }

    @Test("control characters inside an otherwise valid value are stripped before reading")
    func strippedControls() {
        let result = Classifier.classify(responseHeaders("X-Cache-Status: H\u{0}I\u{7F}T"))
        #expect(result.cache == .hit)
        #expect(result.cacheRaw == "HIT")
    }

    @Test("look-alike letters from other scripts are not POP codes", arguments: [
        "8f1e2d3c4b5a6978-ЅJC", "8f1e2d3c4b5a6978-SJ\u{202E}C", "8f1e2d3c4b5a6978-", "-", "🙂-🙂",
    ])
    func unicodePOP(_ ray: String) {
        let result = Classifier.classify([HTTPHeader(name: "CF-Ray", value: ray)])
        #expect(result.provider == .cloudflare)
        if let pop = result.pop {
            #expect(pop.allSatisfy { $0.isASCII })
            #expect(pop.isFreeOfControlCharacters)
        }
    }

    @Test("unterminated quotes and stray separators in Cache-Status", arguments: [
        "\"unterminated; hit", ";;;,,,", "\"\"; hit=?1", ", , ,", "\\\"; fwd=miss", "x; fwd=",
        "x; ttl=notanumber; hit",
    ])
    func malformedCacheStatus(_ value: String) {
        let result = Classifier.classify([HTTPHeader(name: "Cache-Status", value: value)])
        #expect((result.cacheRaw?.count ?? 0) <= 200)
        #expect(result.cacheRaw?.isFreeOfControlCharacters ?? true)
    }

    @Test("random headers never crash and never leak unsafe text", arguments: 0..<8)
    func fuzz(_ seed: Int) {
        var random = SeededGenerator(seed: UInt64(seed))
        for _ in 0..<250 {
            let headers = (0..<Int(random.next() % 8)).map { _ in
                HTTPHeader(name: random.pick(Self.headerNames + ["", "\u{1B}", "x-ÿ"]),
                           value: random.garbage(length: Int(random.next() % 300)))
            }
            let result = Classifier.classify(headers, configuredProvider: random.pick([nil] + Provider.allCases))
            for text in [result.cacheRaw, result.pop].compactMap({ $0 }) {
                #expect(text.count <= 200)
                #expect(text.isFreeOfControlCharacters)
            }
            if let age = result.age { #expect(age >= 0) }
        }
    }
}

/// Fuzz inputs from the seeded generator, so a failure reproduces.
extension SeededGenerator {
    mutating func pick<T>(_ items: [T]) -> T {
        items[Int(next() % UInt64(items.count))]
    }

    /// Text mixing header syntax, ASCII, control characters and arbitrary Unicode.
    mutating func garbage(length: Int) -> String {
        let pieces = ["HIT", "MISS", ",", ";", "=", "\"", "\\", "-", "::", " from ", "cache-", "BunnyCDN-",
                      "TCP_", "\u{1B}[", "\u{07}", "\u{0}", "\u{202E}", "é", "🙂", "\r\n", "?1", "ttl=-"]
        var text = ""
        while text.unicodeScalars.count < length {
            if next() % 3 == 0, let scalar = Unicode.Scalar(UInt32(next() % 0x2FFFF)) {
                text.unicodeScalars.append(scalar)
            } else {
                text += pick(pieces)
            }
        }
        return text
    }
}
