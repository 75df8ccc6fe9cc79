import Foundation

/// Builds a `SiteAnalysis` from the store's window aggregates and the chart's slices. Pure:
/// the store reads, this computes, so every number can be tested against hand-made aggregates.
public enum SiteAnalyzer {
    /// `series` holds each endpoint's chart points, cut by `chart` (see `ChartSlicing.points`).
    public static func analyze(site: String, window: ReportWindow, endpoints: [StoredEndpoint],
                               aggregates: WindowAggregates, chart: ChartSlicing,
                               series: [String: [SparklinePoint]]) -> SiteAnalysis {
        let ofSite = endpoints.filter { $0.site == site }
        let names = Set(ofSite.map(\.name))
        let byEndpoint = aggregates.byEndpoint
        let summaries = ofSite.compactMap { endpoint -> EndpointSummary? in
            guard let aggregate = byEndpoint[endpoint.name], aggregate.count > 0 else { return nil }
            return summary(endpoint, aggregate, points: series[endpoint.name] ?? [])
        }
        let order = summaries.map(\.endpoint.name)
        let origin = summaries.first { $0.endpoint.isOrigin }
        let byVantage = aggregates.byVantage.filter { names.contains($0.key.endpoint) && $0.value.count > 0 }
        return SiteAnalysis(
            site: site, window: window, since: aggregates.since, until: aggregates.until,
            endpoints: summaries,
            regions: regionRows(byVantage, order: order),
            popRegions: popRegionRows(aggregates, order: order),
            chart: chart,
            originEndpoint: ofSite.first { $0.isOrigin },
            origin: origin,
            originComparisons: comparisons(summaries, origin: origin),
            vantages: Set(byVantage.keys.map(\.vantage)).sorted(by: vantageOrder))
    }

    private static func summary(_ endpoint: StoredEndpoint, _ aggregate: ProbeAggregate,
                                points: [SparklinePoint]) -> EndpointSummary {
        EndpointSummary(
            endpoint: endpoint,
            provider: aggregate.providers.max { $0.value != $1.value ? $0.value < $1.value : $0.key.rawValue > $1.key.rawValue }?.key,
            probes: aggregate.count,
            ok: aggregate.okCount,
            ttfb: LatencySummary(microseconds: aggregate.ttfb),
            total: LatencySummary(microseconds: aggregate.total),
            phases: PhaseMedians(aggregate),
            cache: CacheBreakdown(counts: aggregate.cache, uncached: aggregate.uncached),
            pops: Count.sorted(aggregate.pops, by: <),
            httpVersions: Count.sorted(aggregate.httpVersions, by: <),
            errors: Count.sorted(aggregate.errors) { $0.rawValue < $1.rawValue },
            series: points)
    }

    private static func regionRows(_ cells: [EndpointVantage: ProbeAggregate], order: [String]) -> [RegionRow] {
        let byVantage = Dictionary(grouping: cells, by: \.key.vantage)
        return byVantage.keys.sorted(by: vantageOrder).map { vantage in
            let row = byVantage[vantage] ?? []
            let cells = order.compactMap { name -> RegionCell? in
                guard let aggregate = row.first(where: { $0.key.endpoint == name })?.value else { return nil }
                return RegionCell(endpoint: name, aggregate: aggregate)
            }
            return RegionRow(vantage: vantage, cells: cells)
        }
    }

    /// Per POP region that served (continent order, unknown last), all vantages together.
    private static func popRegionRows(_ aggregates: WindowAggregates, order: [String]) -> [POPRegionRow] {
        let cells = aggregates.byPOPRegion.filter { order.contains($0.key.endpoint) && $0.value.count > 0 }
        let regions = Set(cells.keys.map(\.popRegion)).sorted { Continent.rank($0) < Continent.rank($1) }
        return regions.map { region in
            POPRegionRow(region: region, cells: order.compactMap { name in
                cells[EndpointPOPRegion(endpoint: name, popRegion: region)].map { RegionCell(endpoint: name, aggregate: $0) }
            })
        }
    }

    private static func comparisons(_ summaries: [EndpointSummary], origin: EndpointSummary?) -> [OriginComparison] {
        guard let origin, let originTTFB = origin.ttfb else { return [] }
        return summaries.filter { $0.endpoint != origin.endpoint }.compactMap { summary in
            guard let ttfb = summary.ttfb, ttfb.average > 0 else { return nil }
            return OriginComparison(endpoint: summary.endpoint.name, endpointAverage: ttfb.average,
                                    endpointSamples: ttfb.samples, originAverage: originTTFB.average,
                                    originSamples: originTTFB.samples)
        }
    }

    /// Vantage rows in the continent order, unknown continents last, then by label.
    static func vantageOrder(_ a: Vantage, _ b: Vantage) -> Bool {
        let (rankA, rankB) = (Continent.rank(a.continent), Continent.rank(b.continent))
        return rankA != rankB ? rankA < rankB : a.label < b.label
    }
}
