/// Where the time of one probe went, in microseconds (libcurl's `*_TIME_T` resolution).
///
/// The phases are durations, not curl's cumulative marks, so they read as a breakdown:
/// `dns` name lookup, `connect` TCP handshake, `tls` TLS handshake (0 for plain HTTP),
/// `transfer` from the first response byte to the last. The exception is `ttfb`, which is
/// curl's `time_starttransfer` (start of the request to the first byte) because that is the
/// figure people compare with `curl -w` and hosted monitors. When redirects are followed the
/// hops add up, as curl's own timers do.
public struct PhaseTimings: Sendable, Hashable, Codable {
    public var dns: Int64
    public var connect: Int64
    public var tls: Int64
    public var ttfb: Int64
    public var transfer: Int64
    public var total: Int64

    public init(dns: Int64 = 0, connect: Int64 = 0, tls: Int64 = 0,
                ttfb: Int64 = 0, transfer: Int64 = 0, total: Int64 = 0) {
        self.dns = dns
        self.connect = connect
        self.tls = tls
        self.ttfb = ttfb
        self.transfer = transfer
        self.total = total
    }

    public static let zero = PhaseTimings()

    /// Adds the phases of a later redirect hop to these.
    public static func + (lhs: PhaseTimings, rhs: PhaseTimings) -> PhaseTimings {
        PhaseTimings(dns: lhs.dns + rhs.dns, connect: lhs.connect + rhs.connect,
                     tls: lhs.tls + rhs.tls, ttfb: lhs.ttfb + rhs.ttfb,
                     transfer: lhs.transfer + rhs.transfer, total: lhs.total + rhs.total)
    }
}

extension Int64 {
    /// Microseconds as milliseconds, for output.
    public var microsecondsAsMilliseconds: Double { Double(self) / 1000 }
}
