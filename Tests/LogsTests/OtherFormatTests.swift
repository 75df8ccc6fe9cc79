import CDNTopCore
@testable import Logs
import Testing

@Suite struct VarnishncsaFormatTests {
    @Test func theDefaultIsVarnishncsasOwnPlusHitmiss() throws {
        let parser = try VarnishncsaFormat()
        let line = #"127.0.0.1 - - [08/Oct/2026:04:00:00 +0000] "GET http://www.example.com/img/a.png?v=2 HTTP/1.1" 200 1234 "-" "curl/8.5.0" hit"#
        parse(line, parser) { record, problem in
            #expect(problem == nil)
            #expect(record?.host.text == "www.example.com")
            #expect(record?.path.text == "/img/a.png?v=2")
            #expect(record?.cache.text == "hit")
            #expect(record?.version == .http11)
        }
    }

    @Test func aCustomFormatWithHandlingTimesAndHeaders() throws {
        let parser = try VarnishncsaFormat(format: #"%t %{Host}i "%U" %q %H %s %b %D "%{Content-Type}o" %{Varnish:handling}x %{Varnish:time_firstbyte}x"#)
        let line = #"[08/Oct/2026:04:00:00 +0000] example.org "/feed.xml" ?page=2 HTTP/1.0 200 99 2500 "application/rss+xml" pass 0.001200"#
        let (minutes, problems) = try aggregate([line], parser: parser)
        #expect(problems.isEmpty)
        let minute = try #require(minutes.first)
        #expect(minute.site == "example.org")
        #expect(minute.byContent[.jsonXML]?.count(.bypass) == 1)
        #expect(minute.byHTTPVersion == ["1.0": 1])
        // time_firstbyte wins over %D (total time): 1.2 ms, not 2.5 ms.
        #expect(abs((minute.ttfb.max ?? 0) - 1.2) < 0.05)
    }

    @Test func unknownCodesAndCustomTimeLayoutsAreRefused() {
        #expect(throws: LogFormatError.self) { try VarnishncsaFormat(format: "%t %Z") }
        #expect(throws: LogFormatError.self) { try VarnishncsaFormat(format: "%{%Y-%m-%d}t %s") }
    }
}

@Suite struct CloudflareFormatTests {
    /// Logpush http_requests lines with the fields of Cloudflare's documentation, a nested
    /// value cdntop skips, and both timestamp forms.
    static let lines = [
        #"{"CacheCacheStatus":"hit","ClientIP":"198.51.100.7","ClientRequestHost":"www.example.com","ClientRequestPath":"/","ClientRequestProtocol":"HTTP/2","ClientRequestURI":"/?q=secret","ClientRequestUserAgent":"Mozilla/5.0","EdgeColoCode":"FRA","EdgeResponseBytes":2048,"EdgeResponseContentType":"text/html","EdgeResponseStatus":200,"EdgeStartTimestamp":1791432000123456789,"EdgeTimeToFirstByteMs":12,"RequestHeaders":{"cf-ray":"x"}}"#,
        #"{"CacheCacheStatus":"miss","ClientRequestHost":"www.example.com","ClientRequestPath":"/","ClientRequestProtocol":"HTTP/3","EdgeColoCode":"CDG","EdgeResponseBytes":2048,"EdgeResponseContentType":"text/html; charset=utf-8","EdgeResponseStatus":200,"EdgeStartTimestamp":"2026-10-08T04:00:30Z","EdgeTimeToFirstByteMs":80}"#,
        #"{"CacheCacheStatus":"dynamic","ClientRequestHost":"www.example.com","ClientRequestPath":"/api/cart","ClientRequestProtocol":"HTTP/1.1","EdgeColoCode":"FRA","EdgeResponseBytes":10,"EdgeResponseContentType":"application/json","EdgeResponseStatus":503,"EdgeStartTimestamp":"2026-10-08T04:01:00Z","EdgeTimeToFirstByteMs":300}"#,
    ]

    @Test func logpushLinesCountedInCdntopsVocabulary() throws {
        let (minutes, problems) = try aggregate(Self.lines, parser: JSONLineFormat.cloudflare)
        #expect(problems.isEmpty)
        #expect(minutes.map(\.minute) == [1_791_432_000, 1_791_432_060])
        #expect(minutes.allSatisfy { $0.site == "www.example.com" && $0.provider == .cloudflare })
        let first = minutes[0]
        #expect(first.byContent[.html]?.count(.hit) == 1)
        #expect(first.byContent[.html]?.count(.miss) == 1)
        #expect(first.byHTTPVersion == ["2": 1, "3": 1])
        #expect(first.byPOP == ["FRA": 1, "CDG": 1])
        #expect(first.topMisses.top(5).map(\.key) == ["/"])
        #expect(first.ttfb.count == 2)
        #expect(minutes[1].byContent[.jsonXML]?.count(.dynamic) == 1)
        #expect(minutes[1].byStatusClass == [5: 1])
    }
}

@Suite struct BunnyFormatTests {
    /// The example line of Bunny's logging documentation, and one whose user agent holds a pipe.
    static let lines = [
        "HIT|200|1507167062421|412|390|163.172.53.229|-|https://example.b-cdn.net/video.mp4|WA|Mozilla/5.0|322b688bd63fb63f2babe9de30a5d262|DE",
        "MISS|200|1507167062999|100|390|163.172.53.0|https://ref/|https://example.b-cdn.net/style.css?v=1|DE|Bot|with|pipe|abc|FR",
        "BYPASS|404|1507167063000|0|390|0.0.0.0|-|https://example.b-cdn.net/|DE|-|abd|FR",
    ]

