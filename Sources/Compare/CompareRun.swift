import CDNTopCore
import Foundation
import Probe

/// How far a comparison has got, for the live progress line.
public struct CompareProgress: Sendable, Equatable {
    /// 1-based round in flight.
    public var round: Int
    public var rounds: Int
    /// Probes of this round that have landed, of `perRound`.
    public var landed: Int
    public var perRound: Int
    /// Probes of all rounds so far that failed.
    public var failed: Int
}

/// Runs the rounds of a comparison: every URL probed at the same moment on fresh connections
/// (each round is its own libcurl multi handle, so no connection or DNS cache carries over),
/// one round after another, each starting `interval` after the previous one started, or as
/// soon as it ends when a round takes longer.
public struct CompareRun: Sendable {
    public var endpoints: [Endpoint]
    public var rounds: Int
    /// Seconds between the starts of two rounds.
    public var interval: Double
    public var vantage: Vantage

    public init(endpoints: [Endpoint], rounds: Int, interval: Double, vantage: Vantage) {
        self.endpoints = endpoints
        self.rounds = rounds
        self.interval = interval
        self.vantage = vantage
    }

    /// Probes every round and returns all results, oldest round first. `onProgress` is called
    /// as each probe lands; `onRound` with each finished round (to store it with `--db`).
    public func run(onProgress: (CompareProgress) -> Void = { _ in },
                    onRound: ([ProbeResult]) throws -> Void = { _ in }) rethrows -> [ProbeResult] {
        let engine = ProbeEngine()
        let start = Date()
        var results: [ProbeResult] = []
        var failed = 0
        for round in 1...rounds {
            let due = start.addingTimeInterval(Double(round - 1) * interval)
            if due > Date() { Thread.sleep(until: due) }
            var landed = 0
            onProgress(CompareProgress(round: round, rounds: rounds, landed: 0, perRound: endpoints.count, failed: failed))
            let roundResults = engine.run(endpoints, vantage: vantage) { result in
                landed += 1
                if !result.ok { failed += 1 }
                onProgress(CompareProgress(round: round, rounds: rounds, landed: landed, perRound: endpoints.count, failed: failed))
            }
            try onRound(roundResults)
            results += roundResults
        }
        return results
    }
}

extension CompareProgress {
    /// "round 3 of 20: 7 of 10 probes landed, 1 failed so far", the line a terminal shows.
    public var line: String {
        "round \(round) of \(rounds): \(landed) of \(perRound) probes landed" + (failed > 0 ? ", \(failed) failed so far" : "")
    }
}
