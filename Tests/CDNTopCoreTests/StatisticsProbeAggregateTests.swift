import CDNTopCore
import Foundation
import Testing

@Suite("ProbeAggregate")
struct StatisticsProbeAggregateTests {
    private let vantage = Vantage(label: "eu-west", continent: .europe)

    private func probe(ok: Bool = true, status: Int? = 200, cache: CacheStatus? = .hit,
                       error: ProbeErrorClass? = nil, ttfb: Int64 = 40_000,
                       version: String? = "2", pop: String? = "FRA") -> ProbeResult {
        ProbeResult(timestamp: Date(timeIntervalSince1970: 1_700_000_000), endpoint: "fastly",
                    site: "changelog.com", url: "https://changelog.com/", vantage: vantage,
                    provider: .fastly, ok: ok, status: status, httpVersion: version, cache: cache,
                    pop: pop, timings: PhaseTimings(dns: 1000, connect: 2000, tls: 3000, ttfb: ttfb,
                                                    transfer: 500, total: ttfb + 500),
                    error: error)
    }

    @Test("latency figures cover successful probes only")
    func latencyOfSuccessesOnly() {
        var aggregate = ProbeAggregate()
        aggregate.add(probe(ttfb: 40_000))
        aggregate.add(probe(ttfb: 60_000))
        aggregate.add(probe(ok: false, status: nil, cache: nil, error: .timeout, ttfb: 10_000_000,
                            version: nil, pop: nil))
        #expect(aggregate.count == 3)
        #expect(aggregate.okCount == 2)
        #expect(aggregate.ttfb.count == 2 && aggregate.total.count == 2)
        #expect(aggregate.meanMicroseconds(\.ttfb) == 50_000)
        #expect(aggregate.timingSums.dns == 2000)
        #expect(aggregate.errors == [.timeout: 1])
        #expect(aggregate.providers == [.fastly: 3])
    }

    @Test("no cache layer is counted only for probes that got a response")
    func uncachedNeedsAResponse() {
        var aggregate = ProbeAggregate()
        aggregate.add(probe(cache: nil))                                   // origin, no cache
        aggregate.add(probe(ok: false, status: nil, cache: nil, error: .connect))  // no response
        aggregate.add(probe(ok: false, status: 503, cache: .miss, error: .httpStatus))
        #expect(aggregate.uncached == 1)
        #expect(aggregate.cache == [.miss: 1])
        #expect(aggregate.httpVersions == ["2": 2])
        #expect(aggregate.pops == ["FRA": 2])
    }

    @Test("hit ratio follows DESIGN.md: BYPASS, DYNAMIC and no cache are left out")
    func hitRatio() {
        var aggregate = ProbeAggregate()
        for status in [CacheStatus.hit, .hit, .stale, .revalidated, .miss, .expired, .bypass, .dynamic] {
            aggregate.add(probe(cache: status))
        }
        aggregate.add(probe(cache: nil))
        #expect(aggregate.hits == 4)
        #expect(aggregate.hitRatioSamples == 6)
        #expect(aggregate.hitRatio == 4.0 / 6.0)
        #expect(ProbeAggregate().hitRatio == nil)
        #expect(ProbeAggregate().meanMicroseconds(\.total) == nil)
    }

    @Test("merging equals adding every probe to one aggregate")
    func mergeEqualsAdd() {
        let probes = [probe(), probe(cache: .miss, ttfb: 90_000), probe(cache: nil, version: "1.1"),
                      probe(ok: false, status: 500, cache: .dynamic, error: .httpStatus, pop: "IAD")]
        var all = ProbeAggregate()
        probes.forEach { all.add($0) }
        var first = ProbeAggregate()
        var second = ProbeAggregate()
        probes.prefix(2).forEach { first.add($0) }
        probes.dropFirst(2).forEach { second.add($0) }
        first.merge(second)
        #expect(first == all)
    }
}
