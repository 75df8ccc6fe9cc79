import CDNTopCore

/// The output formats of `cdntop probe --json` and `cdntop export`.
public enum ExportFormat: String, CaseIterable, Sendable {
    case jsonl
    case csv
}

/// Writes probes as JSON lines or CSV rows to a text sink (stdout, a file, a test string).
public struct ProbeWriter {
    public let format: ExportFormat

    public init(format: ExportFormat) {
        self.format = format
    }

    /// The CSV header row; nil for JSON lines, which name their fields on every line.
    public var header: String? {
        format == .csv ? ProbeRecord.fieldNames.joined(separator: ",") : nil
    }

    /// One probe as one line, without the trailing newline.
    public func line(for probe: ProbeResult) -> String {
        let values = ProbeRecord.values(of: probe)
        switch format {
        case .jsonl:
            let fields = zip(ProbeRecord.fieldNames, values).map { name, value in
                "\"\(name)\":\(Self.json(value))"
            }
            return "{" + fields.joined(separator: ",") + "}"
        case .csv:
            return values.map(Self.csv).joined(separator: ",")
        }
    }

    private static func json(_ value: ProbeRecord.Value) -> String {
        switch value {
        case .string(let text): jsonString(Sanitizer.clean(text))
        case .integer(let number): String(number)
        case .milliseconds(let microseconds): ProbeRecord.millisecondsText(microseconds)
        case .bool(let flag): flag ? "true" : "false"
        case .null: "null"
        }
    }

    private static func csv(_ value: ProbeRecord.Value) -> String {
        switch value {
        case .string(let stored):
            let text = Sanitizer.clean(stored)
            // Scalars, not Characters: "\r\n" is one Character equal to neither "\r" nor "\n".
            let needsQuotes = text.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            return needsQuotes ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        case .integer(let number): return String(number)
        case .milliseconds(let microseconds): return ProbeRecord.millisecondsText(microseconds)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return ""
        }
    }

    /// JSON string escaping; control characters are escaped too, in case one was stored by an
    /// older version before sanitizing.
    private static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
