import CDNTopCore
import Foundation

/// The endpoint and vantage a probe belongs to, as dictionary row ids: what every engine's
/// probe, rollup, state and header rows are keyed by.
package struct DictionaryIDs: Hashable, Sendable, Comparable {
    package var endpoint: Int64
    package var vantage: Int64

    package init(endpoint: Int64, vantage: Int64) {
        self.endpoint = endpoint
        self.vantage = vantage
    }

    /// The order writers lock rows in, so concurrent rounds never wait on each other in a cycle.
    package static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.endpoint, lhs.vantage) < (rhs.endpoint, rhs.vantage)
    }
}

/// An endpoint as raw probes record it: a config edit that changes the URL starts a new entry,
/// so old probes still export with the URL they were sent to. The origin flag is not part of
/// it: flipping the flag in the config updates the entry instead.
package struct EndpointEntry: Hashable, Sendable {
    package var name: String
    package var site: String
    package var url: String

    package init(of probe: ProbeResult) {
        name = probe.endpoint
        site = probe.site
        url = probe.url
    }

    package init(name: String, site: String, url: String) {
        self.name = name
        self.site = site
        self.url = url
    }
}

/// One rollup row's key: a bucket of one span for one endpoint, vantage and POP region.
package struct RollupCell: Hashable, Sendable, Comparable {
    package var span: RollupSpan
    package var bucket: Int64
    package var ids: DictionaryIDs
    /// `Continent.keyCode`: 0 for an unknown region.
    package var popRegion: Int

    package init(span: RollupSpan, bucket: Int64, ids: DictionaryIDs, popRegion: Int) {
        self.span = span
        self.bucket = bucket
        self.ids = ids
        self.popRegion = popRegion
    }

    /// A round folded into the rollup cells it touches, one aggregate per cell of every span:
    /// each engine then merges these into its stored rows.
    package static func aggregates(of round: [ProbeResult], ids: [DictionaryIDs]) -> [RollupCell: ProbeAggregate] {
        var cells: [RollupCell: ProbeAggregate] = [:]
        for (probe, probeIDs) in zip(round, ids) {
            let microseconds = StoredTime.microseconds(probe.timestamp)
            for span in RollupSpan.allCases {
                let cell = RollupCell(span: span, bucket: span.bucket(ofMicroseconds: microseconds),
                                      ids: probeIDs, popRegion: Continent.keyCode(of: probe.popRegion))
                cells[cell, default: ProbeAggregate()].add(probe)
            }
        }
        return cells
    }

    /// The order writers lock rollup rows in (see `DictionaryIDs.<`).
    package static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.span.seconds, lhs.bucket, lhs.ids.endpoint, lhs.ids.vantage, lhs.popRegion)
            < (rhs.span.seconds, rhs.bucket, rhs.ids.endpoint, rhs.ids.vantage, rhs.popRegion)
    }
}

extension Sequence {
    /// Per key, the element with the newest `time` (the later one on a tie): the probe a
    /// round's dictionary, agent and header rows are brought up to date with.
    package func newest<Key: Hashable>(by key: (Element) -> Key?, time: (Element) -> Date) -> [Key: Element] {
        var newest: [Key: Element] = [:]
        for element in self {
            guard let key = key(element) else { continue }
            if let kept = newest[key], time(kept) > time(element) { continue }
            newest[key] = element
        }
        return newest
    }
}
