import CDNTopCore
import Foundation

/// One probe as a flat record: the same fields, in the same order, for JSON lines and CSV, so
/// a script can switch formats without remapping anything. Phases the probe did not measure
/// are null (see `MeasuredTimings`), never a zero that reads as fast.
struct ProbeRecord {
    /// A field's value, typed so each format can write it its own way.
    enum Value {
        case string(String)
        case integer(Int64)
        case milliseconds(Int64)  // stored as microseconds
        case bool(Bool)
        case null
    }

    static let fieldNames = [
        "ts", "endpoint", "site", "url", "region", "provider", "ok", "status", "http_version",
        "cache", "cache_raw", "pop", "pop_region", "pop_metro", "pop_city", "age", "dns_ms", "connect_ms", "tls_ms",
        "ttfb_ms", "transfer_ms", "total_ms", "bytes", "redirects", "remote_ip", "error",
        "error_detail",
        // Added with agent ids: last, so CSV readers that count columns keep working.
        "agent",
    ]

    static func values(of probe: ProbeResult) -> [Value] {
        func text(_ value: String?) -> Value { value.map(Value.string) ?? .null }
        func number(_ value: Int?) -> Value { value.map { .integer(Int64($0)) } ?? .null }
        func milliseconds(_ microseconds: Int64?) -> Value { microseconds.map(Value.milliseconds) ?? .null }
        let timings = probe.measuredTimings
        let metro = probe.popMetro
        return [
            .string(RFC3339.format(probe.timestamp)), .string(probe.endpoint), .string(probe.site),
            .string(probe.url), .string(probe.vantage.label), text(probe.provider?.rawValue),
            .bool(probe.ok), number(probe.status), text(probe.httpVersion), text(probe.cache?.rawValue),
            text(probe.cacheRaw), text(probe.pop), text(probe.popRegion?.rawValue),
            text(metro?.iata), text(metro?.city), number(probe.age),
            milliseconds(timings.dns), milliseconds(timings.connect), milliseconds(timings.tls),
            milliseconds(timings.ttfb), milliseconds(timings.transfer), .milliseconds(timings.total),
            .integer(probe.bytes), .integer(Int64(probe.redirects)), text(probe.remoteIP),
            text(probe.error?.rawValue), text(probe.errorDetail), text(probe.agent),
        ]
    }

    /// Microseconds as a millisecond number with up to three decimals and no trailing zeros
    /// ("12.345", "0.5", "3"): exact, since the source resolution is one microsecond.
    static func millisecondsText(_ microseconds: Int64) -> String {
        let sign = microseconds < 0 ? "-" : ""
        let magnitude = microseconds.magnitude
        let whole = magnitude / 1000
        var fraction = String(magnitude % 1000)
        guard fraction != "0" else { return "\(sign)\(whole)" }
        fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(sign)\(whole).\(fraction)"
    }
}
