/// Parses sizes such as "10MB", "512KiB", "1.5GB" or "2048" (bytes). Decimal units are
/// powers of 1000 and binary units powers of 1024, as their names say.
public enum ByteSize {
    public static func bytes(_ text: String) -> Int64? {
        let units: [(suffix: String, factor: Double)] = [
            ("KiB", 1024), ("MiB", 1_048_576), ("GiB", 1_073_741_824),
            ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("B", 1), ("", 1),
        ]
        let trimmed = text.filter { $0 != " " }
        let number = trimmed.prefix { $0.isNumber || $0 == "." }
        let suffix = trimmed.dropFirst(number.count)
        guard let value = Double(number), value > 0,
              let unit = units.first(where: { $0.suffix.lowercased() == suffix.lowercased() }) else {
            return nil
        }
        let bytes = (value * unit.factor).rounded()
        // Past 2^62 the conversion to Int64 would trap; no real size is that large.
        return bytes >= 1 && bytes < 4.6e18 ? Int64(bytes) : nil
    }
}
