import CDNTopCore
import Export
import Foundation
import Testing

@Suite("JSON lines and CSV")
struct ProbeWriterTests {
    static let probe = ProbeResult(
        timestamp: Date(timeIntervalSince1970: 1_795_000_000.123_9),
        endpoint: "fastly", site: "changelog.com", url: "https://changelog.com/",
        vantage: Vantage(label: "eu-west", continent: .europe), agent: "fra-vm-3c9e1a", provider: .fastly, ok: true,
        status: 200, httpVersion: "2", cache: .hit, cacheRaw: "MISS, HIT", pop: "FRA",
        popRegion: .europe, age: 42,
        timings: PhaseTimings(dns: 1234, connect: 5000, tls: 10_010, ttfb: 40_000, transfer: 7, total: 40_007),
        bytes: 5120, redirects: 1, remoteIP: "151.101.1.57", error: nil, errorDetail: nil)

    static let failed = ProbeResult(
        timestamp: Date(timeIntervalSince1970: 0), endpoint: "origin", site: "s", url: "http://o/",
        vantage: Vantage(label: "x"), ok: false, error: .timeout, errorDetail: "Operation timed out, \"slow\"")

    @Test func jsonLineHasExactlyDesignFieldsInOrder() throws {
        let line = ProbeWriter(format: .jsonl).line(for: Self.probe)
        #expect(line == """
            {"ts":"2026-11-18T11:06:40.123Z","endpoint":"fastly","site":"changelog.com","url":"https://changelog.com/",\
            "region":"eu-west","provider":"fastly","ok":true,"status":200,"http_version":"2","cache":"HIT",\
            "cache_raw":"MISS, HIT","pop":"FRA","pop_region":"Europe","pop_metro":"FRA","pop_city":"Frankfurt","age":42,"dns_ms":1.234,"connect_ms":5,\
            "tls_ms":10.01,"ttfb_ms":40,"transfer_ms":0.007,"total_ms":40.007,"bytes":5120,"redirects":1,\
            "remote_ip":"151.101.1.57","error":null,"error_detail":null,"agent":"fra-vm-3c9e1a"}
            """)
        let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object.count == 28)
    }

    /// A time a fraction of a microsecond before a millisecond's end prints as the same
    /// millisecond as the stored time read back (whole microseconds): a printed probe and its
    /// export agree.
    @Test func printedAndStoredTimesAgreeToTheMillisecond() {
        let printed = Date(timeIntervalSince1970: 1_795_000_000.292_999_8)
        let stored = Date(timeIntervalSince1970: Double(Int64((printed.timeIntervalSince1970 * 1_000_000).rounded())) / 1_000_000)
        #expect(RFC3339.format(printed) == RFC3339.format(stored))
        #expect(RFC3339.format(stored) == "2026-11-18T11:06:40.293Z")
    }

    @Test func failedProbeHasNullsWhereNothingWasSeen() throws {
        let line = ProbeWriter(format: .jsonl).line(for: Self.failed)
        let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["ok"] as? Bool == false)
        #expect(object["error"] as? String == "timeout")
        #expect(object["status"] is NSNull)
        #expect(object["cache"] is NSNull)
        #expect(object["provider"] is NSNull)
        #expect(object["ts"] as? String == "1970-01-01T00:00:00.000Z")
        #expect(object["error_detail"] as? String == "Operation timed out, \"slow\"")
        for phase in ["dns_ms", "connect_ms", "tls_ms", "ttfb_ms", "transfer_ms", "pop_metro", "pop_city"] {
            #expect(object[phase] is NSNull, "\(phase)")
        }
        #expect(object["total_ms"] as? Double == 0)
    }

    @Test func phasesAProbeMeasuredAreNumbersAndTheRestNull() throws {
        // A connect failure after a 1.5 ms lookup: the lookup is measured, nothing after it.
        var probe = Self.failed
        probe.error = .connect
        probe.timings = PhaseTimings(dns: 1500, total: 1800)
        let line = ProbeWriter(format: .jsonl).line(for: probe)
        #expect(line.contains(#""dns_ms":1.5,"connect_ms":null,"tls_ms":null,"ttfb_ms":null,"transfer_ms":null,"total_ms":1.8,"#))
        // A plain-HTTP success has no TLS phase, and says so with null rather than 0.
        var plain = Self.probe
        plain.url = "http://changelog.com/"
        plain.timings.tls = 0
        #expect(ProbeWriter(format: .jsonl).line(for: plain).contains(#""connect_ms":5,"tls_ms":null,"ttfb_ms":40,"#))
    }

    @Test func metroOfAPOPIsWrittenBesideItsRegion() throws {
        var probe = Self.probe
        probe.provider = .keycdn
        probe.pop = "zajn"
        probe.popRegion = .africa
        let line = ProbeWriter(format: .jsonl).line(for: probe)
        #expect(line.contains(#""pop":"zajn","pop_region":"Africa","pop_metro":"JNB","pop_city":"Johannesburg","age""#))
        probe.pop = "zz99"
        #expect(ProbeWriter(format: .jsonl).line(for: probe).contains(#""pop_metro":null,"pop_city":null"#))
    }

    @Test func csvHasAHeaderAndQuotesWhereNeeded() {
        let writer = ProbeWriter(format: .csv)
        #expect(writer.header?.hasPrefix("ts,endpoint,site,url,region,provider,ok,status,") == true)
        #expect(writer.header?.split(separator: ",").count == 28)
        #expect(writer.header?.contains(",pop,pop_region,pop_metro,pop_city,age,") == true)
        #expect(writer.line(for: Self.probe).contains(",\"MISS, HIT\",FRA,Europe,FRA,Frankfurt,42,1.234,5,10.01,40,0.007,40.007,"))
        // The timeout stopped before any phase completed: the phases are empty, the total is not.
        #expect(writer.line(for: Self.failed).contains(",,,,,,,0,0,0,,timeout,"))
        // The last column, agent, is empty for a probe sent before agents had ids.
        #expect(writer.line(for: Self.failed).hasSuffix(",timeout,\"Operation timed out, \"\"slow\"\"\","))
    }

    @Test func jsonEscapesWhateverSlipsThrough() {
        var probe = Self.failed
        probe.errorDetail = "a\u{1b}[2Jb\"c\\d\u{7}"
        #expect(ProbeWriter(format: .jsonl).line(for: probe).contains(#""error_detail":"ab\"c\\d""#))
        #expect(ProbeWriter(format: .csv).line(for: probe).hasSuffix(#","ab""c\d","#))
    }

    @Test func timestampsBeforeTheEpochFloorCorrectly() {
        #expect(RFC3339.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
    }
}
