import CDNTopCore
import Foundation

/// Something worth a line in the events log: a probe started failing or recovered, the
/// status or the cache verdict changed. Read from consecutive probes of one endpoint from one
/// vantage point, so an agent in Asia failing is not taken for Europe recovering.
public struct DashboardEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case error
        case redirectLoop = "redirect loop"
        case recovered
        case statusChange = "status change"
        case cacheFlip = "cache flip"
    }

    public var time: Date
    public var endpoint: String
    /// The vantage labels it was seen from (several for a folded run of cache flips).
    public var vantages: [String]
    public var kind: Kind
    /// What happened, built only from sanitized probe fields.
    public var text: String
    /// Cache flips of one endpoint in a row are one event: a 50% miss ratio flips on every
    /// other probe, and a line each would push every failure off the log.
    public var count = 1
    public var firstTime: Date?
    public var statuses: [CacheStatus] = []

    public var isBad: Bool { kind == .error || kind == .redirectLoop }
    public var vantage: String { vantages.joined(separator: ", ") }

    /// Folds a later cache flip of the same endpoint into this one:
    /// "cache flipped 14× since 19:32:45 (HIT, MISS) from us-east, ap-south".
    mutating func absorb(_ later: DashboardEvent) {
        count += 1
        time = max(time, later.time)
        for status in later.statuses where !statuses.contains(status) { statuses.append(status) }
        for label in later.vantages where !vantages.contains(label) { vantages.append(label) }
        let since = firstTime.map { " since \(Self.clock($0))" } ?? ""
        text = "cache flipped \(count)×\(since) (\(statuses.map(\.rawValue).joined(separator: ", ")))"
    }

    static func clock(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let day = ((seconds % 86_400) + 86_400) % 86_400
        return String(format: "%02d:%02d:%02d", day / 3600, day / 60 % 60, day % 60)
    }
}

/// Finds the events in a run of probes.
public enum EventDetector {
    /// `probes` newest first (as the store returns them); events come back newest first,
    /// at most `limit` of them.
    public static func events(in probes: [ProbeResult], limit: Int = 200) -> [DashboardEvent] {
        var previous: [String: ProbeResult] = [:]
        var events: [DashboardEvent] = []
        /// Per endpoint, the index in `events` of its flip run still open.
        var openFlips: [String: Int] = [:]
        for probe in probes.reversed() {
            let key = probe.endpoint + "\u{0}" + probe.vantage.label
            defer { previous[key] = probe }
            for event in changes(from: previous[key], to: probe) {
                guard event.kind == .cacheFlip else {
                    openFlips[event.endpoint] = nil
                    events.append(event)
                    continue
                }
                if let index = openFlips[event.endpoint] {
                    events[index].absorb(event)
                } else {
                    openFlips[event.endpoint] = events.count
                    events.append(event)
                }
            }
        }
        return Array(events.sorted { $0.time > $1.time }.prefix(limit))
    }

    /// What changed between two consecutive probes of one endpoint from one vantage. The
    /// oldest probe of a batch has nothing before it: it is the baseline, not an event, or an
    /// outage older than the batch would seem to start at a time that moves on every reload.
    static func changes(from before: ProbeResult?, to probe: ProbeResult) -> [DashboardEvent] {
        func event(_ kind: DashboardEvent.Kind, _ text: String) -> DashboardEvent {
            DashboardEvent(time: probe.timestamp, endpoint: probe.endpoint, vantages: [probe.vantage.label],
                           kind: kind, text: text)
        }
        guard let before else { return [] }
        if let error = probe.error {
            guard before.error != error else { return [] }
            let detail = probe.errorDetail.map { ": \($0)" } ?? ""
            return [event(error == .redirectLoop ? .redirectLoop : .error, "\(error.rawValue)\(detail)")]
        }
        if let error = before.error {
            return [event(.recovered, "recovered from \(error.rawValue)" + (probe.status.map { " (\($0))" } ?? ""))]
        }
        var found: [DashboardEvent] = []
        if let old = before.status, let new = probe.status, old != new {
            found.append(event(.statusChange, "status \(old) → \(new)"))
        }
        if let old = before.cache, let new = probe.cache, old != new {
            var flip = event(.cacheFlip, "cache \(old.rawValue) → \(new.rawValue)")
            flip.firstTime = probe.timestamp
            flip.statuses = [old, new]
            found.append(flip)
        }
        return found
    }
}
