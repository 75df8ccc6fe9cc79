import CDNTopCore
import Foundation

/// The probe database, whichever engine holds it: what the agent writes and what the UI,
/// `report` and `export` read. Analysis, the UI and the report see only this; each engine
/// (`SQLiteProbeStore`, the PostgreSQL one) keeps its own SQL, schema and migrations.
///
/// Every engine keeps the same promises:
/// - a round is written in one transaction, with its rollups, events and latest headers;
/// - a probe whose delivery key is already stored is skipped, so a batch delivered twice is
///   stored once;
/// - windows and series are read from rollups, never from raw probes;
/// - errors are `StoreError`s that describe the database (`location`), never a command line.
///
/// Every engine holds real traffic too (`TrafficStore`, rolled up and pruned like probes), so
/// a caller that shows both passes one store.
public protocol ProbeStore: TrafficStore {
    /// Where the probes are, safe to print: a file path, or a connection URI without its
    /// password.
    var location: String { get }
    var settings: StoreSettings { get }

    // MARK: Writing

    /// Stores one round of probes. `deliveryKeys`, one per probe, make the write idempotent.
    func record(_ probes: [ProbeResult], deliveryKeys: [String]?) throws
    /// Remembers what an agent said of itself (its region, schedule and outbox backlog).
    func report(_ status: AgentStatus) throws
    /// Deletes what outlived its retention as of `now`.
    func prune(now: Date) throws

    // MARK: Reading

    /// Calls `body` with every probe in `[since, until)` (open-ended when nil), oldest first, in
    /// constant memory. `body` must not call back into the store.
    func forEachProbe(since: Date?, until: Date?, _ body: (ProbeResult) throws -> Void) throws
    /// The events of `site` (every site when nil) in `[since, until)`: at most `limit` lines.
    func events(since: Date, until: Date, site: String?, limit: Int) throws -> EventLog
    /// The newest `limit` failed probes of an endpoint, newest first, whatever the window.
    func recentFailures(endpoint: String, site: String?, limit: Int) throws -> [ProbeResult]
    /// A number that grows with every probe written by any process.
    func changeMarker() throws -> Int64
    /// The newest headers and trailers of an endpoint from a vantage (any, when nil).
    func lastHeaders(endpoint: String, site: String?, vantage: String?) throws -> ResponseHeaderLines
    /// The newest probe of each endpoint of `site`, however long ago it was sent.
    func newestProbes(site: String) throws -> [ProbeResult]
    /// Every endpoint ever recorded, one per (name, site), sorted by site, then name.
    func endpoints() throws -> [StoredEndpoint]
    /// Every agent that ever wrote here: its newest probe and what it last said of itself.
    func agents() throws -> [AgentActivity]
    /// Aggregates per endpoint, vantage and POP region over `[since, until)`, from rollups only.
    func windowAggregates(since: Date, until: Date, site: String?) throws -> WindowAggregates
    /// Per endpoint, one aggregate per `span` bucket in `[since, until)`, for sparklines.
    func timeSeries(since: Date, until: Date, span: RollupSpan, vantage: String?, site: String?) throws -> TimeSeries
}

extension ProbeStore {
    public func record(_ probes: [ProbeResult]) throws {
        try record(probes, deliveryKeys: nil)
    }

    public func lastHeaders(endpoint: String, vantage: String?) throws -> ResponseHeaderLines {
        try lastHeaders(endpoint: endpoint, site: nil, vantage: vantage)
    }

    public func windowAggregates(since: Date, until: Date) throws -> WindowAggregates {
        try windowAggregates(since: since, until: until, site: nil)
    }

    public func timeSeries(since: Date, until: Date, span: RollupSpan, site: String? = nil) throws -> TimeSeries {
        try timeSeries(since: since, until: until, span: span, vantage: nil, site: site)
    }

    public func timeSeries(since: Date, until: Date, span: RollupSpan, vantage: String?) throws -> TimeSeries {
        try timeSeries(since: since, until: until, span: span, vantage: vantage, site: nil)
    }
}
