import Foundation

/// Something worth a line in the events log: an endpoint started failing (or failed
/// differently), recovered, changed status, or flipped its cache verdict. Read from consecutive
/// probes of one endpoint from one vantage point, so an agent in Asia failing is not taken
/// for Europe recovering.
///
/// Built only from sanitized probe fields; the text is derived, never stored, so the store
/// keeps the facts and every reader words them the same way.
public struct ProbeEvent: Sendable, Hashable {
    public enum Kind: Int, Sendable, Hashable, CaseIterable {
        /// The probe failed and the one before it did not fail the same way (or there was none).
        case failed = 1
        case recovered = 2
        case statusChange = 3
        case cacheFlip = 4
    }

    /// The newest probe the event stands for.
    public var time: Date
    public var endpoint: String
    /// The vantage labels it was seen from (several for folded cache flips).
    public var vantages: [String]
    public var kind: Kind
    /// `failed`: the new error class; `recovered`: the class it recovered from.
    public var error: ProbeErrorClass?
    /// `failed`: the probe's error detail ("HTTP 503", curl's message).
    public var detail: String?
    public var statusBefore: Int?
    public var status: Int?
    public var cacheBefore: CacheStatus?
    public var cache: CacheStatus?
    /// Cache flips of one endpoint over the window are one event: a 50% miss ratio flips on
    /// every other probe, and a line each would push every failure off the log.
    public var count = 1
    /// The first of the folded flips, when `count > 1`.
    public var firstTime: Date?
    /// The cache verdicts the folded flips went between, in the order first seen.
    public var statuses: [CacheStatus] = []

    public init(time: Date, endpoint: String, vantages: [String], kind: Kind, error: ProbeErrorClass? = nil,
                detail: String? = nil, statusBefore: Int? = nil, status: Int? = nil,
                cacheBefore: CacheStatus? = nil, cache: CacheStatus? = nil) {
        self.time = time
        self.endpoint = endpoint
        self.vantages = vantages
        self.kind = kind
        self.error = error
        self.detail = detail
        self.statusBefore = statusBefore
        self.status = status
        self.cacheBefore = cacheBefore
        self.cache = cache
        if kind == .cacheFlip { statuses = [cacheBefore, cache].compactMap { $0 } }
    }

    public var isBad: Bool { kind == .failed }
    public var vantage: String { vantages.joined(separator: ", ") }

    /// "redirect_loop: Maximum (5) redirects followed", "recovered from timeout (200)",
    /// "status 200 → 304", "cache MISS → HIT", "cache flipped 14× since 19:32:45 (HIT, MISS)".
    public var text: String {
        switch kind {
        case .failed:
            return (error?.rawValue ?? "failed") + (detail.map { ": \($0)" } ?? "")
        case .recovered:
            return "recovered from \(error?.rawValue ?? "a failure")" + (status.map { " (\($0))" } ?? "")
        case .statusChange:
            return "status \(statusBefore.map(String.init) ?? "?") → \(status.map(String.init) ?? "?")"
        case .cacheFlip:
            guard count > 1 else { return "cache \(cacheBefore?.rawValue ?? "?") → \(cache?.rawValue ?? "?")" }
            let since = firstTime.map { " since \(EventClock.text($0))" } ?? ""
            return "cache flipped \(NumberText.count(count))×\(since) (\(statuses.map(\.rawValue).joined(separator: ", ")))"
        }
    }
}

/// What the detector remembers of the newest probe of one endpoint from one vantage: all it
/// needs to judge the next probe, so the store can keep it in a row instead of re-reading probes.
public struct ProbeState: Sendable, Hashable {
    public var time: Date
    public var error: ProbeErrorClass?
    public var status: Int?
    public var cache: CacheStatus?
    /// The first probe of the failure run the newest probe belongs to; nil when it succeeded.
    public var failingSince: Date?

    public init(time: Date, error: ProbeErrorClass?, status: Int?, cache: CacheStatus?, failingSince: Date?) {
        self.time = time
        self.error = error
        self.status = status
        self.cache = cache
        self.failingSince = failingSince
    }

    /// The state after `probe`, given the state before it.
    public init(after probe: ProbeResult, before: ProbeState?) {
        let failing = probe.error != nil
        self.init(time: probe.timestamp, error: probe.error, status: probe.status, cache: probe.cache,
                  failingSince: failing ? (before?.failingSince ?? probe.timestamp) : nil)
    }
}

/// Finds the transitions between consecutive probes of one endpoint from one vantage. The
/// store runs it as each round is recorded; nothing else needs the raw probes.
public enum EventDetector {
    /// What changed from `before` (nil: the first probe ever seen of the pair) to `probe`.
    /// A first probe that succeeds is the baseline, not an event; a first probe that fails
    /// starts a failure run, so an endpoint failing from the start still has its event.
    public static func changes(from before: ProbeState?, to probe: ProbeResult) -> [ProbeEvent] {
        func event(_ kind: ProbeEvent.Kind) -> ProbeEvent {
            ProbeEvent(time: probe.timestamp, endpoint: probe.endpoint, vantages: [probe.vantage.label], kind: kind)
        }
        if let error = probe.error {
            guard before?.error != error else { return [] }
            var failed = event(.failed)
            failed.error = error
            failed.detail = probe.errorDetail
            failed.status = probe.status
            return [failed]
        }
        guard let before else { return [] }
        if let error = before.error {
            var recovered = event(.recovered)
            recovered.error = error
            recovered.status = probe.status
            return [recovered]
        }
        var found: [ProbeEvent] = []
        if let old = before.status, let new = probe.status, old != new {
            var change = event(.statusChange)
            change.statusBefore = old
            change.status = new
            found.append(change)
        }
        if let old = before.cache, let new = probe.cache, old != new {
            found.append(ProbeEvent(time: probe.timestamp, endpoint: probe.endpoint, vantages: [probe.vantage.label],
                                    kind: .cacheFlip, cacheBefore: old, cache: new))
        }
        return found
    }

    /// Runs the detector over probes in time order, following each key (an endpoint and
    /// vantage, however the caller names them) on its own from `states`, which it leaves at
    /// the newest probe of each key. Events come back in probe order, each with its key.
    ///
    /// A probe not newer than its key's state arrived late (an agent's round recorded after a
    /// newer one, from an outbox or a slow writer): it is skipped here, and so counted in every
    /// figure but never the cause of an event. Judging it would mean re-reading the probes
    /// around it and rewriting the transitions already recorded after it; a late probe is
    /// rare, and skipping it can at worst miss a blip shorter than the delay, never invent one.
    public static func events<Key: Hashable>(in chronological: [(key: Key, probe: ProbeResult)],
                                             states: inout [Key: ProbeState]) -> [(key: Key, event: ProbeEvent)] {
        var events: [(key: Key, event: ProbeEvent)] = []
        for (key, probe) in chronological {
            if let state = states[key], probe.timestamp <= state.time { continue }
            events += changes(from: states[key], to: probe).map { (key, $0) }
            states[key] = ProbeState(after: probe, before: states[key])
        }
        return events
    }
}

/// "19:22:03" in UTC: events and probes are stored in UTC, and reports say UTC too.
public enum EventClock {
    public static func text(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let day = ((seconds % 86_400) + 86_400) % 86_400
        return String(format: "%02d:%02d:%02d", day / 3600, day / 60 % 60, day % 60)
    }
}
