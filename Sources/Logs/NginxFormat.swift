import CDNTopCore

/// nginx access logs, read through the server's own `log_format`: the string is compiled
/// once into a `LineTemplate`, so any field order works and only the variables cdntop knows
/// are read.
public struct NginxFormat: LogLineParser {
    /// nginx's predefined `combined` format.
    public static let combined = #"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent""#
    /// What cdntop assumes without `--log-format`: `combined` with `$upstream_cache_status`
    /// appended, the usual way to log a proxy_cache's verdict.
    public static let defaultFormat = combined + " $upstream_cache_status"

    let template: LineTemplate
    public let escaping: TextEscaping
    public var vocabulary: CacheVocabulary { .plain }
    public var defaultProvider: Provider { .nginx }
    public var summary: String { "nginx log_format '\(template.text)'" }

    /// Compiles a `log_format` as written in nginx.conf: the bare string, or its quoted
    /// pieces ('…' '…'), optionally after `escape=default|json|none`. "combined" names the
    /// predefined format.
    public init(logFormat: String = NginxFormat.defaultFormat) throws(LogFormatError) {
        var text = logFormat.trimmingWhitespace
        var escape = "default"
        if text.hasPrefix("escape=") {
            let word = text.prefix { $0 != " " }
            escape = String(word.dropFirst("escape=".count))
            guard ["default", "json", "none"].contains(escape) else {
                throw LogFormatError("--log-format: escape=\(escape) is not one of nginx's escape=default, escape=json, escape=none")
            }
            text = String(text.dropFirst(word.count)).trimmingWhitespace
        }
        if text == "combined" { text = Self.combined }
        text = try Self.joiningQuotedPieces(text)
        escaping = escape == "json" ? .json : escape == "none" ? .none : .backslashHex
        template = try LineTemplate(segments: try Self.segments(of: text), backslashEscapedQuotes: escape == "json",
                                    formatName: "--log-format '\(text)'")
    }

    public func parse(_ line: LogBytes, into record: inout LogRecord) -> LineProblem? {
        template.match(line, into: &record, read: TemplateFields.read)
    }

    /// nginx.conf writes long formats as several quoted strings; their contents are joined.
    private static func joiningQuotedPieces(_ text: String) throws(LogFormatError) -> String {
        guard let first = text.first, first == "'" || first == "\"" else { return text }
        var result = ""
        var quote: Character?
        var escaped = false
        for character in text {
            if let open = quote {
                if escaped { result.append(character); escaped = false }
                else if character == "\\" { escaped = true }
                else if character == open { quote = nil }
                else { result.append(character) }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character != " " && character != "\n" && character != "\t" && character != ";" {
                throw LogFormatError("--log-format: '\(character)' outside the quoted pieces of the format; pass the format's text, or its quoted pieces as in nginx.conf")
            }
        }
        guard quote == nil else { throw LogFormatError("--log-format: a quote is not closed") }
        return result
    }

    /// "$name" and "${name}" become fields; everything else is literal text.
    static func segments(of text: String) throws(LogFormatError) -> [LineTemplate.Segment] {
        var segments: [LineTemplate.Segment] = []
        var literal: [UInt8] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "$") else {
                literal.append(bytes[index])
                index += 1
                continue
            }
            var nameStart = index + 1
            var nameEnd = nameStart
            let braced = nameStart < bytes.count && bytes[nameStart] == UInt8(ascii: "{")
            if braced { nameStart += 1; nameEnd = nameStart }
            while nameEnd < bytes.count, isNameByte(bytes[nameEnd]) { nameEnd += 1 }
            guard nameEnd > nameStart, !braced || (nameEnd < bytes.count && bytes[nameEnd] == UInt8(ascii: "}")) else {
                throw LogFormatError("--log-format: '$' at byte \(index + 1) is not followed by a variable name")
            }
            let name = String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self)
            segments.append(.literal(literal))
            literal = []
            segments.append(.field(meaning(of: name), name: "$" + name))
            index = braced ? nameEnd + 1 : nameEnd
        }
        segments.append(.literal(literal))
        return segments
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
    }

    /// The variables cdntop reads (nginx's http core, proxy and upstream modules). `$request_time`
    /// is the TTFB figure: nginx logs no first-byte time of its own answer, and on a cache hit
    /// there is no upstream to time; for the small responses a cache serves it is within a
    /// write of the first byte.
    static func meaning(of variable: String) -> FieldMeaning {
        switch variable {
        case "time_local": .commonLogTime
        case "time_iso8601": .iso8601Time
        case "msec": .epochTime
        case "request": .request
        case "status": .status
        case "body_bytes_sent", "bytes_sent": .bytes
        case "upstream_cache_status": .cache
        case "sent_http_content_type", "upstream_http_content_type": .contentType
        case "host", "http_host", "server_name": .host
        case "uri", "request_uri", "document_uri": .path
        case "server_protocol": .protocolVersion
        case "request_time": .ttfbSeconds
        default: .ignored
        }
    }
}

extension String {
    var trimmingWhitespace: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
