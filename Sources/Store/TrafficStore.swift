import CDNTopCore
import Foundation

/// Where `cdntop logs ingest` stopped reading one log file: the next run (or a restart of
/// `--follow`) resumes there, so no line is counted twice. Stored in the same transaction as
/// the minutes read up to it.
public struct LogPosition: Sendable, Hashable {
    /// The file as the ingest names it (an absolute path).
    public var source: String
    /// The file's identity (device and inode) when it was read: a rotated file is a new one.
    public var fileID: String
    /// Bytes consumed, up to the end of the last whole line.
    public var offset: Int64

    public init(source: String, fileID: String, offset: Int64) {
        self.source = source
        self.fileID = fileID
        self.offset = offset
    }
}

/// Real-traffic aggregates from CDN access logs, beside the probes: minutes written by
/// `cdntop logs ingest`, rolled up like probes, read by the traffic view and the report.
public protocol TrafficStore: AnyObject, Sendable {
    /// Adds the minutes (merged into any already stored for the same site, provider and
    /// minute) and moves `position`, in one transaction.
    func recordTraffic(_ minutes: [TrafficMinute], position: LogPosition?) throws
    /// Where ingest of `source` stopped, nil when it never ran.
    func logPosition(source: String) throws -> LogPosition?
    /// Per (site, provider), the merged minutes of `[since, until)`, from rollups.
    func trafficWindow(since: Date, until: Date, site: String?) throws -> [TrafficMinute]
    /// Per (site, provider), one merged aggregate per `span` bucket in `[since, until)`, oldest
    /// first: `minute` of each is its bucket's start.
    func trafficSeries(since: Date, until: Date, span: RollupSpan, site: String?) throws -> [TrafficMinute]
}
