import CDNTopCore
import Foundation

/// One key of a JSON-lines log format: the name cdntop documents it by, the key it is read
/// from (changed with `--map name=key`), and what it holds.
public struct JSONField: Sendable {
    public let name: String
    public internal(set) var key: String
    let meaning: JSONMeaning
}

enum JSONMeaning: Sendable {
    /// RFC 3339 text, or a Unix timestamp in s, ms, µs or ns.
    case time
    case status, bytes, cache, contentType, host, path, pop, protocolVersion
    case ttfbMilliseconds, ttfbSeconds
}

/// A log of one flat JSON object per line (Cloudflare Logpush, the Fastly format cdntop
/// documents, anything Vector re-ships). The object is scanned once, byte by byte: each key
/// is compared against the few wanted ones and every other value is skipped unread, nested
/// objects included. No JSON tree is built.
public struct JSONLineFormat: LogLineParser {
    public let formatName: String
    public private(set) var fields: [JSONField]
    public let vocabulary: CacheVocabulary
    public let defaultProvider: Provider
    public var escaping: TextEscaping { .json }
    public var summary: String { "\(formatName) JSON lines (keys \(fields.map(\.key).joined(separator: ", ")))" }
    private var keys: [[UInt8]]

    init(formatName: String, fields: [JSONField], vocabulary: CacheVocabulary, provider: Provider) {
        self.formatName = formatName
        self.fields = fields
        self.vocabulary = vocabulary
        self.defaultProvider = provider
        keys = fields.map { Array($0.key.utf8) }
    }

    /// Reads `name` from `key` instead (`--map name=key`).
    public mutating func map(_ name: String, to key: String) throws(LogFormatError) {
        guard let index = fields.firstIndex(where: { $0.name == name }) else {
            throw LogFormatError("--map \(name)=\(key): \(formatName) has no field \(name); its fields are \(fields.map(\.name).joined(separator: ", "))")
        }
        guard !key.isEmpty else { throw LogFormatError("--map \(name)=: the JSON key is empty") }
        fields[index].key = key
        keys[index] = Array(key.utf8)
    }

    public func parse(_ line: LogBytes, into record: inout LogRecord) -> LineProblem? {
        var scanner = FlatJSONScanner(line)
        var sawTime = false
        let problem = scanner.scanObject { key, value, isString in
            guard let index = keys.firstIndex(where: { key.equals($0) }) else { return true }
            let meaning = fields[index].meaning
            if meaning == .time { sawTime = true }
            return Self.read(meaning, value, isString: isString, into: &record)
        }
        if let problem { return problem }
        guard sawTime else {
            let timeKey = fields.first { $0.meaning == .time }?.key ?? "time"
            return LineProblem(expected: "the key \"\(timeKey)\"", position: 0)
        }
        return nil
    }

    private static func read(_ meaning: JSONMeaning, _ value: LogBytes, isString: Bool,
                             into record: inout LogRecord) -> Bool {
        switch meaning {
        case .time:
            guard let seconds = isString ? FieldReading.iso8601Time(value) ?? FieldReading.epochTime(value)
                                         : FieldReading.epochTime(value) else { return false }
            record.seconds = seconds
            record.hasTime = true
        case .status:
            record.status = FieldReading.integer(value).map { $0 < 1000 ? Int($0) : 0 } ?? 0
        case .bytes:
            record.bytes = FieldReading.integer(value) ?? 0
        case .cache:
            record.cache = value
        case .contentType:
            record.contentType = value
        case .host:
            record.host = value
        case .path:
            FieldReading.absoluteTarget(value, into: &record)
        case .pop:
            record.pop = value
        case .protocolVersion:
            record.version = LoggedHTTPVersion(value)
        case .ttfbMilliseconds:
            if let milliseconds = FieldReading.decimal(value) { record.ttfbMilliseconds = milliseconds }
        case .ttfbSeconds:
            if let seconds = FieldReading.decimal(value) { record.ttfbMilliseconds = seconds * 1000 }
        }
        return true
    }

    // MARK: The formats

    /// Cloudflare Logpush, dataset `http_requests`, with the field names of its documentation.
    public static var cloudflare: JSONLineFormat {
        JSONLineFormat(formatName: "cloudflare", fields: [
            JSONField(name: "EdgeStartTimestamp", key: "EdgeStartTimestamp", meaning: .time),
            JSONField(name: "CacheCacheStatus", key: "CacheCacheStatus", meaning: .cache),
            JSONField(name: "EdgeColoCode", key: "EdgeColoCode", meaning: .pop),
            JSONField(name: "ClientRequestProtocol", key: "ClientRequestProtocol", meaning: .protocolVersion),
            JSONField(name: "ClientRequestHost", key: "ClientRequestHost", meaning: .host),
            JSONField(name: "ClientRequestPath", key: "ClientRequestPath", meaning: .path),
            JSONField(name: "EdgeResponseContentType", key: "EdgeResponseContentType", meaning: .contentType),
            JSONField(name: "EdgeResponseStatus", key: "EdgeResponseStatus", meaning: .status),
            JSONField(name: "EdgeResponseBytes", key: "EdgeResponseBytes", meaning: .bytes),
            JSONField(name: "EdgeTimeToFirstByteMs", key: "EdgeTimeToFirstByteMs", meaning: .ttfbMilliseconds),
        ], vocabulary: .cloudflare, provider: .cloudflare)
    }

