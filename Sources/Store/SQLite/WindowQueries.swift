import CDNTopCore
import Foundation
import GRDB

/// Window aggregates and time series, assembled from rollup rows only (`WindowAssembly`).
enum WindowQueries {
    static func aggregates(since: Date, until: Date, site: String?, in db: Database) throws -> WindowAggregates {
        let plan = WindowPlan(since: since, until: until, horizons: try RetentionHorizons(db))
        var byIDs: [WindowAssembly.CellKey: ProbeAggregate] = [:]
        for piece in plan.pieces {
            try Rollups.accumulate(span: piece.span, from: piece.from, to: piece.to, in: db, into: &byIDs) {
                WindowAssembly.CellKey($0)
            }
        }
        return try WindowAssembly.aggregates(byIDs, names: try KeyNames(db), site: site, plan: plan)
    }

    static func series(since: Date, until: Date, span: RollupSpan, vantage: String?, site: String?,
                       in db: Database) throws -> TimeSeries {
        let (start, end) = WindowAssembly.seriesBuckets(since: since, until: until, span: span,
                                                        horizons: try RetentionHorizons(db))
        let names = try KeyNames(db)
        var byIDs: [WindowAssembly.SeriesKey: ProbeAggregate] = [:]
        try Rollups.accumulate(span: span, from: start, to: end, in: db, into: &byIDs) {
            WindowAssembly.seriesKey($0, names: names, vantage: vantage, site: site)
        }
        return try WindowAssembly.series(byIDs, names: names, span: span, start: start, end: end)
    }
}

extension KeyNames {
    init(_ db: Database) throws {
        self.init(endpoints: try Dictionaries.endpoints(in: db), vantages: try Dictionaries.vantages(in: db))
    }
}
