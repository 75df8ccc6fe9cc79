/// Numbers as reports and panels write them: few digits, no locale surprises, the same on
/// every machine (so golden files and screenshots are stable).
public enum NumberText {
    /// "4.2 ms" under 10 ms, "53 ms" above: sub-millisecond digits on a 300 ms figure are noise.
    public static func milliseconds(_ value: Double) -> String {
        value < 10 ? fixed(value, decimals: 1) : fixed(value, decimals: 0)
    }

    /// "12,345".
    public static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// "1 probe", "12,345 probes".
    public static func count(_ value: Int, _ noun: String) -> String {
        "\(count(value)) \(noun)\(value == 1 ? "" : "s")"
    }

    /// "50.0%", and two decimals from 99% up, where the difference between 99.89% and 99.5%
    /// is the whole story.
    public static func percent(_ ratio: Double) -> String {
        let value = ratio * 100
        let text = fixed(value, decimals: value >= 99 && value < 100 ? 2 : 1)
        // 99.996% rounds to 100.00%, which would claim a perfect record that is not there.
        return (value < 100 && text.hasPrefix("100") ? "99.99" : text) + "%"
    }

    /// "2.1×".
    public static func ratio(_ value: Double) -> String {
        fixed(value, decimals: 1) + "×"
    }

    /// Rounds half away from zero and prints exactly `decimals` digits.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (value * scale).rounded(.toNearestOrAwayFromZero)
        let whole = Int64(scaled) / Int64(scale)
        let fraction = abs(Int64(scaled) % Int64(scale))
        let sign = scaled < 0 && whole == 0 ? "-" : ""
        guard decimals > 0 else { return "\(sign)\(whole)" }
        let digits = String(fraction)
        return "\(sign)\(whole)." + String(repeating: "0", count: decimals - digits.count) + digits
    }
}
