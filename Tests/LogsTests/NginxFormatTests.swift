import CDNTopCore
@testable import Logs
import Testing

@Suite struct NginxFormatTests {
    static let line = #"203.0.113.9 - - [08/Oct/2026:04:00:59 +0200] "GET /blog/post.html?utm=x HTTP/1.1" 200 5120 "https://ref.example/" "Mozilla/5.0 (X11)" MISS"#

    @Test func theDefaultIsCombinedWithTheCacheStatus() throws {
        let parser = try NginxFormat()
        parse(Self.line, parser) { record, problem in
            #expect(problem == nil)
            guard let record else { return }
            #expect(record.seconds == 1_791_424_859)  // 2026-10-08T02:00:59Z
            #expect(record.status == 200)
            #expect(record.bytes == 5120)
            #expect(record.cache.text == "MISS")
            #expect(record.path.text == "/blog/post.html?utm=x")
            #expect(record.version == .http11)
        }
    }

    @Test func aCustomLogFormatIsReadInItsOwnOrder() throws {
        let format = #"$time_iso8601 $host "$request" $status $body_bytes_sent "$sent_http_content_type" $upstream_cache_status $request_time "$http_user_agent""#
        let parser = try NginxFormat(logFormat: format)
        let line = #"2026-10-08T04:00:00+00:00 www.example.com "GET /app.js HTTP/2.0" 304 0 "application/javascript; charset=utf-8" REVALIDATED 0.004 "curl/8.5""#
        parse(line, parser) { record, problem in
            #expect(problem == nil)
            #expect(record?.seconds == 1_791_432_000)
            #expect(record?.host.text == "www.example.com")
            #expect(record?.contentType.text == "application/javascript; charset=utf-8")
            #expect(record?.version == .http2)
            #expect(record?.ttfbMilliseconds == 4)
        }
    }

    @Test func quotedPiecesAsInNginxConfAreJoined() throws {
        let parser = try NginxFormat(logFormat: #"'$remote_addr [$time_local] ' '"$request" $status'"#)
        #expect(parser.summary == #"nginx log_format '$remote_addr [$time_local] "$request" $status'"#)
    }

    @Test func escapeJSONValuesMayHoldEscapedQuotes() throws {
        let parser = try NginxFormat(logFormat: #"escape=json {"t":"$time_iso8601","r":"$request","s":$status}"#)
        parse(#"{"t":"2026-10-08T04:00:00Z","r":"GET /a\"b HTTP/1.1","s":200}"#, parser) { record, problem in
            #expect(problem == nil)
            #expect(record?.path.text == #"/a\"b"#)
            #expect(record?.status == 200)
        }
    }

    @Test func formatsThatCannotBeReadAreRefusedWithTheFix() {
        #expect(throws: LogFormatError.self) { try NginxFormat(logFormat: "$remote_addr $status") }
        do {
            _ = try NginxFormat(logFormat: "$time_local$status")
            Issue.record("adjacent variables accepted")
        } catch {
            #expect(error.description.contains("$time_local and $status have nothing between them"))
        }
    }

    @Test func aLineOfAnotherFormatSaysWhatWasExpectedWhere() throws {
        let parser = try NginxFormat()
        parse(#"{"EdgeStartTimestamp":1}"#, parser) { record, problem in
            #expect(record == nil)
            #expect(problem?.expected == "$remote_addr followed by ' - '")
        }
    }

    @Test func aRequestNginxCouldNotParseStillCounts() throws {
        let parser = try NginxFormat()
        let line = #"198.51.100.1 - - [08/Oct/2026:04:00:00 +0000] "\x16\x03\x01\x02\x00\x01\x00" 400 150 "-" "-" -"#
        let (minutes, problems) = try aggregate([line], parser: parser, site: "s")
        #expect(problems.isEmpty)
        #expect(minutes.first?.requests == 1)
        #expect(minutes.first?.byStatusClass == [4: 1])
        #expect(minutes.first?.byHTTPVersion.isEmpty == true)
    }
}
