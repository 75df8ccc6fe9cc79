import CDNTopCore
import Foundation
import Probe
import Store

/// The collector: runs probe rounds at each endpoint's interval and writes every round to the
/// probe database in one transaction.
///
/// A round that cannot be written (a locked or full disk, say) is kept and written with the
/// next round, so a passing problem loses no probes; past `maxBacklog` probes the oldest
/// are dropped and the loss is reported rather than growing memory without bound.
public final class ProbeAgent {
    public let endpoints: [Endpoint]
    public let vantage: Vantage
    private let store: ProbeStore?
    private let engine: ProbeEngine
    private var backlog: [ProbeResult] = []
    private var lastPrune: Date?

    static let maxBacklog = 100_000
    static let pruneEvery: TimeInterval = 3600

    /// Called for every probe as it lands, before the round is stored.
    public var onResult: (ProbeResult) -> Void = { _ in }
    /// Called once per round with its results, after the store write was attempted.
    public var onRound: (RoundReport) -> Void = { _ in }

    public init(endpoints: [Endpoint], vantage: Vantage, store: ProbeStore?, engine: ProbeEngine = ProbeEngine()) {
        self.endpoints = endpoints
        self.vantage = vantage
        self.store = store
        self.engine = engine
    }

    /// What one round did, for the agent's log line.
    public struct RoundReport: Sendable {
        public var results: [ProbeResult]
        public var wallSeconds: Double
        /// Set when the store write failed; the probes wait in the backlog.
        public var storeError: String?
        public var droppedProbes: Int
    }

    /// Probes the given endpoints (all by default) once and stores the round.
    @discardableResult
    public func runRound(_ selection: [Endpoint]? = nil) -> RoundReport {
        let clock = ContinuousClock()
        let started = clock.now
        let results = engine.run(selection ?? endpoints, vantage: vantage, onResult: onResult)
        let (storeError, dropped) = store.map { write(results, to: $0) } ?? (nil, 0)
        let report = RoundReport(results: results, wallSeconds: (clock.now - started).seconds,
                                 storeError: storeError, droppedProbes: dropped)
        onRound(report)
        return report
    }

    /// Runs rounds at each endpoint's interval until `stop` is requested; the round in flight
    /// when it is requested is finished and stored.
    public func run(until stop: StopSignal) {
        let clock = ContinuousClock()
        let origin = clock.now
        func now() -> Double { (clock.now - origin).seconds }
        var schedule = RoundSchedule(intervals: endpoints.map(\.interval), start: 0)
        while !stop.isRequested {
            let due = schedule.takeDue(at: now())
            if !due.isEmpty {
                runRound(due.map { endpoints[$0] })
            }
            if stop.sleep(seconds: schedule.nextRoundTime - now()) { break }
        }
    }

    private func write(_ results: [ProbeResult], to store: ProbeStore) -> (String?, Int) {
        backlog += results
        var dropped = 0
        if backlog.count > Self.maxBacklog {
            dropped = backlog.count - Self.maxBacklog
            backlog.removeFirst(dropped)
        }
        do {
            try store.record(backlog)
            backlog.removeAll()
        } catch {
            return ("\(error)", dropped)
        }
        pruneIfDue(store)
        return (nil, dropped)
    }

    /// Pruning is housekeeping: a failure is logged and retried next hour, and never
    /// reported as unstored probes.
    private func pruneIfDue(_ store: ProbeStore) {
        let now = Date()
        if let lastPrune, now.timeIntervalSince(lastPrune) < Self.pruneEvery { return }
        lastPrune = now
        do {
            try store.prune(now: now)
        } catch {
            FileHandle.standardError.write(Data("cdntop: pruning old probes failed, will retry in an hour: \(error)\n".utf8))
        }
    }
}
