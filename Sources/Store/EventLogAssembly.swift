import CDNTopCore
import Foundation

/// The transitions a round makes, judged against the stored state of each (endpoint entry,
/// vantage): every engine runs this inside the round's transaction, with the states locked.
package enum RoundTransitions {
    /// The round's events in time order (ties in round order), moving `states` past them.
    package static func events(of round: [ProbeResult], ids: [DictionaryIDs],
                               states: inout [DictionaryIDs: ProbeState]) -> [(key: DictionaryIDs, event: ProbeEvent)] {
        let chronological = zip(ids, round).map { (key: $0, probe: $1) }
            .enumerated().sorted { ($0.element.probe.timestamp, $0.offset) < ($1.element.probe.timestamp, $1.offset) }
            .map(\.element)
        return EventDetector.events(in: chronological, states: &states)
    }
}

/// The cache flips of one endpoint from one vantage between two verdicts in a window, as an
/// engine counts them from its event rows.
package struct FlipGroup: Sendable {
    package var endpoint: String
    package var vantage: String
    package var cacheBefore: CacheStatus?
    package var cache: CacheStatus?
    package var count: Int
    package var first: Date
    package var last: Date

    package init(endpoint: String, vantage: String, cacheBefore: CacheStatus?, cache: CacheStatus?,
                 count: Int, first: Date, last: Date) {
        self.endpoint = endpoint
        self.vantage = vantage
        self.cacheBefore = cacheBefore
        self.cache = cache
        self.count = count
        self.first = first
        self.last = last
    }
}

/// A stored `probe_state` row heard from in a window, by names.
package struct NewestState: Sendable {
    package var endpoint: String
    package var vantage: String
    package var time: Date
    package var error: ProbeErrorClass?
    package var failingSince: Date?

    package init(endpoint: String, vantage: String, time: Date, error: ProbeErrorClass?, failingSince: Date?) {
        self.endpoint = endpoint
        self.vantage = vantage
        self.time = time
        self.error = error
        self.failingSince = failingSince
    }
}

/// An events log from what an engine read: the same folding and order whichever engine.
package enum EventLogAssembly {
    /// `events` are the newest `limit` failures, recoveries and status changes of the window,
    /// `total` how many it holds; `flips` its cache flips grouped; `states` the newest state
    /// of each (endpoint entry, vantage) heard from in it.
    package static func log(events: [ProbeEvent], total: Int, limit: Int, flips: [FlipGroup],
                            states: [NewestState]) -> EventLog {
        let all = events + flipRuns(flips)
        // Newest first; ties in a fixed order, so a refresh never reshuffles the log.
        let ordered = all.sorted {
            ($1.time, $0.endpoint, $0.kind.rawValue, $0.vantage) < ($0.time, $1.endpoint, $1.kind.rawValue, $1.vantage)
        }
        return EventLog(events: ordered, omitted: max(0, total - limit), failing: failing(states))
    }

    /// One folded cache-flip event per endpoint name with flips in the window: dated by the
    /// newest flip, naming the first, with the verdicts and vantages in the order first seen.
    private static func flipRuns(_ flips: [FlipGroup]) -> [ProbeEvent] {
        Dictionary(grouping: flips, by: \.endpoint).values.compactMap { found in
            let ordered = found.sorted { $0.first < $1.first }
            guard let first = ordered.first else { return nil }
            var event = flip(first)
            event.count = ordered.reduce(0) { $0 + $1.count }
            event.firstTime = event.count > 1 ? event.time : nil
            event.time = ordered.map(\.last).max() ?? event.time
            event.statuses = ordered.flatMap { flip($0).statuses }.uniquedInOrder()
            event.vantages = ordered.map(\.vantage).uniquedInOrder()
            return event
        }
    }

    private static func flip(_ group: FlipGroup) -> ProbeEvent {
        ProbeEvent(time: group.first, endpoint: group.endpoint, vantages: [group.vantage], kind: .cacheFlip,
                   cacheBefore: group.cacheBefore, cache: group.cache)
    }

    /// Per (endpoint name, vantage), the newest state, where it failed.
    private static func failing(_ states: [NewestState]) -> [FailingVantage] {
        var newest: [String: NewestState] = [:]
        for state in states {
            let key = state.endpoint + "\u{0}" + state.vantage
            if let kept = newest[key], kept.time >= state.time { continue }
            newest[key] = state
        }
        return newest.values.compactMap { state in
            guard let error = state.error, let since = state.failingSince else { return nil }
            return FailingVantage(endpoint: state.endpoint, vantage: state.vantage, since: since,
                                  latest: state.time, error: error)
        }.sorted { ($0.endpoint, $0.vantage) < ($1.endpoint, $1.vantage) }
    }
}

extension Array where Element: Hashable {
    /// The elements in the order first seen, each once.
    fileprivate func uniquedInOrder() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
