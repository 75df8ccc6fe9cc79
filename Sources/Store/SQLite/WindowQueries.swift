import CDNTopCore
import Foundation
import GRDB

/// Window aggregates and time series, assembled from rollup rows only.
///
/// Rows are first folded by dictionary ids (integers hash fast), then relabelled with names:
/// endpoints whose URL changed have several ids and merge under their one name here.
enum WindowQueries {
    static func aggregates(since: Date, until: Date, site: String?, in db: Database) throws -> WindowAggregates {
        let plan = WindowPlan(since: since, until: until, horizons: try RetentionHorizons(db))
        var byIDs: [CellKey: ProbeAggregate] = [:]
        for piece in plan.pieces {
            try Rollups.accumulate(span: piece.span, from: piece.from, to: piece.to, in: db, into: &byIDs) {
                CellKey(ids: $0.ids, popRegion: $0.popRegion)
            }
        }
        let names = try KeyNames(db)
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

    static func series(since: Date, until: Date, span: RollupSpan, vantage: String?, site: String?,
                       in db: Database) throws -> TimeSeries {
        let horizon = try RetentionHorizons(db).oldestBucket(of: span)
        let start = max(span.floor(since.secondsSince1970(rounded: .down)), horizon)
        let end = max(start, span.ceil(until.secondsSince1970(rounded: .up)))
        let names = try KeyNames(db)
        var byIDs: [SeriesKey: ProbeAggregate] = [:]
        try Rollups.accumulate(span: span, from: start, to: end, in: db, into: &byIDs) { cell in
            if let vantage, names.vantageLabel(cell.ids.vantage) != vantage { return nil }
            if let site, names.site(cell.ids.endpoint) != site { return nil }
            return SeriesKey(endpointID: cell.ids.endpoint, bucket: cell.bucket)
        }
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

    /// A rollup key without its time: the cells of a window.
    private struct CellKey: Hashable {
        var ids: DictionaryIDs
        var popRegion: Int
    }

    /// An endpoint id and a bucket: the points of a series.
    private struct SeriesKey: Hashable {
        var endpointID: Int64
        var bucket: Int64
    }
}

/// Endpoint names and vantages by dictionary id, read once per query.
private struct KeyNames {
    private let endpoints: [Int64: StoredEndpoint]
    private let vantages: [Int64: Vantage]

    init(_ db: Database) throws {
        endpoints = try Dictionaries.endpoints(in: db)
        vantages = try Dictionaries.vantages(in: db)
    }

    func endpoint(_ id: Int64) throws -> String {
        guard let entry = endpoints[id] else { throw DamagedData("a rollup refers to a missing endpoint") }
        return entry.name
    }

    func vantage(_ id: Int64) throws -> Vantage {
        guard let vantage = vantages[id] else { throw DamagedData("a rollup refers to a missing vantage") }
        return vantage
    }

    func site(_ id: Int64) -> String? {
        endpoints[id]?.site
    }

    func vantageLabel(_ id: Int64) -> String? {
        vantages[id]?.label
    }
}
