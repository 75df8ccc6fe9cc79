import CDNTopCore
@testable import Logs
import Testing

@Suite struct TrafficAggregatorTests {
    @Test func knownTrafficGivesItsCounts() throws {
        let parser = try NginxFormat(logFormat: #"[$time_local] $host "$request" $status $body_bytes_sent "$sent_http_content_type" $upstream_cache_status $request_time"#)
        var lines: [String] = []
        func add(_ count: Int, second: Int, path: String, type: String, cache: String, version: String = "HTTP/1.1", status: Int = 200) {
            for _ in 0..<count {
                lines.append(#"[08/Oct/2026:04:00:\#(String(format: "%02d", second)) +0000] www.example.com "GET \#(path) \#(version)" \#(status) 100 "\#(type)" \#(cache) 0.010"#)
            }
        }
        add(7, second: 1, path: "/", type: "text/html", cache: "MISS")
        add(3, second: 2, path: "/", type: "text/html", cache: "HIT", version: "HTTP/2.0")
        add(4, second: 3, path: "/a.png?w=1", type: "image/png", cache: "HIT")
        add(2, second: 4, path: "/font.woff2", type: "font/woff2", cache: "EXPIRED")
        add(1, second: 5, path: "/gone", type: "-", cache: "-", status: 404)
        let (minutes, problems) = try aggregate(lines, parser: parser)
        #expect(problems.isEmpty)
        let minute = try #require(minutes.first)
        #expect(minutes.count == 1)
        #expect(minute.requests == 17)
        #expect(minute.bytes == 1700)
        #expect(minute.cache.count(.miss) == 7)
        #expect(minute.cache.hits == 7)
        #expect(minute.cache.uncached == 1)
        #expect(minute.byContent[.html]?.requests == 11)  // "/gone" has no type: its path says page
        #expect(minute.byContent[.image]?.count(.hit) == 4)
        #expect(minute.byContent[.font]?.count(.expired) == 2)
        #expect(minute.byHTTPVersion == ["1.1": 14, "2": 3])
        #expect(minute.byStatusClass == [2: 16, 4: 1])
        #expect(minute.ttfb.count == 17)
        #expect(minute.topMisses.top(3).map(\.key) == ["/", "/font.woff2"])
        #expect(minute.topMisses.top(3).map(\.count) == [7, 2])
    }

    @Test func minutesSplitAtTheMinuteAndMalformedLinesFollowTheLastGoodOne() throws {
        let parser = try NginxFormat()
        let line = { (time: String) in #"1.2.3.4 - - [\#(time)] "GET / HTTP/1.1" 200 1 "-" "-" HIT"# }
        let (minutes, problems) = try aggregate(["junk", line("08/Oct/2026:04:00:59 +0000"), line("08/Oct/2026:04:01:00 +0000"), "junk"],
                                                parser: parser, site: "s")
        #expect(problems.count == 2)
        #expect(minutes.map(\.requests) == [1, 1])
        #expect(minutes.map(\.malformedLines) == [1, 1])
    }

    @Test func noClientAddressUserAgentOrQueryIsKeptAndHostileTextIsCleaned() throws {
        let parser = try JSONLineFormat.cloudflare
        let hostile = #"{"ClientIP":"198.51.100.77","ClientRequestUserAgent":"EvilAgent/1.0","CacheCacheStatus":"miss","ClientRequestHost":"www.example.com","ClientRequestPath":"/x\u001b]0;pwned\u0007y?token=SECRET","EdgeColoCode":"F\u001b[31mRA","EdgeResponseStatus":200,"EdgeStartTimestamp":"2026-10-08T04:00:00Z"}"#
        let (minutes, problems) = try aggregate([hostile], parser: parser)
        #expect(problems.isEmpty)
        let minute = try #require(minutes.first)
        #expect(minute.topMisses.top(1).map(\.key) == ["/xy"])
        #expect(minute.byPOP == ["FRA": 1])
        let everything = "\(minute)"
        for secret in ["198.51.100.77", "EvilAgent", "SECRET", "token", "\u{1B}"] {
            #expect(!everything.contains(secret))
        }
    }

    @Test func anEscapedQuestionMarkStartsAQueryToo() throws {
        let line = { (path: String) in
            #"{"CacheCacheStatus":"miss","ClientRequestHost":"www.example.com","ClientRequestPath":"\#(path)","EdgeResponseStatus":200,"EdgeStartTimestamp":"2026-10-08T04:00:00Z"}"#
        }
        let (minutes, problems) = try aggregate([line(#"/a\u003ftoken=SECRET"#), line(#"/a\u003Fb"#), line(#"/c\u0023frag"#),
                                                 line(#"/d\/e"#)], parser: JSONLineFormat.cloudflare)
        #expect(problems.isEmpty)
        let minute = try #require(minutes.first)
        #expect(Set(minute.topMisses.top(10).map(\.key)) == ["/a", "/c", "/d/e"])
        #expect(minute.topMisses.top(10).first { $0.key == "/a" }?.count == 2)
        #expect(!"\(minute)".contains("SECRET"))
    }

    @Test func aLineWithoutAHostNeedsASite() throws {
        let parser = try NginxFormat()
        let line = #"1.2.3.4 - - [08/Oct/2026:04:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-" HIT"#
        #expect(throws: MissingSite.self) { try aggregate([line], parser: parser) }
        #expect(try aggregate([line], parser: parser, site: "example.com").minutes.first?.site == "example.com")
    }
}

@Suite struct FieldReadingTests {
    @Test func timesOfEveryLayoutReadTheSameInstant() {
        let instant: Int64 = 1_791_432_000  // 2026-10-08T04:00:00Z
        func read(_ text: String, _ reader: (LogBytes) -> Int64?) -> Int64? {
            Array(text.utf8).withUnsafeBufferPointer(reader)
        }
        #expect(read("08/Oct/2026:06:00:00 +0200", FieldReading.commonLogTime) == instant)
        #expect(read("[07/Oct/2026:21:00:00 -0700]", FieldReading.commonLogTime) == instant)
        #expect(read("2026-10-08T04:00:00Z", FieldReading.iso8601Time) == instant)
        #expect(read("2026-10-08T05:30:00.250+01:30", FieldReading.iso8601Time) == instant)
        #expect(read("1791432000", FieldReading.epochTime) == instant)
        #expect(read("1791432000123", FieldReading.epochTime) == instant)
        #expect(read("1791432000123456789", FieldReading.epochTime) == instant)
        #expect(read("1791432000.123", FieldReading.epochTime) == instant)
        #expect(read("32/Oct/2026:06:00:00 +0200", FieldReading.commonLogTime) == nil)
        #expect(read("08/Okt/2026:06:00:00 +0200", FieldReading.commonLogTime) == nil)
    }

    @Test(arguments: [
        ("text/html; charset=utf-8", ContentClass.html), ("TEXT/CSS", .cssJS), ("application/javascript", .cssJS),
        ("image/svg+xml", .image), ("video/mp4", .audioVideo), ("application/vnd.apple.mpegurl", .audioVideo),
        ("font/woff2", .font), ("application/ld+json", .jsonXML), ("text/plain", .other),
    ])
    func contentTypesClassify(type: String, expected: ContentClass) {
        #expect(ContentClass(contentType: type) == expected)
    }
}
