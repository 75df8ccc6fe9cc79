/// The phases of one probe that were really measured, in microseconds; nil where the probe
/// never completed the phase or the connection has no such phase. Exports write these, so a
/// failed probe says `ttfb_ms: null` rather than a fast zero.
///
/// Read from what is stored (the phase durations, the error class and the URL), so it holds
/// for probes stored before it existed:
/// - a probe that got a response (success, `http_status`, `redirect_loop`,
///   `too_many_redirects`) measured every phase;
/// - `dns`, `connect` and `tls` errors stop in that phase: it and every later one are nil;
/// - any other error (`timeout`, `protocol`, `body_too_large`, `other`) measured the phases
///   it completed: curl stamps each phase as it ends, so a phase counts when it or a later
///   one has a time; the transfer never completed;
/// - TLS is nil for a plain-HTTP probe that no redirect took to HTTPS.
/// Over redirects the phases add up across hops, so a phase counts when any hop completed it.
/// `total` is always measured: it is the time the probe took, whatever stopped it.
public struct MeasuredTimings: Sendable, Hashable {
    public var dns: Int64?
    public var connect: Int64?
    public var tls: Int64?
    public var ttfb: Int64?
    public var transfer: Int64?
    public var total: Int64

    public init(_ probe: ProbeResult) {
        let timings = probe.timings
        // The phases in the order curl goes through them; `reached` counts those completed.
        let phases = [timings.dns, timings.connect, timings.tls, timings.ttfb, timings.transfer]
        let reached: Int
        switch probe.error {
        case nil, .httpStatus?, .redirectLoop?, .tooManyRedirects?: reached = phases.count
        case .dns?: reached = 0
        case .connect?: reached = 1
        case .tls?: reached = 2
        case .timeout?, .protocol?, .bodyTooLarge?, .other?:
            reached = (phases.prefix(4).lastIndex { $0 > 0 }).map { $0 + 1 } ?? 0
        }
        func measured(_ index: Int) -> Int64? { index < reached ? phases[index] : nil }
        let hasTLS = probe.url.lowercased().hasPrefix("https:") || timings.tls > 0
        dns = measured(0)
        connect = measured(1)
        tls = hasTLS ? measured(2) : nil
        ttfb = measured(3)
        transfer = measured(4)
        total = timings.total
    }
}

extension ProbeResult {
    /// The phases this probe really measured (see `MeasuredTimings`).
    public var measuredTimings: MeasuredTimings { MeasuredTimings(self) }
}
