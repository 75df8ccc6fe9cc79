import CDNTopCore
import Foundation
import Testing

@Suite("ProbeAggregate")
struct StatisticsProbeAggregateTests {
    private let vantage = Vantage(label: "eu-west", continent: .europe)

    private func probe(ok: Bool = true, status: Int? = 200, cache: CacheStatus? = .hit,
                       error: ProbeErrorClass? = nil, dns: Int64 = 1000, tls: Int64 = 3000,
                       ttfb: Int64 = 40_000, version: String? = "2", pop: String? = "FRA") -> ProbeResult {
        ProbeResult(timestamp: Date(timeIntervalSince1970: 1_700_000_000), endpoint: "fastly",
                    site: "changelog.com", url: "https://changelog.com/", vantage: vantage,
                    provider: .fastly, ok: ok, status: status, httpVersion: version, cache: cache,
                    pop: pop, timings: PhaseTimings(dns: dns, connect: 2000, tls: tls, ttfb: ttfb,
                                                    transfer: 500, total: ttfb + 500),
                    error: error)
    }

    /// The sample count of each phase sketch, in `forEachPhase` order.
    private func sketchCounts(_ aggregate: ProbeAggregate) -> [Int] {
        var counts: [Int] = []
        aggregate.forEachPhase { _, sketch in counts.append(sketch.count) }
        return counts
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
        #expect(sketchCounts(aggregate) == Array(repeating: 2, count: 6))
        #expect(aggregate.meanMicroseconds(\.ttfb) == 50_000)
        #expect(aggregate.timingSums.dns == 2000)
        #expect(aggregate.errors == [.timeout: 1])
        #expect(aggregate.providers == [.fastly: 3])
    }

    @Test("each phase feeds its own sketch, in the order probes go through them")
    func phaseSketches() throws {
        let timings = PhaseTimings(dns: 1100, connect: 2200, tls: 3300, ttfb: 44_000, transfer: 550, total: 51_150)
        var aggregate = ProbeAggregate()
        aggregate.add(ProbeResult(timestamp: Date(timeIntervalSince1970: 1_700_000_000), endpoint: "fastly",
                                  site: "changelog.com", url: "https://changelog.com/", vantage: vantage,
                                  ok: true, status: 200, timings: timings))
        var minima: [Double?] = []
        var sums: [Int64] = []
        aggregate.forEachPhase { sum, sketch in
            minima.append(sketch.min)
            sums.append(sum)
        }
        #expect(minima == [1100, 2200, 3300, 44_000, 550, 51_150])
        #expect(sums == [1100, 2200, 3300, 44_000, 550, 51_150])
        #expect(sketchCounts(aggregate) == Array(repeating: 1, count: 6))
        #expect(aggregate.tls.quantile(0.5) == 3300 && aggregate.transfer.quantile(0.5) == 550)
    }

    @Test("a phase of 0 µs (TLS over plain HTTP) has median 0, not nil; no success has none")
    func zeroPhases() {
        var aggregate = ProbeAggregate()
        for dns: Int64 in [0, 0, 5000] {
            aggregate.add(probe(dns: dns, tls: 0))
        }
        #expect(aggregate.tls.quantile(0.5) == 0)
        #expect(aggregate.tls.count == 3 && aggregate.tls.max == 0)
        #expect(aggregate.dns.quantile(0.5) == 0)
        #expect(aggregate.dns.quantile(1) == 5000)
        #expect(aggregate.meanMicroseconds(\.tls) == 0)
        var failures = ProbeAggregate()
        failures.add(probe(ok: false, status: nil, cache: nil, error: .connect))
        #expect(sketchCounts(failures) == Array(repeating: 0, count: 6))
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

    @Test("hit ratio leaves BYPASS, DYNAMIC and no cache out")
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
        let probes = [probe(), probe(cache: .miss, dns: 0, ttfb: 90_000), probe(cache: nil, tls: 0, version: "1.1"),
                      probe(dns: 30_000, tls: 9000, ttfb: 55_000),
                      probe(ok: false, status: 500, cache: .dynamic, error: .httpStatus, pop: "IAD")]
        var all = ProbeAggregate()
        probes.forEach { all.add($0) }
        var first = ProbeAggregate()
        var second = ProbeAggregate()
        probes.prefix(2).forEach { first.add($0) }
        probes.dropFirst(2).forEach { second.add($0) }
        first.merge(second)
        #expect(first == all)
        // Every phase sketch took part, zeros included.
        #expect(sketchCounts(first) == Array(repeating: 4, count: 6))
        #expect(first.dns.min == 0 && first.dns.max == 30_000 && first.tls.min == 0)
    }
}