    @Test func pipeSeparatedLinesWithContentTypeFromTheExtension() throws {
        let (minutes, problems) = try aggregate(Self.lines, parser: BunnyFormat())
        #expect(problems.isEmpty)
        let minute = try #require(minutes.first)
        #expect(minutes.count == 1)
        #expect(minute.site == "example.b-cdn.net")
        #expect(minute.provider == .bunny)
        #expect(minute.byContent[.audioVideo]?.count(.hit) == 1)
        #expect(minute.byContent[.cssJS]?.count(.miss) == 1)
        #expect(minute.byContent[.html]?.count(.bypass) == 1)
        #expect(minute.byPOP == ["WA": 1, "DE": 2])
        #expect(minute.topMisses.top(5).map(\.key) == ["/style.css"])
        #expect(minute.bytes == 512)
    }

    @Test func tooFewFieldsIsMalformed() throws {
        let (minutes, problems) = try aggregate(["HIT|200|1507167062421"], parser: BunnyFormat(), site: "s")
        #expect(minutes.isEmpty)
        #expect(problems.count == 1)
    }
}

@Suite struct FastlyFormatTests {
    static func line(_ cache: String, time: String = "2026-10-08T04:00:00Z", key: String = "cache") -> String {
        #"{"time":"\#(time)","\#(key)":"\#(cache)","pop":"FRA","protocol":"HTTP/1.1","host":"www.example.com","path":"/","content_type":"text/html","status":200,"bytes":10,"ttfb":0.025}"#
    }

    @Test func fastlyStatesMapToTheVocabulary() throws {
        let states = ["HIT", "MISS", "HIT-STALE", "HIT-SYNTH", "PASS", "HIT-CLUSTER", "MISS-CLUSTER", "ERROR"]
        let (minutes, problems) = try aggregate(states.map { Self.line($0) }, parser: JSONLineFormat.fastly)
        #expect(problems.isEmpty)
        let tally = try #require(minutes.first?.byContent[.html])
        #expect(tally.count(.hit) == 3)      // HIT, HIT-SYNTH, HIT-CLUSTER
        #expect(tally.count(.miss) == 2)     // MISS, MISS-CLUSTER
        #expect(tally.count(.stale) == 1)
        #expect(tally.count(.bypass) == 1)
        #expect(tally.uncached == 1)         // ERROR is no cache verdict
        #expect(minutes.first?.ttfb.min.map { abs($0 - 25) < 0.5 } == true)
    }

    @Test func mapReadsAFieldFromAnotherKey() throws {
        var format = JSONLineFormat.fastly
        try format.map("cache", to: "fastly_info_state")
        let (minutes, _) = try aggregate([Self.line("MISS", key: "fastly_info_state")], parser: format)
        #expect(minutes.first?.cache.count(.miss) == 1)
        #expect(throws: LogFormatError.self) { try format.map("nope", to: "x") }
    }

    @Test func aLineWithoutTheTimeKeyIsMalformed() throws {
        let (_, problems) = try aggregate([#"{"cache":"HIT"}"#, "not json"], parser: JSONLineFormat.fastly, site: "s")
        #expect(problems.map(\.expected) == [#"the key "time""#, "a JSON object ('{')"])
    }
}

@Suite struct FormatSnifferTests {
    @Test(arguments: [
        (NginxFormatTests.line, LogFormatName.nginx),
        (#"1.2.3.4 - - [08/Oct/2026:04:00:00 +0000] "GET http://h/ HTTP/1.1" 200 1 "-" "-" miss"#, .varnishncsa),
        (CloudflareFormatTests.lines[0], .cloudflare),
        (FastlyFormatTests.line("HIT"), .fastly),
        (BunnyFormatTests.lines[0], .bunny),
    ])
    func theFirstLineTellsTheFormat(line: String, expected: LogFormatName) {
        #expect(FormatSniffer.guess(firstLines: [Array(line.utf8)], logFormat: nil).0 == expected)
    }
}
