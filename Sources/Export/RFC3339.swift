import Foundation

/// UTC timestamps with milliseconds, `2026-11-22T03:19:46.123Z`: the form the JSON
/// lines use. Formatted by hand because exports write millions of them and a shared
/// `DateFormatter` is neither fast nor safe to share across threads.
public enum RFC3339 {
    public static func format(_ date: Date) -> String {
        // To the whole microsecond first, as the probe database stores times, then down to the
        // millisecond: a probe printed as it lands (`probe --json`) and the same probe exported
        // later show the same time, also when it fell a fraction of a microsecond before a
        // millisecond's end.
        let microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let milliseconds = microseconds.floorDivided(by: 1000)
        var seconds = time_t(milliseconds.floorDivided(by: 1000))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
            + "T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))"
            + ".\(pad(Int32(milliseconds - milliseconds.floorDivided(by: 1000) * 1000), 3))Z"
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
