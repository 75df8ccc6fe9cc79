import CDNTopCore

/// varnishncsa logs, read through its `-F` format string, compiled once into a `LineTemplate`.
public struct VarnishncsaFormat: LogLineParser {
    /// varnishncsa's own default format (its manual, "FORMAT").
    public static let varnishDefault = #"%h %l %u %t "%r" %s %b "%{Referer}i" "%{User-agent}i""#
    /// What cdntop assumes without `--log-format`: the default plus the cache verdict.
    public static let defaultFormat = varnishDefault + " %{Varnish:hitmiss}x"

    let template: LineTemplate
    public var escaping: TextEscaping { .backslashHex }
    public var vocabulary: CacheVocabulary { .varnish }
    public var defaultProvider: Provider { .varnish }
    public var summary: String { "varnishncsa -F '\(template.text)'" }

    public init(format: String = VarnishncsaFormat.defaultFormat) throws(LogFormatError) {
        let text = format.trimmingWhitespace
        var segments = try Self.segments(of: text)
        // A format with its own first-byte time keeps it as the TTFB; %D then is only the
        // total time, and ignored.
        let hasFirstByte = segments.contains { if case .field(.ttfbSeconds, _) = $0 { true } else { false } }
        if hasFirstByte {
            segments = segments.map { segment in
                if case .field(.ttfbMicroseconds, let name) = segment { return .field(.ignored, name: name) }
                return segment
            }
        }
        template = try LineTemplate(segments: segments, backslashEscapedQuotes: false, formatName: "--log-format '\(text)'")
    }

    public func parse(_ line: LogBytes, into record: inout LogRecord) -> LineProblem? {
        template.match(line, into: &record, read: TemplateFields.read)
    }

    /// "%x" and "%{arg}x" become fields; "%%" is a percent sign, "\t" and "\n" as varnishncsa
    /// reads them.
    static func segments(of text: String) throws(LogFormatError) -> [LineTemplate.Segment] {
        var segments: [LineTemplate.Segment] = []
        var literal: [UInt8] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "t") {
                literal.append(UInt8(ascii: "\t"))
                index += 2
                continue
            }
            guard byte == UInt8(ascii: "%") else {
                literal.append(byte)
                index += 1
                continue
            }
            guard index + 1 < bytes.count else { throw LogFormatError("--log-format: the format ends with a lone '%'") }
            if bytes[index + 1] == UInt8(ascii: "%") {
                literal.append(byte)
                index += 2
                continue
            }
            var argument: String?
            var codeIndex = index + 1
            if bytes[codeIndex] == UInt8(ascii: "{") {
                guard let close = bytes[codeIndex...].firstIndex(of: UInt8(ascii: "}")), close + 1 < bytes.count else {
                    throw LogFormatError("--log-format: '%{' at byte \(index + 1) is not closed by '}' and a letter")
                }
                argument = String(decoding: bytes[(codeIndex + 1)..<close], as: UTF8.self)
                codeIndex = close + 1
            }
            let code = Character(UnicodeScalar(bytes[codeIndex]))
            let name = String(decoding: bytes[index...codeIndex], as: UTF8.self)
            segments.append(.literal(literal))
            literal = []
            segments.append(.field(try meaning(code: code, argument: argument, name: name), name: name))
            index = codeIndex + 1
        }
        segments.append(.literal(literal))
        return segments
    }

    /// The codes cdntop reads, from varnishncsa's manual.
    static func meaning(code: Character, argument: String?, name: String) throws(LogFormatError) -> FieldMeaning {
        switch (code, argument?.lowercased()) {
        case ("t", nil): return .commonLogTime
        case ("t", _):
            throw LogFormatError("--log-format: \(name): cdntop reads %t in varnishncsa's default time layout only; use %t")
        case ("r", nil): return .request
        case ("s", nil): return .status
        case ("b", nil): return .bytes
        case ("H", nil): return .protocolVersion
        case ("U", nil): return .path
        case ("D", nil): return .ttfbMicroseconds
        case ("i", "host"): return .host
        case ("o", "content-type"): return .contentType
        case ("x", "varnish:hitmiss"), ("x", "varnish:handling"): return .cache
        case ("x", "varnish:time_firstbyte"): return .ttfbSeconds
        case ("h", nil), ("l", nil), ("u", nil), ("q", nil), ("m", nil), ("I", nil), ("O", nil), ("T", nil),
             ("i", _), ("o", _), ("x", _):
            return .ignored
        default:
            throw LogFormatError("--log-format: \(name) is not a varnishncsa format code cdntop knows")
        }
    }
}
