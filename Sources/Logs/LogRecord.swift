import CDNTopCore

/// A run of bytes inside the line being parsed. Parsers point into the reader's buffer instead
/// of copying: a line becomes a handful of (start, count) pairs and no `String` at all, which
/// is what lets ingest run at a million lines per second. Valid only while that line is.
public typealias LogBytes = UnsafeBufferPointer<UInt8>

extension UnsafeBufferPointer where Element == UInt8 {
    static var none: LogBytes { LogBytes(start: nil, count: 0) }

    /// "-" is how nginx, varnishncsa and Bunny write "no value".
    var isAbsent: Bool { isEmpty || (count == 1 && self[0] == UInt8(ascii: "-")) }

    /// The bytes in `range` of this buffer, as a buffer.
    func slice(_ range: Range<Int>) -> LogBytes {
        LogBytes(rebasing: self[range])
    }

    func firstIndex(of byte: UInt8, from start: Int) -> Int? {
        var index = start
        while index < count {
            if self[index] == byte { return index }
            index += 1
        }
        return nil
    }

    func hasPrefix(_ prefix: StaticString) -> Bool {
        guard count >= prefix.utf8CodeUnitCount else { return false }
        let bytes = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        for index in 0..<bytes.count where self[index] != bytes[index] { return false }
        return true
    }

    func equals(_ other: [UInt8]) -> Bool {
        count == other.count && elementsEqual(other)
    }
}

/// How a log format escapes bytes inside its values, so that the few values cdntop keeps as
/// text (paths, POPs, hosts) are decoded before they are cleaned and stored.
public enum TextEscaping: Sendable {
    /// nginx's default and varnishncsa: `\xHH` for `"`, `\`, control and non-ASCII bytes.
    case backslashHex
    /// JSON strings: `\"`, `\\`, `\n`, `\uXXXX` and friends.
    case json
    /// Bunny's pipe-separated lines: nothing is escaped.
    case none
}

/// The HTTP version of a request in cdntop's spelling ("1.0", "1.1", "2", "3").
public enum LoggedHTTPVersion: Int, CaseIterable, Sendable {
    case unknown, http10, http11, http2, http3

    /// The spelling `TrafficMinute.byHTTPVersion` keys use; nil for an unknown version.
    public var spelling: String? {
        switch self {
        case .unknown: nil
        case .http10: "1.0"
        case .http11: "1.1"
        case .http2: "2"
        case .http3: "3"
        }
    }

    /// Reads "HTTP/1.1", "HTTP/2.0", "HTTP/2", "HTTP/3", "h2", "h3" (any case).
    init(_ bytes: LogBytes) {
        var digits = bytes
        if bytes.count > 5, bytes[0] | 0x20 == UInt8(ascii: "h"), bytes[1] | 0x20 == UInt8(ascii: "t"),
           bytes[2] | 0x20 == UInt8(ascii: "t"), bytes[3] | 0x20 == UInt8(ascii: "p"), bytes[4] == UInt8(ascii: "/") {
            digits = bytes.slice(5..<bytes.count)
        } else if bytes.count == 2, bytes[0] | 0x20 == UInt8(ascii: "h") {
            digits = bytes.slice(1..<2)
        }
        guard let major = digits.first else { self = .unknown; return }
        let minor: UInt8? = digits.count >= 3 && digits[1] == UInt8(ascii: ".") ? digits[2] : nil
        switch (major, minor) {
        case (UInt8(ascii: "1"), UInt8(ascii: "0")): self = .http10
        case (UInt8(ascii: "1"), UInt8(ascii: "1")): self = .http11
        case (UInt8(ascii: "2"), _): self = .http2
        case (UInt8(ascii: "3"), _): self = .http3
        default: self = .unknown
        }
    }
}

/// What one log line says about one request, as far as cdntop keeps it: the parsers fill it,
/// the aggregator counts it. Client IPs, user agents, referers and query strings are never
/// copied into it; a field a format does not log stays empty (`LogBytes.none`, nil, 0).
public struct LogRecord {
    /// Seconds since 1970 UTC.
    public var seconds: Int64 = 0
    public var hasTime = false
    /// The HTTP status, 0 when the log had none that reads as one.
    public var status = 0
    public var bytes: Int64 = 0
    /// The cache word as the provider spells it ("HIT", "hit", "HIT-STALE").
    public var cache = LogBytes.none
    public var contentType = LogBytes.none
    /// The request path; it may still carry a query string, which the aggregator cuts off.
    public var path = LogBytes.none
    public var host = LogBytes.none
    public var pop = LogBytes.none
    public var version = LoggedHTTPVersion.unknown
    /// Time to first byte in milliseconds, NaN when the line has none.
    public var ttfbMilliseconds = Double.nan

    public init() {}

    mutating func reset() {
        self = LogRecord()
    }
}

/// Why one line could not be read: what the format expected where, and what was there.
/// Made only for lines that fail, so it may cost a few allocations.
public struct LineProblem: Error, Sendable, Equatable {
    /// What the format expected, in its own terms ("the text '] \"' after $time_local").
    public var expected: String
    /// The byte offset in the line where it was expected.
    public var position: Int

    public init(expected: String, position: Int) {
        self.expected = expected
        self.position = position
    }
}

/// One log format, compiled: reads lines into records.
public protocol LogLineParser: Sendable {
    /// Fills `record` (already reset) from `line`; nil when the line was read, else why not.
    func parse(_ line: LogBytes, into record: inout LogRecord) -> LineProblem?
    /// How values are escaped in this format.
    var escaping: TextEscaping { get }
    /// How this format's cache words map to cdntop's vocabulary.
    var vocabulary: CacheVocabulary { get }
    /// The provider whose logs these are, unless `--provider` says otherwise.
    var defaultProvider: Provider { get }
    /// The format in words, for messages: "nginx log_format 'combined $upstream_cache_status'".
    var summary: String { get }
}
