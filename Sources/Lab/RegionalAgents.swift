import Agent
import CDNTopCore
import Foundation
import Store
import Synchronization

/// One probing agent per vantage region of a scenario, each on its own thread and all writing
/// to one probe database: a fleet of vantage points on one machine. Each agent reaches the lab
/// over HTTPS through its region's `resolve` pins, so its probes are served by its region's
/// POPs and each pays a real TLS handshake there.
public final class RegionalAgents: Sendable {
    private let lab: LabServer
    private let store: any ProbeStore
    private let regions: [Vantage]
    private let stops: [StopSignal]
    private let finished = DispatchSemaphore(value: 0)
    private let rounds = Mutex(0)

    /// Agents for `regions` (every region of the lab's scenario by default).
    public init(lab: LabServer, store: any ProbeStore, regions: [Vantage]? = nil) {
        self.lab = lab
        self.store = store
        self.regions = regions ?? lab.scenario.regions
        stops = self.regions.map { _ in StopSignal(signals: []) }
    }

    /// Rounds completed by all agents so far.
    public var roundsCompleted: Int { rounds.withLock { $0 } }

    public func start() {
        for (region, stop) in zip(regions, stops) {
            let thread = Thread { [lab, store, finished, self] in
                let agent = ProbeAgent(endpoints: lab.layout.endpoints(for: region), vantage: region, store: store)
                agent.onRound = { report in
                    self.rounds.withLock { $0 += 1 }
                    if let error = report.storeError {
                        FileHandle.standardError.write(Data("cdntop demo: \(region.label): not stored yet: \(error)\n".utf8))
                    }
                }
                agent.run(until: stop)
                finished.signal()
            }
            thread.name = "cdntop.agent.\(region.label)"
            thread.start()
        }
    }

    /// Asks every agent to stop and waits for the rounds in flight to be stored.
    public func stop(waitSeconds: Double = 15) {
        for stop in stops { stop.request() }
        let deadline = DispatchTime.now() + waitSeconds
        for _ in regions { _ = finished.wait(timeout: deadline) }
    }
}
