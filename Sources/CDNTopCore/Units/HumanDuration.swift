/// Parses the durations people write in config files and flags: "250ms", "10s", "5m", "24h",
/// "7d", or a combination such as "1h30m". A bare number is rejected: "60" could mean seconds
/// or milliseconds, and guessing wrong would silently probe 1000× too often.
public enum HumanDuration {
    /// Seconds, or nil when `text` is not a positive duration.
    public static func seconds(_ text: String) -> Double? {
        parse(text).flatMap { $0 > 0 ? $0 : nil }
    }

    /// Seconds, zero included, or nil when `text` is not written as a duration: lets a caller
    /// say that `"0s"` is out of range rather than not a duration.
    public static func parse(_ text: String) -> Double? {
        let units: [(suffix: String, seconds: Double)] = [
            ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400), ("w", 604_800),
        ]
        var rest = Substring(text.trimmingCharacters(in: " "))
        guard !rest.isEmpty else { return nil }
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.suffix) }) else { return nil }
            rest = rest.dropFirst(unit.suffix.count)
            total += value * unit.seconds
        }
        return total
    }

    /// Formats seconds the short way people write them back: "60s", "5m", "1h30m", "250ms".
    public static func format(seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        var remaining = Int(seconds.rounded())
        var parts: [String] = []
        for (suffix, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] where remaining >= size {
            parts.append("\(remaining / size)\(suffix)")
            remaining %= size
        }
        return parts.joined()
    }
}

extension String {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        String(drop { $0 == character }.reversed().drop { $0 == character }.reversed())
    }
}
