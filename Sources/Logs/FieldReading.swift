import Foundation

/// Reads the values log lines carry (numbers, times, request lines) straight from bytes,
/// without building strings: these run for every line.
enum FieldReading {
    /// A non-negative decimal integer; nil for anything else ("-", "12a", empty, overflow).
    static func integer(_ bytes: LogBytes) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 19 else { return nil }
        var value: Int64 = 0
        for byte in bytes {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowAdding) = times10.addingReportingOverflow(Int64(digit))
            guard !overflow, !overflowAdding else { return nil }
            value = sum
        }
        return value
    }

    /// A non-negative decimal number with an optional fraction ("0.012", "12", "1.5e3" is
    /// refused: no log writes exponents); nil for anything else.
    static func decimal(_ bytes: LogBytes) -> Double? {
        guard !bytes.isEmpty, bytes.count <= 32 else { return nil }
        var whole: Int64 = 0
        var fraction: Int64 = 0
        var scale: Int64 = 1
        var seenDot = false
        var digits = 0
        for byte in bytes {
            if byte == UInt8(ascii: "."), !seenDot {
                seenDot = true
                continue
            }
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            digits += 1
            if seenDot {
                guard scale < 1_000_000_000_000 else { continue }
                fraction = fraction * 10 + Int64(digit)
                scale *= 10
            } else {
                guard whole < 100_000_000_000_000_000 / 10 else { return nil }
                whole = whole * 10 + Int64(digit)
            }
        }
        guard digits > 0 else { return nil }
        return Double(whole) + Double(fraction) / Double(scale)
    }

    // MARK: Times

    /// The Common Log Format's time, as nginx's `$time_local` and varnishncsa's `%t` write it:
    /// "10/Oct/2000:13:55:36 -0700", with or without the brackets around it.
    static func commonLogTime(_ raw: LogBytes) -> Int64? {
        var bytes = raw
        if bytes.count >= 2, bytes[0] == UInt8(ascii: "["), bytes[bytes.count - 1] == UInt8(ascii: "]") {
            bytes = bytes.slice(1..<bytes.count - 1)
        }
        // dd/Mon/yyyy:hh:mm:ss +hhmm
        guard bytes.count == 26, bytes[2] == UInt8(ascii: "/"), bytes[6] == UInt8(ascii: "/"),
              bytes[11] == UInt8(ascii: ":"), bytes[14] == UInt8(ascii: ":"), bytes[17] == UInt8(ascii: ":"),
              bytes[20] == UInt8(ascii: " "),
              let day = twoDigits(bytes, 0), let month = monthNumber(bytes, 3),
              let year = fourDigits(bytes, 7), let hour = twoDigits(bytes, 12),
              let minute = twoDigits(bytes, 15), let second = twoDigits(bytes, 18),
              let offset = zoneOffset(bytes.slice(21..<26))
        else { return nil }
        return civilSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second, offset: offset)
    }

    /// RFC 3339 / ISO 8601 as nginx's `$time_iso8601`, Cloudflare and Fastly write it:
    /// "2026-10-08T04:00:00+00:00", "2026-10-08T04:00:00.123Z", "2026-10-08 04:00:00Z".
    static func iso8601Time(_ bytes: LogBytes) -> Int64? {
        guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " "),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              let year = fourDigits(bytes, 0), let month = twoDigits(bytes, 5), (1...12).contains(month),
              let day = twoDigits(bytes, 8), let hour = twoDigits(bytes, 11),
              let minute = twoDigits(bytes, 14), let second = twoDigits(bytes, 17)
        else { return nil }
        var index = 19
        if bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",") {
            index += 1
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
        }
        guard let offset = zoneOffset(bytes.slice(index..<bytes.count)) else { return nil }
        return civilSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second, offset: offset)
    }

    /// A Unix timestamp whose unit is told by its size, as Cloudflare's `EdgeStartTimestamp`
    /// is nanoseconds by default and seconds or milliseconds when Logpush is told so, and
    /// nginx's `$msec` is seconds with a fraction: below 10^11 seconds, below 10^14
    /// milliseconds, below 10^17 microseconds, else nanoseconds.
    static func epochTime(_ bytes: LogBytes) -> Int64? {
        if bytes.contains(UInt8(ascii: ".")) {
            return decimal(bytes).map { Int64($0) }
        }
        guard let value = integer(bytes) else { return nil }
        switch value {
        case ..<100_000_000_000: return value
        case ..<100_000_000_000_000: return value / 1000
        case ..<100_000_000_000_000_000: return value / 1_000_000
        default: return value / 1_000_000_000
        }
    }

    private static func twoDigits(_ bytes: LogBytes, _ at: Int) -> Int? {
        let tens = bytes[at] &- UInt8(ascii: "0"), ones = bytes[at + 1] &- UInt8(ascii: "0")
        guard tens < 10, ones < 10 else { return nil }
        return Int(tens) * 10 + Int(ones)
    }

    private static func fourDigits(_ bytes: LogBytes, _ at: Int) -> Int? {
        guard let high = twoDigits(bytes, at), let low = twoDigits(bytes, at + 2) else { return nil }
        return high * 100 + low
    }

    /// "Jan" … "Dec" → 1 … 12, by the three letters folded to lower case.
    private static func monthNumber(_ bytes: LogBytes, _ at: Int) -> Int? {
        let key = (UInt32(bytes[at] | 0x20) << 16) | (UInt32(bytes[at + 1] | 0x20) << 8) | UInt32(bytes[at + 2] | 0x20)
        return monthKeys.firstIndex(of: key).map { $0 + 1 }
    }

    private static let monthKeys: [UInt32] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        .map { name in name.utf8.reduce(UInt32(0)) { ($0 << 8) | UInt32($1) } }

    /// "Z", "+0200", "-07:00", "+00" → seconds east of UTC; nil for anything else.
    private static func zoneOffset(_ bytes: LogBytes) -> Int? {
        if bytes.count == 1, bytes[0] | 0x20 == UInt8(ascii: "z") { return 0 }
        guard bytes.count >= 3, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"),
              let hours = twoDigits(bytes, 1) else { return nil }
        var minutes = 0
        switch bytes.count {
        case 3: break
        case 5: guard let value = twoDigits(bytes, 3) else { return nil }; minutes = value
        case 6:
            guard bytes[3] == UInt8(ascii: ":"), let value = twoDigits(bytes, 4) else { return nil }
            minutes = value
        default: return nil
        }
        let seconds = hours * 3600 + minutes * 60
        return bytes[0] == UInt8(ascii: "-") ? -seconds : seconds
    }

    /// Seconds since 1970 UTC of a civil time at `offset` seconds east of UTC (days from the
    /// proleptic Gregorian calendar, after Howard Hinnant's `days_from_civil`).
    private static func civilSeconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int,
                                     offset: Int) -> Int64? {
        guard (1...31).contains(day), hour < 24, minute < 60, second <= 60 else { return nil }
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offset)
    }

    // MARK: Request lines

    /// The parts of "GET /path?query HTTP/1.1" (or varnishncsa's "GET http://host/path HTTP/1.1")
    /// that cdntop keeps: the path (query still attached), the host of an absolute URL, and the
    /// version. A request nginx could not parse (TLS bytes on a plain port, "-") yields
    /// nothing, which is not an error: the line still counts, with its status.
    static func requestLine(_ bytes: LogBytes, into record: inout LogRecord) {
        guard let firstSpace = bytes.firstIndex(of: UInt8(ascii: " ")) else { return }
        var targetEnd = bytes.count
        var index = bytes.count
        while index > firstSpace + 1 {
            index -= 1
            if bytes[index] == UInt8(ascii: " ") { targetEnd = index; break }
        }
        if targetEnd < bytes.count {
            record.version = LoggedHTTPVersion(bytes.slice(targetEnd + 1..<bytes.count))
        }
        let target = bytes.slice(firstSpace + 1..<targetEnd)
        absoluteTarget(target, into: &record)
    }

    /// A request target or URL: "/path", or "https://host/path" whose host is kept too.
    static func absoluteTarget(_ target: LogBytes, into record: inout LogRecord) {
        guard let first = target.first else { return }
        if first == UInt8(ascii: "/") {
            record.path = target
            return
        }
        // scheme://authority/path
        guard let colon = target.firstIndex(of: UInt8(ascii: ":")), colon + 2 < target.count,
              target[colon + 1] == UInt8(ascii: "/"), target[colon + 2] == UInt8(ascii: "/") else { return }
        let authorityStart = colon + 3
        let pathStart = target.firstIndex(of: UInt8(ascii: "/"), from: authorityStart) ?? target.count
        if record.host.isEmpty { record.host = target.slice(authorityStart..<pathStart) }
        record.path = pathStart < target.count ? target.slice(pathStart..<target.count) : LogBytes.none
    }

    /// The first of a list of upstream figures ("0.012, 0.004" when nginx tried two upstreams).
    static func firstListEntry(_ bytes: LogBytes) -> LogBytes {
        guard let comma = bytes.firstIndex(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: " ") }) else { return bytes }
        return bytes.slice(0..<comma)
    }
}