    /// The JSON lines the README's Fastly logging format writes (one key per VCL variable).
    public static var fastly: JSONLineFormat {
        JSONLineFormat(formatName: "fastly", fields: [
            JSONField(name: "time", key: "time", meaning: .time),                 // time.start
            JSONField(name: "cache", key: "cache", meaning: .cache),              // fastly_info.state
            JSONField(name: "pop", key: "pop", meaning: .pop),                    // server.datacenter
            JSONField(name: "protocol", key: "protocol", meaning: .protocolVersion), // req.proto
            JSONField(name: "host", key: "host", meaning: .host),                 // req.http.host
            JSONField(name: "path", key: "path", meaning: .path),                 // req.url.path
            JSONField(name: "content_type", key: "content_type", meaning: .contentType), // resp.http.Content-Type
            JSONField(name: "status", key: "status", meaning: .status),           // resp.status
            JSONField(name: "bytes", key: "bytes", meaning: .bytes),              // resp.body_bytes_written
            JSONField(name: "ttfb", key: "ttfb", meaning: .ttfbSeconds),          // time.to_first_byte
        ], vocabulary: .fastly, provider: .fastly)
    }

    /// The logging format to paste into Fastly (Logging endpoint → Log format) so that its
    /// lines read as `--format fastly`. Strings go through `json.escape`.
    public static let fastlyLogFormat = #"""
        {"time":"%{strftime(\{"%Y-%m-%dT%H:%M:%SZ"\}, time.start)}V","cache":"%{json.escape(fastly_info.state)}V","pop":"%{json.escape(server.datacenter)}V","protocol":"%{json.escape(req.proto)}V","host":"%{json.escape(req.http.host)}V","path":"%{json.escape(req.url.path)}V","content_type":"%{json.escape(resp.http.Content-Type)}V","status":%{resp.status}V,"bytes":%{resp.body_bytes_written}V,"ttfb":%{time.to_first_byte}V}
        """#
}

/// Walks one flat JSON object, handing each key and its scalar value to a visitor. Strings
/// are given without their quotes and still escaped (the aggregator decodes the few it keeps);
/// nested objects and arrays are skipped.
struct FlatJSONScanner {
    private let bytes: LogBytes
    private var position = 0

    init(_ bytes: LogBytes) {
        self.bytes = bytes
    }

    /// `visit(key, value, isString)` returns false when the value is unusable for its key.
    mutating func scanObject(_ visit: (LogBytes, LogBytes, Bool) -> Bool) -> LineProblem? {
        skipSpaces()
        guard consume(UInt8(ascii: "{")) else { return LineProblem(expected: "a JSON object ('{')", position: position) }
        skipSpaces()
        if consume(UInt8(ascii: "}")) { return trailing() }
        while true {
            skipSpaces()
            let keyStart = position
            guard let key = string() else { return LineProblem(expected: "a quoted JSON key", position: keyStart) }
            skipSpaces()
            guard consume(UInt8(ascii: ":")) else { return LineProblem(expected: "':' after a JSON key", position: position) }
            skipSpaces()
            let valueStart = position
            guard position < bytes.count else { return LineProblem(expected: "a JSON value", position: position) }
            let keyText = key
            switch bytes[position] {
            case UInt8(ascii: "\""):
                guard let value = string() else { return LineProblem(expected: "a closed JSON string", position: valueStart) }
                if !visit(keyText, value, true) {
                    return LineProblem(expected: "a usable value for \"\(String(decoding: keyText, as: UTF8.self))\"", position: valueStart)
                }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard skipNested() else { return LineProblem(expected: "a closed JSON object or array", position: valueStart) }
            default:
                while position < bytes.count, !Self.endsScalar(bytes[position]) { position += 1 }
                let value = bytes.slice(valueStart..<position)
                guard !value.isEmpty else { return LineProblem(expected: "a JSON value", position: valueStart) }
                let isNull = value.count == 4 && value.hasPrefix("null")
                if !isNull, !visit(keyText, value, false) {
                    return LineProblem(expected: "a usable value for \"\(String(decoding: keyText, as: UTF8.self))\"", position: valueStart)
                }
            }
            skipSpaces()
            if consume(UInt8(ascii: ",")) { continue }
            if consume(UInt8(ascii: "}")) { return trailing() }
            return LineProblem(expected: "',' or '}' after a JSON value", position: position)
        }
    }

    private mutating func trailing() -> LineProblem? {
        skipSpaces()
        return position == bytes.count ? nil : LineProblem(expected: "the end of the line after the JSON object", position: position)
    }

    private static func endsScalar(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
            || byte == UInt8(ascii: "\r")
    }

    private mutating func skipSpaces() {
        while position < bytes.count, bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "\t")
                || bytes[position] == UInt8(ascii: "\r") { position += 1 }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    /// A string's contents, escapes untouched; nil when it is not a closed string.
    private mutating func string() -> LogBytes? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = position
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\\"): position += 2
            case UInt8(ascii: "\""):
                defer { position += 1 }
                return bytes.slice(start..<position)
            default: position += 1
            }
        }
        return nil
    }

    private mutating func skipNested() -> Bool {
        var depth = 0
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\""):
                guard string() != nil else { return false }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { position += 1; return true }
            default: break
            }
            position += 1
        }
        return false
    }
}
