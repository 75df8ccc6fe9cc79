import CDNTopCore
import Foundation
import Outbox
import Probe
import Store

/// The collector: probes each endpoint at its own interval and hands every probe, as it
/// lands, to its `Delivery`, which commits it to the outbox and moves it into the store.
///
/// Endpoints are scheduled independently: a slow one (a 20 s timeout) never delays a fast
/// one, and a probe is delivered when it lands, never held behind a slow neighbour. Endpoints
/// that share an interval still start together (`RoundSchedule`), so every provider of a site
/// is measured at the same moment; such a group is a "round" for the log line, reported when
/// its last probe lands. An endpoint still in flight when its next slot comes skips that slot.
public final class ProbeAgent {
    public let endpoints: [Endpoint]
    public let vantage: Vantage
    public let delivery: Delivery
    /// The stable id stamped on every probe this agent sends (`ProbeResult.agent`), nil for
    /// the lab's and the UI's own probes. Setting it also has each delivery tell the store
    /// where this agent stands (`AgentStatus`).
    public var agentID: String? {
        didSet {
            delivery.announce(agentID.map {
                Delivery.Sender(agent: $0, region: vantage.label, interval: endpoints.map(\.interval).min() ?? 60)
            })
        }
    }

    /// Called for every probe as it lands, once it is committed to the outbox.
    public var onResult: (ProbeResult) -> Void = { _ in }
    /// Called when endpoints start, together, in `run`.
    public var onStart: ([Endpoint]) -> Void = { _ in }
    /// Called once per round, when its last probe landed, with its results.
    public var onRound: (RoundReport) -> Void = { _ in }

    /// `outbox` defaults to one in memory (the lab, tests): the same path, durable as long
    /// as the process runs.
    public convenience init(endpoints: [Endpoint], vantage: Vantage, store: any ProbeStore, outbox: Outbox = .memory()) {
        self.init(endpoints: endpoints, vantage: vantage, delivery: Delivery(store: store, outbox: outbox))
    }

    public init(endpoints: [Endpoint], vantage: Vantage, delivery: Delivery) {
        self.endpoints = endpoints
        self.vantage = vantage
        self.delivery = delivery
    }

    /// What one round did, for the agent's log line.
    public struct RoundReport: Sendable {
        public var results: [ProbeResult]
        public var wallSeconds: Double
        /// Where the probes stand (this round's and any earlier ones) as delivery last found.
        public var delivery: Delivery.Outcome

        /// Why probes are not stored yet (the store's or the outbox's words), nil when they are.
        public var storeError: String? { delivery.storeError ?? delivery.outboxError }
    }

    /// Probes the given endpoints (all by default) once, together, and delivers the round
    /// before returning (what earlier rounds or runs left in the outbox goes with it).
    @discardableResult
    public func runRound(_ selection: [Endpoint]? = nil) -> RoundReport {
        let clock = ContinuousClock()
        let started = clock.now
        let chosen = selection ?? endpoints
        let session = ProbeSession()
        let timestamp = Date()
        for (index, endpoint) in chosen.enumerated() {
            session.add(endpoint, vantage: vantage, now: timestamp, tag: index)
        }
        var results = [ProbeResult?](repeating: nil, count: chosen.count)
        while session.inFlight > 0 {
            let landed = session.poll(timeout: 1)
            queueAndAnnounce(landed.map(\.result))
            for (index, result) in landed { results[index] = result }
        }
        let outcome = delivery.deliver()
        let report = RoundReport(results: results.compactMap { $0 }, wallSeconds: (clock.now - started).seconds,
                                 delivery: outcome)
        onRound(report)
        return report
    }

    /// Runs until `stop` is requested: each endpoint at its interval, plus the endpoints
    /// `adHoc` asks for (checked between polls; the UI's keys). Probes in flight when the stop
    /// is requested are finished and delivered (or wait in the outbox: see `delivery`).
    public func run(until stop: StopSignal, adHoc: () -> [Endpoint] = { [] }) {
        let clock = ContinuousClock()
        let origin = clock.now
        func now() -> Double { (clock.now - origin).seconds }
        var schedule = RoundSchedule(intervals: endpoints.map(\.interval), start: 0)
        let session = ProbeSession()
        var rounds = OpenRounds()
        while true {
            if !stop.isRequested {
                var due = schedule.takeDue(at: now()).map { endpoints[$0] }
                due += adHoc().filter { !due.contains($0) }
                due.removeAll { rounds.isInFlight($0) }
                if !due.isEmpty {
                    let round = rounds.open(due, at: clock.now)
                    let timestamp = Date()
                    for (index, endpoint) in due.enumerated() {
                        session.add(endpoint, vantage: vantage, now: timestamp, tag: OpenRounds.tag(round: round, index: index))
                    }
                    onStart(due)
                }
            }
            if session.inFlight == 0 {
                if stop.isRequested || stop.sleep(seconds: schedule.nextRoundTime - now()) { break }
                continue
            }
            // Short polls while probes are in flight, so a stop, a due endpoint or a key is
            // noticed within a quarter second.
            let wait = stop.isRequested ? 0.25 : min(0.25, max(0, schedule.nextRoundTime - now()))
            let landed = session.poll(timeout: wait)
            guard !landed.isEmpty else { continue }
            queueAndAnnounce(landed.map(\.result))
            delivery.deliverInBackground()
            for (tag, result) in landed {
                if let finished = rounds.land(result, tag: tag) {
                    onRound(RoundReport(results: finished.results, wallSeconds: (clock.now - finished.started).seconds,
                                        delivery: delivery.outcome()))
                }
            }
        }
        // The last probes landed a moment ago: their delivery is finished before returning.
        delivery.deliver()
    }
}

extension ProbeAgent {
    /// Probes that landed together: committed to the outbox first, then announced (printed,
    /// shown), so a probe cdntop printed is one it will store or account for.
    private func queueAndAnnounce(_ results: [ProbeResult]) {
        guard !results.isEmpty else { return }
        var landed = results
        if let agentID {
            for index in landed.indices { landed[index].agent = agentID }
        }
        delivery.queue(landed)
        landed.forEach(onResult)
    }
}

/// The rounds `ProbeAgent.run` has in flight: which endpoints each started and which results
/// have landed, so each round is reported once, whole, when its last probe lands.
struct OpenRounds {
    struct Round {
        var endpoints: [Endpoint]
        var started: ContinuousClock.Instant
        var results: [ProbeResult?]
    }

    private var rounds: [Int: Round] = [:]
    private var nextID = 0

    /// A probe's session tag: its round and its place in the round.
    static func tag(round: Int, index: Int) -> Int { round << 20 | index }

    mutating func open(_ endpoints: [Endpoint], at started: ContinuousClock.Instant) -> Int {
        defer { nextID += 1 }
        rounds[nextID] = Round(endpoints: endpoints, started: started, results: Array(repeating: nil, count: endpoints.count))
        return nextID
    }

    func isInFlight(_ endpoint: Endpoint) -> Bool {
        rounds.values.contains { round in
            round.endpoints.indices.contains { round.endpoints[$0] == endpoint && round.results[$0] == nil }
        }
    }

    /// Records a landed probe; the round when it was its last.
    mutating func land(_ result: ProbeResult, tag: Int) -> (results: [ProbeResult], started: ContinuousClock.Instant)? {
        let id = tag >> 20, index = tag & 0xFFFFF
        guard var round = rounds[id] else { return nil }
        round.results[index] = result
        let complete = round.results.compactMap { $0 }
        guard complete.count == round.results.count else {
            rounds[id] = round
            return nil
        }
        rounds[id] = nil
        return (complete, round.started)
    }
}
