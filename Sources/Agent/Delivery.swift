import CDNTopCore
import Dispatch
import Foundation
import Outbox
import Store
import Synchronization

/// The one path every measured probe takes to the probe database: committed to the outbox
/// first (`queue`, on the probing thread: a local file, quick), then moved into the store in
/// batches, oldest first, on a thread of its own (`cdntop.delivery`), so a locked or slow store
/// never stalls probes in flight; a probe leaves the outbox only once the store holds it. A
/// store that is locked, full or damaged leaves the probes queued for the next attempt or the
/// next run; a probe delivered twice is stored once (delivery keys).
///
/// When the outbox itself cannot take probes (its disk is full too) they are held in memory —
/// bounded like the outbox — and written straight to the store when it takes them, so the
/// agent can say, when it stops, exactly how many probes were not stored.
public final class Delivery: Sendable {
    /// The probe database's path, for messages and as the outbox names it.
    public let storePath: String
    public let outbox: Outbox
    private let openStore: @Sendable () throws -> any ProbeStore
    private let state = Mutex(State())
    private let worker = DispatchQueue(label: "cdntop.delivery")

    private struct State {
        /// Opened at the first delivery when it could not be opened up front (locked).
        var store: (any ProbeStore)?
        /// Probes neither the outbox nor the store took yet, oldest first.
        var unqueued: [KeyedProbe] = []
        var droppedUnreported = 0
        var storeError: String?
        var outboxError: String?
        var drainScheduled = false
        var lastPrune: Date?
        /// The agent the probes are from, when it has an id: each delivery reports its status.
        var sender: Sender?
        /// Probes the bounds dropped since this delivery started, for the status.
        var droppedTotal = 0
        /// When the last status was stored and the backlog it reported.
        var lastStatus: (at: Date, waiting: Int)?
    }

    /// Who sends the probes, for the `AgentStatus` each delivery stores.
    public struct Sender: Sendable, Equatable {
        public var agent: String
        public var region: String
        /// Seconds between the agent's most frequent rounds.
        public var interval: Double

        public init(agent: String, region: String, interval: Double) {
            self.agent = agent
            self.region = region
            self.interval = interval
        }
    }

    /// Probes per store transaction: a round's worth for most configs, and short enough that a
    /// long backlog lets other writers in between batches.
    static let batchSize = 500
    static let pruneEvery: TimeInterval = 3600
    /// A status costs a write: one every few seconds is plenty for "silent for 12 min", but
    /// a backlog's count is sent at each delivery until it is gone.
    static let statusEvery: TimeInterval = 10

    public init(store: any ProbeStore, outbox: Outbox) {
        storePath = store.location
        self.outbox = outbox
        openStore = { store }
        state.withLock { $0.store = store }
    }

    /// A delivery to a store that could not be opened yet (another process holds its lock):
    /// probes queue in the outbox meanwhile, and `open` is tried again at each delivery.
    public init(storePath: String, outbox: Outbox, open: @escaping @Sendable () throws -> any ProbeStore) {
        self.storePath = storePath
        self.outbox = outbox
        openStore = open
    }

    /// The store the probes are for, as the outbox names it: one outbox serves several stores.
    /// A file by its absolute path; a server by its URI without the password, so changing a
    /// password does not strand what waits.
    public var destination: String {
        StoreAddress.isConnectionURI(storePath) ? CredentialMask.masked(storePath)
            : URL(fileURLWithPath: storePath).standardizedFileURL.path
    }

    /// The store, opened now if it was not yet.
    private func store() throws -> any ProbeStore {
        if let store = state.withLock({ $0.store }) { return store }
        let store = try openStore()
        state.withLock { $0.store = store }
        return store
    }

    /// Where the probes stand, for a round's log line and the last word on stop.
    public struct Outcome: Sendable, Equatable {
        /// Probes not in the store yet, as of the last delivery that failed (0 while the store
        /// takes them): in the outbox, or in memory when the outbox failed too.
        public var waiting: Int
        /// Of `waiting`, those only in memory: lost if the process ends now.
        public var onlyInMemory: Int
        /// Probes the bounds dropped (oldest first) since the last outcome.
        public var dropped: Int
        /// Why the store did not take them (nil when it did).
        public var storeError: String?
        /// Why the outbox did not take them (nil when it did).
        public var outboxError: String?

        public init(waiting: Int, onlyInMemory: Int, dropped: Int, storeError: String? = nil, outboxError: String? = nil) {
            self.waiting = waiting
            self.onlyInMemory = onlyInMemory
            self.dropped = dropped
            self.storeError = storeError
            self.outboxError = outboxError
        }
    }

    /// Has every later delivery also store where `sender` stands (nil: stop reporting).
    public func announce(_ sender: Sender?) {
        state.withLock { $0.sender = sender }
    }

    // MARK: Queueing

    /// Commits `probes` to the outbox — or holds them in memory when the outbox fails —
    /// before anything else is done with them. Call from the probing thread.
    public func queue(_ probes: [ProbeResult]) {
        let keyed = probes.map(KeyedProbe.init)
        state.withLock { state in
            state.unqueued += keyed
            guard !state.unqueued.isEmpty else { return }
            do {
                let dropped = try outbox.enqueue(state.unqueued, destination: destination)
                state.droppedUnreported += dropped
                state.droppedTotal += dropped
                state.unqueued.removeAll()
                state.outboxError = nil
            } catch {
                state.outboxError = Self.reason(error)
                let excess = state.unqueued.count - outbox.limits.maxProbes
                if excess > 0 {
                    state.unqueued.removeFirst(excess)
                    state.droppedUnreported += excess
                    state.droppedTotal += excess
                }
            }
        }
    }

