import CDNTopCore
import Foundation

/// Endpoint names and vantages by dictionary id, read once per query: rollups are folded by
/// ids first (integers hash fast), then relabelled, so endpoints whose URL changed (several
/// ids) merge under their one name.
package struct KeyNames {
    private let endpoints: [Int64: StoredEndpoint]
    private let vantages: [Int64: Vantage]

    package init(endpoints: [Int64: StoredEndpoint], vantages: [Int64: Vantage]) {
        self.endpoints = endpoints
        self.vantages = vantages
    }

    package func endpoint(_ id: Int64) throws -> String {
        guard let entry = endpoints[id] else { throw DamagedData("a rollup refers to a missing endpoint") }
        return entry.name
    }

    package func vantage(_ id: Int64) throws -> Vantage {
        guard let vantage = vantages[id] else { throw DamagedData("a rollup refers to a missing vantage") }
        return vantage
    }

    package func site(_ id: Int64) -> String? {
        endpoints[id]?.site
    }

    package func vantageLabel(_ id: Int64) -> String? {
        vantages[id]?.label
    }
}

/// Windows and series from folded rollup rows, the same whichever engine read them.
package enum WindowAssembly {
    /// A rollup key without its time: the cells of a window.
    package struct CellKey: Hashable {
        package var ids: DictionaryIDs
        package var popRegion: Int

        package init(_ cell: RollupCell) {
            ids = cell.ids
            popRegion = cell.popRegion
        }
    }

    /// An endpoint id and a bucket: the points of a series.
    package struct SeriesKey: Hashable {
        package var endpointID: Int64
        package var bucket: Int64
    }

    /// The window's cells by names, `site`'s only when given.
    package static func aggregates(_ byIDs: [CellKey: ProbeAggregate], names: KeyNames, site: String?,
                                   plan: WindowPlan) throws -> WindowAggregates {
        var cells: [AggregateKey: ProbeAggregate] = [:]
        for (cell, aggregate) in byIDs where site == nil || names.site(cell.ids.endpoint) == site {
            let key = AggregateKey(endpoint: try names.endpoint(cell.ids.endpoint),
                                   vantage: try names.vantage(cell.ids.vantage),
                                   popRegion: try Continent.decode(keyCode: cell.popRegion))
            cells[key, default: ProbeAggregate()].merge(aggregate)
        }
        return WindowAggregates(since: StoredTime.date(seconds: plan.since),
                                until: StoredTime.date(seconds: plan.until), cells: cells)
    }

    /// The buckets `[start, end)` (seconds) a series of `span` reads: the request widened to
    /// whole buckets, never older than the span's horizon.
    package static func seriesBuckets(since: Date, until: Date, span: RollupSpan,
                                      horizons: RetentionHorizons) -> (start: Int64, end: Int64) {
        let start = max(span.floor(since.secondsSince1970(rounded: .down)), horizons.oldestBucket(of: span))
        return (start, max(start, span.ceil(until.secondsSince1970(rounded: .up))))
    }

    /// How a rollup row counts in a series: by endpoint and bucket, nil for rows of other
    /// vantages or sites.
    package static func seriesKey(_ cell: RollupCell, names: KeyNames, vantage: String?, site: String?) -> SeriesKey? {
        if let vantage, names.vantageLabel(cell.ids.vantage) != vantage { return nil }
        if let site, names.site(cell.ids.endpoint) != site { return nil }
        return SeriesKey(endpointID: cell.ids.endpoint, bucket: cell.bucket)
    }

    package static func series(_ byIDs: [SeriesKey: ProbeAggregate], names: KeyNames, span: RollupSpan,
                               start: Int64, end: Int64) throws -> TimeSeries {
        var byEndpoint: [String: [Int64: ProbeAggregate]] = [:]
        for (key, aggregate) in byIDs {
            byEndpoint[try names.endpoint(key.endpointID), default: [:]][key.bucket, default: ProbeAggregate()]
                .merge(aggregate)
        }
        let points = byEndpoint.mapValues { buckets in
            buckets.sorted { $0.key < $1.key }.map {
                SeriesPoint(start: StoredTime.date(seconds: $0.key), aggregate: $0.value)
            }
        }
        return TimeSeries(since: StoredTime.date(seconds: start), until: StoredTime.date(seconds: end),
                          bucketSeconds: Int(span.seconds), points: points)
    }
}
