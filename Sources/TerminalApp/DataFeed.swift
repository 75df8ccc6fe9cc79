import CDNTopCore
import Dispatch
import Foundation
import Store
import Synchronization
import UI

/// Polls the probe database on its own thread and hands the UI immutable snapshots.
///
/// Every `refresh` it asks the store for its change marker (one indexed lookup) and reloads
/// only when probes were written — by this process or any other agent — or the request
/// changed, or `slide` seconds passed (so old probes leave the window even when nothing new
/// arrives). The UI never waits on it: a slow or locked database shows as an older
/// snapshot, never as a frozen screen.
final class DataFeed: Sendable {
    private struct Shared {
        var request: DashboardRequest
        var requestVersion = 0
        var newest: DashboardData?
        /// The request version of the last snapshot published: behind `requestVersion` from
        /// start-up or a key that changed the view until the matching data is ready.
        var publishedVersion = -1
        var stopped = false
    }

    private let store: any ProbeStore
    private let configured: [StoredEndpoint]
    private let thresholds: [String: AlertThresholds]
    private let refresh: Double
    private let shared: Mutex<Shared>
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    static let slide = 30.0

    init(store: any ProbeStore, configured: [StoredEndpoint], thresholds: [String: AlertThresholds] = [:],
         request: DashboardRequest, refresh: Double) {
        self.store = store
        self.configured = configured
        self.thresholds = thresholds
        self.refresh = refresh
        shared = Mutex(Shared(request: request))
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "cdntop.feed"
        thread.start()
    }

    /// Asks for different data; the feed loads it at once.
    func update(_ request: DashboardRequest) {
        let changed = shared.withLock { state -> Bool in
            guard state.request != request else { return false }
            state.request = request
            state.requestVersion += 1
            return true
        }
        if changed { wake.signal() }
    }

    /// The newest snapshot not yet taken, if any.
    func take() -> DashboardData? {
        shared.withLock { state in
            defer { state.newest = nil }
            return state.newest
        }
    }

    /// True while the UI has something to pick up soon: the data for the current request is
    /// still being read (at start-up, after a key changed the window, site or size), or it
    /// was published and not yet taken. The UI then waits for keys in short slices so the
    /// data shows as soon as it is read, not at the next 200 ms key timeout.
    var isBehind: Bool {
        shared.withLock { $0.publishedVersion != $0.requestVersion || $0.newest != nil }
    }

    /// Stops the thread and waits (briefly) for a load in progress to end.
    func stop() {
        shared.withLock { $0.stopped = true }
        wake.signal()
        _ = finished.wait(timeout: .now() + 2)
    }

    private func run() {
        defer { finished.signal() }
        var loadedVersion = -1
        var loadedMarker: Int64 = -1
        var loadedAt = Date.distantPast
        var lastGood: DashboardData?
        while true {
            let (request, version, stopped) = shared.withLock { ($0.request, $0.requestVersion, $0.stopped) }
            if stopped { return }
            let now = Date()
            do {
                let marker = try store.changeMarker()
                if marker != loadedMarker || version != loadedVersion || now.timeIntervalSince(loadedAt) >= Self.slide {
                    // Every engine holds the ingested traffic beside the probes.
                    let data = try DashboardLoader.load(request, store: store, traffic: store, configured: configured,
                                                        thresholds: thresholds, now: now)
                    lastGood = data
                    loadedMarker = marker
                    loadedVersion = version
                    loadedAt = now
                    publish(data, version: version)
                }
            } catch {
                Log.write("reading the probe database failed: \(error)")
                var stale = lastGood ?? DashboardData(databasePath: store.location, window: request.window, loadedAt: now)
                stale.problem = "\(error)"
                publish(stale, version: version)
                loadedVersion = version
            }
            _ = wake.wait(timeout: .now() + refresh)
        }
    }

    /// Publishes unless the request changed meanwhile (a stale window must not flash up).
    private func publish(_ data: DashboardData, version: Int) {
        shared.withLock { state in
            if state.requestVersion == version {
                state.newest = data
                state.publishedVersion = version
            }
        }
    }
}