    // MARK: Delivering

    /// Delivers what waits on the delivery thread; returns at once. Calls made while a
    /// delivery is pending fold into it.
    public func deliverInBackground() {
        let schedule = state.withLock { state in
            defer { state.drainScheduled = true }
            return !state.drainScheduled
        }
        guard schedule else { return }
        worker.async { [self] in
            state.withLock { $0.drainScheduled = false }
            drain(until: .now + .seconds(5))
        }
    }

    /// Delivers what waits, on the caller's thread (after any background delivery), until all
    /// is stored, the store refuses, or `deadline` passes; then says where things stand.
    @discardableResult
    public func deliver(until deadline: ContinuousClock.Instant = .now + .seconds(1)) -> Outcome {
        worker.sync { drain(until: deadline) }
        return outcome(counting: true)
    }

    /// `queue`, then `deliver`: one round, start to end, on the caller's thread.
    @discardableResult
    public func accept(_ probes: [ProbeResult], deadline: ContinuousClock.Instant = .now + .seconds(1)) -> Outcome {
        queue(probes)
        return deliver(until: deadline)
    }

    /// Where things stand as of the last delivery, without delivering; the waiting probes are
    /// counted only when the last delivery failed (a count of a long outbox is not free).
    public func outcome() -> Outcome {
        outcome(counting: false)
    }

    private func outcome(counting always: Bool) -> Outcome {
        let (memory, dropped, storeError, outboxError) = state.withLock { state in
            defer { state.droppedUnreported = 0 }
            return (state.unqueued.count, state.droppedUnreported, state.storeError, state.outboxError)
        }
        let failed = storeError != nil || outboxError != nil
        let queued = always || failed ? ((try? outbox.count(destination: destination)) ?? 0) : 0
        return Outcome(waiting: memory + queued, onlyInMemory: memory, dropped: dropped,
                       storeError: storeError, outboxError: outboxError)
    }

    /// On the delivery thread: the probes held in memory first (they are the oldest the
    /// outbox does not have), then the outbox's batches, oldest first.
    private func drain(until deadline: ContinuousClock.Instant) {
        let storeError = drainMemory() ?? drainOutbox(until: deadline)
        state.withLock { $0.storeError = storeError }
        if storeError == nil {
            reportStatus()
            pruneIfDue()
        }
    }

    /// Tells the store how many probes still wait here (a drain cut short by its deadline
    /// leaves some), so readers elsewhere can say "eu-west: 340 probes not yet delivered".
    /// A status is advice: when the store refuses it, the next delivery sends a newer one.
    private func reportStatus() {
        let now = Date()
        let (sender, memory, dropped, last) = state.withLock { ($0.sender, $0.unqueued.count, $0.droppedTotal, $0.lastStatus) }
        guard let sender else { return }
        if let last, last.waiting == 0, now.timeIntervalSince(last.at) < Self.statusEvery { return }
        let waiting = memory + ((try? outbox.count(destination: destination)) ?? 0)
        let status = AgentStatus(agent: sender.agent, region: sender.region, interval: sender.interval,
                                 waiting: waiting, dropped: dropped, at: now)
        guard (try? store().report(status)) != nil else { return }
        state.withLock { $0.lastStatus = (now, waiting) }
    }

    private func drainMemory() -> String? {
        let held = state.withLock { $0.unqueued }
        guard !held.isEmpty else { return nil }
        do {
            try store().record(held.map(\.probe), deliveryKeys: held.map(\.key))
        } catch {
            return Self.reason(error)
        }
        state.withLock { state in
            let deliveredKeys = Set(held.map(\.key))
            state.unqueued.removeAll { deliveredKeys.contains($0.key) }
        }
        return nil
    }

    private func drainOutbox(until deadline: ContinuousClock.Instant) -> String? {
        do {
            repeat {
                let batch = try outbox.oldest(destination: destination, limit: Self.batchSize)
                if batch.isEmpty { return nil }
                do {
                    try store().record(batch.map(\.keyed.probe), deliveryKeys: batch.map(\.keyed.key))
                } catch {
                    return Self.reason(error)
                }
                try outbox.remove(batch)
            } while ContinuousClock.now < deadline
        } catch {
            state.withLock { $0.outboxError = Self.reason(error) }
        }
        return nil
    }

    /// Pruning is housekeeping: a failure is logged and retried next hour, and never
    /// reported as unstored probes.
    private func pruneIfDue() {
        let now = Date()
        let due = state.withLock { state in
            if let last = state.lastPrune, now.timeIntervalSince(last) < Self.pruneEvery { return false }
            state.lastPrune = now
            return true
        }
        guard due else { return }
        do {
            try store().prune(now: now)
        } catch {
            FileHandle.standardError.write(Data("cdntop: pruning old probes failed, will retry in an hour: \(error)\n".utf8))
        }
    }

    private static func reason(_ error: any Error) -> String {
        (error as? StoreError)?.description ?? (error as? OutboxError)?.reason ?? "\(error)"
    }
}
