import CDNTopCore
import Foundation
import PostgresStore

/// Many agents writing into one PostgreSQL database at once, each on its own connection and
/// thread, as regional agents do: every agent sends rounds of the generated endpoints from a
/// vantage of its own.
enum ConcurrentAgents {
    /// Probes per second over all agents, and the median and slowest round in milliseconds.
    static func measure(uri: String, agents: Int, rounds: Int, from start: Date) throws -> (rate: Double, median: Double, high: Double) {
        let stores = try (0..<agents).map { _ in try PostgresProbeStore(uri: uri) }
        let results = Results()
        let group = DispatchGroup()
        let began = DispatchTime.now().uptimeNanoseconds
        for (index, store) in stores.enumerated() {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                let vantage = Vantage(label: "agent-\(index)", continent: .europe)
                for round in 0..<rounds {
                    let probes = GeneratedProbes(start: start, interval: 60).round(round)
                        .filter { $0.vantage == GeneratedProbes.vantages[0] }
                        .map { probe in
                            var sent = probe
                            sent.vantage = vantage
                            sent.agent = vantage.label
                            return sent
                        }
                    do {
                        results.add(try Measuring.seconds { try store.record(probes) } * 1000, probes: probes.count)
                    } catch {
                        results.fail(error)
                    }
                }
            }
        }
        group.wait()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
        if let error = results.error { throw error }
        let spread = Spread(results.times)
        return (Double(results.probes) / elapsed, spread.median, spread.high)
    }

    /// What the agents' threads report. `@unchecked Sendable`: every access holds `lock`.
    private final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var times: [Double] = []
        private(set) var probes = 0
        private(set) var error: (any Error)?

        func add(_ milliseconds: Double, probes count: Int) {
            lock.withLock {
                times.append(milliseconds)
                probes += count
            }
        }

        func fail(_ failure: any Error) {
            lock.withLock { error = error ?? failure }
        }
    }
}
