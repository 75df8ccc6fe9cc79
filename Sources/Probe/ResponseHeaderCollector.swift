import CDNTopCore

/// Gathers the header lines libcurl hands over, one response at a time, and the trailers
/// that follow a chunked body.
///
/// curl delivers the headers of every response it reads, interim ones (`100 Continue`)
/// included; a status line starts a new block, so only the last response's headers remain.
/// Once the final response's header block has ended (its blank line), every further line curl
/// passes on is a chunked trailer: trailers arrive after the body, a server can put anything
/// in them, and they are kept apart so a trailing `Server: cloudflare` or a line starting
/// `HTTP/` cannot change the provider or wipe the real headers.
///
/// The callback only copies bytes (and reads the name's ASCII for the cap): decoding and sanitizing wait until `headers` is read, after
/// the transfer. curl's clock runs while its callbacks do (it stamps time_starttransfer at the
/// first byte received and the total when the transfer ends), so work done here would be
/// counted as the server's transfer time: measured at about 0.25 ms per probe in a fresh
/// process (first calls into the Unicode tables and the runtime's metadata), against 0.06 ms
/// for curl itself on the same response. In a concurrent round the decoding still runs on the
/// thread that drives every transfer, once per finished probe, after its clock has stopped;
/// transfers still in flight only wait for it between two of their own events.
///
/// Limits keep a hostile server from growing memory: at most `maxHeaders` lines of at most
/// `maxLineBytes` bytes, and values of at most `maxValueLength` characters once decoded. The
/// headers classification reads (`Classifier.headerNames`) and `Location` do not count against the cap and
/// are kept up to `maxLinesPerClassifiedName` lines each, so a flood of other headers cannot
/// hide `X-Cache`. Trailers have a cap of their own, `maxTrailers`. libcurl itself refuses a
/// response whose header block passes 300 KB, so that is the most one transfer holds here (a
/// test keeps that assumption honest).
struct ResponseHeaderCollector {
    static let maxHeaders = 256
    static let maxLinesPerClassifiedName = 16
    static let maxTrailers = 64
    static let maxValueLength = 4096
    /// Room for a value of `maxValueLength` characters of up to four UTF-8 bytes each and a
    /// generous name; a longer line is cut here and its value again once decoded.
    static let maxLineBytes = 4 * maxValueLength + 1024
    private static let statusLinePrefix = Array("HTTP/".utf8)
    /// What classification reads, and the `Location` a redirect is followed by.
    private static let keptBeyondCap = Classifier.headerNames.union(["location"])

    /// Raw `name: value` lines of the current response, as curl delivered them.
    private var lines: [[UInt8]] = []
    /// How many of `lines` count against `maxHeaders` (the unclassified ones).
    private var cappedLines = 0
    /// Lines kept per classified header name, lowercase.
    private var classifiedLines: [String: Int] = [:]
    private var trailerLines: [[UInt8]] = []
    /// The status of the block being read, from its status line.
    private var blockStatus: Int?
    /// Set once the final (non-1xx) response's header block has ended: lines after it are trailers.
    private(set) var headersComplete = false

    mutating func reset() {
        lines.removeAll(keepingCapacity: true)
        trailerLines.removeAll(keepingCapacity: true)
        classifiedLines.removeAll(keepingCapacity: true)
        cappedLines = 0
        blockStatus = nil
        headersComplete = false
    }

    mutating func consume(line bytes: UnsafeBufferPointer<UInt8>) {
        if headersComplete {
            if trailerLines.count < Self.maxTrailers, bytes.contains(UInt8(ascii: ":")) {
                trailerLines.append(Array(bytes.prefix(Self.maxLineBytes)))
            }
            return
        }
        if bytes.starts(with: Self.statusLinePrefix) {
            reset()
            blockStatus = Self.status(ofStatusLine: bytes)
            return
        }
        if bytes.allSatisfy({ $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }) {
            // The blank line ending a block: an interim 1xx response is followed by another.
            if let status = blockStatus, !(100...199).contains(status) { headersComplete = true }
            return
        }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = Self.lowercasedName(bytes[..<colon])
        if Self.keptBeyondCap.contains(name) {
            guard classifiedLines[name, default: 0] < Self.maxLinesPerClassifiedName else { return }
            classifiedLines[name, default: 0] += 1
        } else {
            guard cappedLines < Self.maxHeaders else { return }
            cappedLines += 1
        }
        lines.append(Array(bytes.prefix(Self.maxLineBytes)))
    }

    /// The current response's headers, decoded and sanitized.
    var headers: [HTTPHeader] {
        lines.compactMap(Self.header(from:))
    }

    /// The chunked trailers that followed the current response's body, decoded and sanitized.
    var trailers: [HTTPHeader] {
        trailerLines.compactMap(Self.header(from:))
    }

    private static func header(from bytes: [UInt8]) -> HTTPHeader? {
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let name = Sanitizer.clean(bytes: bytes[..<colon]).trimmingSpaces
        let value = Sanitizer.clean(bytes: bytes[(colon + 1)...]).trimmingSpaces
        guard !name.isEmpty else { return nil }
        return HTTPHeader(name: name, value: String(value.prefix(maxValueLength)))
    }

    /// `HTTP/1.1 200 OK` → 200; HTTP/2's `HTTP/2 200` too.
    private static func status(ofStatusLine bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let space = bytes.firstIndex(of: UInt8(ascii: " ")) else { return nil }
        let digits = bytes[(space + 1)...].prefix(3)
        guard digits.count == 3, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    /// A header name for the cap's bookkeeping: ASCII-lowercased, spaces trimmed, no decoding
    /// (names that matter are ASCII), at most 64 bytes.
    private static func lowercasedName(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> String {
        let trimmed = bytes.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed()
        guard trimmed.count <= 64 else { return "" }
        return String(decoding: trimmed.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}

extension String {
    /// Line endings are already gone (the sanitizer drops CR and LF); this trims the spaces
    /// around header names and values.
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " }),
              let last = scalars.lastIndex(where: { $0 != " " }) else { return "" }
        return String(scalars[first...last])
    }
}
