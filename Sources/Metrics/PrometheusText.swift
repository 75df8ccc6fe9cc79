import CDNTopCore

/// Writes the Prometheus text exposition format (version 0.0.4): `# HELP` and `# TYPE` once per
/// family, then one sample per line. Small enough to write here rather than to take a metrics
/// library and its process-wide bootstrap for six families.
struct PrometheusText {
    private(set) var text = ""

    /// Starts a family.
    mutating func family(_ name: String, type: String, help: String) {
        text += "# HELP \(name) \(Self.escapedHelp(help))\n# TYPE \(name) \(type)\n"
    }

    /// One sample; `labels` as `labels(_:)` renders them, so a series' labels are escaped once,
    /// not at every scrape (sanitizing is most of a scrape's cost otherwise).
    mutating func sample(_ name: String, _ labels: String, _ value: Double) {
        text += name
        if !labels.isEmpty { text += "{" + labels + "}" }
        text += " " + Self.number(value) + "\n"
    }

    /// `name="value",…`, values escaped.
    static func labels(_ pairs: [(String, String)]) -> String {
        pairs.map { "\($0.0)=\"\(escapedLabel($0.1))\"" }.joined(separator: ",")
    }

    /// `labels` with more pairs after them.
    static func labels(_ labels: String, _ more: (String, String)...) -> String {
        labels + "," + Self.labels(more)
    }

    /// A label value as the format requires: backslash and double quote escaped. Values are
    /// sanitized first (they come from configs and servers), which removes line feeds and every
    /// other control character before they reach a scraper's parser or a terminal.
    static func escapedLabel(_ value: String) -> String {
        var out = ""
        for character in Sanitizer.clean(value) {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            default: out.append(character)
            }
        }
        return out
    }

    private static func escapedHelp(_ help: String) -> String {
        help.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Integers without a fraction (counters read better), `+Inf` as the format spells it.
    static func number(_ value: Double) -> String {
        if value == .infinity { return "+Inf" }
        if value == -.infinity { return "-Inf" }
        if value.isNaN { return "NaN" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
