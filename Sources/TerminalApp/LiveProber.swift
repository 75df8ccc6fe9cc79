import Agent
import CDNTopCore
import Dispatch
import Foundation
import Synchronization
import UI

/// Probes the configured endpoints from inside the UI: each endpoint at its interval, plus
/// ad-hoc probes asked for by keys, on one thread (the agent is not shared). Results are
/// published as each probe lands, once it is committed to the outbox, and delivered to the
/// store in the background as they land: `q` finds what already arrived stored or queued.
final class LiveProber: @unchecked Sendable {
    // @unchecked: `agent` is touched only by the prober thread; everything shared is in
    // `shared`, and `control` is itself thread-safe.
    private struct Shared {
        var status: LiveStatus
        var pending: [[EndpointKey]?] = []
        var problems: [String] = []
    }

    private let agent: ProbeAgent
    private let shared: Mutex<Shared>
    private let control = StopSignal(signals: [])
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
        agent.onStart = { [self] started in
            shared.withLock { $0.status.inFlight.formUnion(started.map { EndpointKey(site: $0.site, name: $0.name) }) }
        }
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
            let delivery = report.delivery
            var lines: [String] = []
            if delivery.waiting > 0 {
                lines.append("\(delivery.waiting) probes not stored yet, waiting in the outbox "
                             + "\(agent.delivery.outbox.location) (will retry): \(report.storeError ?? "")")
            }
            if delivery.dropped > 0 {
                lines.append("dropped \(delivery.dropped) oldest unstored probes ([outbox] max_probes, max_age)")
            }
            lines.forEach(Log.write)
            if !lines.isEmpty { shared.withLock { $0.problems += lines } }
        }
        let thread = Thread { [self] in
            defer { finished.signal() }
            agent.run(until: control) { takePending() }
        }
        thread.name = "cdntop.prober"
        thread.start()
    }

    /// Asks for an ad-hoc probe of `endpoints` (every endpoint when nil).
    func probe(_ endpoints: [EndpointKey]?) {
        shared.withLock { $0.pending.append(endpoints) }
        control.nudge()
    }

    /// Stops: no new probes start; waits up to `waitSeconds` for those in flight (bounded by
    /// their timeouts), then delivers what has landed (it is in the outbox already).
    func stop(waitSeconds: Double) {
        control.request()
        _ = finished.wait(timeout: .now() + waitSeconds)
        agent.delivery.deliver(until: .now + .seconds(1))
    }

    /// The endpoints keys asked for since the last call.
    private func takePending() -> [Endpoint] {
        let pending = shared.withLock { state in
            defer { state.pending = [] }
            return state.pending
        }
        var selection: [Endpoint] = []
        for keys in pending {
            let wanted = keys.map { Set($0) }
            for endpoint in agent.endpoints where wanted?.contains(EndpointKey(site: endpoint.site, name: endpoint.name)) ?? true {
                if !selection.contains(endpoint) { selection.append(endpoint) }
            }
        }
        return selection
    }
}
