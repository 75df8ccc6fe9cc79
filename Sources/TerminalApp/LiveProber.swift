import Agent
import CDNTopCore
import Dispatch
import Foundation
import Synchronization
import UI

/// Probes the configured endpoints from inside the UI: rounds at each endpoint's interval,
/// plus ad-hoc rounds asked for by keys, all on one thread (the agent is not shared).
/// Results are published as each probe lands, before the round is stored, so the screen
/// shows them at once; the store write follows in the agent's one transaction per round.
final class LiveProber: @unchecked Sendable {
    // @unchecked: `agent` is touched only by the prober thread; everything shared is in `shared`.
    private struct Shared {
        var status: LiveStatus
        var pending: [[EndpointKey]?] = []
        var problems: [String] = []
        var stopped = false
    }

    private let agent: ProbeAgent
    private let shared: Mutex<Shared>
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    init(agent: ProbeAgent) {
        self.agent = agent
        shared = Mutex(Shared(status: LiveStatus(probing: true)))
    }

    var status: LiveStatus { shared.withLock { $0.status } }

    /// Store failures and other problems since the last call, for the footer.
    func takeProblems() -> [String] {
        shared.withLock { state in
            defer { state.problems = [] }
            return state.problems
        }
    }

    func start() {
        agent.onResult = { [self] result in
            shared.withLock { state in
                let key = EndpointKey(site: result.site, name: result.endpoint)
                // The UI loop copies and compares this status five times a second; the headers
                // (up to the engine's caps) would make that the loop's biggest cost.
                var landed = result
                landed.headers = []
                landed.trailers = []
                state.status.inFlight.remove(key)
                state.status.landed[key] = landed
            }
        }
        agent.onRound = { [self] report in
            if let error = report.storeError {
                Log.write("round not stored yet, will retry: \(error)")
                shared.withLock { $0.problems.append("probes not stored yet (will retry): \(error)") }
            }
        }
        let thread = Thread { [self] in run() }
        thread.name = "cdntop.prober"
        thread.start()
    }

    /// Asks for an ad-hoc round of `endpoints` (every endpoint when nil).
    func probe(_ endpoints: [EndpointKey]?) {
        shared.withLock { $0.pending.append(endpoints) }
        wake.signal()
    }

    /// Stops after the probe round in flight (bounded by the endpoints' timeouts).
    func stop(waitSeconds: Double) {
        shared.withLock { $0.stopped = true }
        wake.signal()
        _ = finished.wait(timeout: .now() + waitSeconds)
    }

    private func run() {
        defer { finished.signal() }
        let clock = ContinuousClock()
        let origin = clock.now
        func elapsed() -> Double { (clock.now - origin).seconds }
        var schedule = RoundSchedule(intervals: agent.endpoints.map(\.interval), start: 0)
        while true {
            let (pending, stopped) = shared.withLock { state in
                defer { state.pending = [] }
                return (state.pending, state.stopped)
            }
            if stopped { return }
            var selection = schedule.takeDue(at: elapsed()).map { agent.endpoints[$0] }
            for keys in pending {
                let wanted = keys.map { Set($0) }
                for endpoint in agent.endpoints where wanted?.contains(EndpointKey(site: endpoint.site, name: endpoint.name)) ?? true {
                    if !selection.contains(endpoint) { selection.append(endpoint) }
                }
            }
            if !selection.isEmpty {
                let keys = selection.map { EndpointKey(site: $0.site, name: $0.name) }
                shared.withLock { $0.status.inFlight.formUnion(keys) }
                agent.runRound(selection)
                shared.withLock { $0.status.inFlight.subtract(keys) }
            }
            let wait = schedule.nextRoundTime - elapsed()
            if wait > 0 { _ = wake.wait(timeout: .now() + wait) }
        }
    }
}
