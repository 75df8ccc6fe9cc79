import CDNTopCore

/// Gathers the header lines libcurl hands over, one response at a time.
///
/// curl delivers the headers of every response it reads, interim ones (`100 Continue`)
/// included; a status line starts a new block, so only the last response's headers remain.
/// Limits keep a hostile server from growing memory: at most `maxHeaders` lines of at most
/// `maxValueLength` characters, each sanitized before it is kept.
struct ResponseHeaderCollector {
    static let maxHeaders = 256
    static let maxValueLength = 4096

    private(set) var headers: [HTTPHeader] = []

    mutating func reset() {
        headers.removeAll(keepingCapacity: true)
    }

    mutating func consume(line bytes: UnsafeBufferPointer<UInt8>) {
        if bytes.starts(with: Array("HTTP/".utf8)) {
            reset()
            return
        }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), headers.count < Self.maxHeaders else {
            return
        }
        let name = Sanitizer.clean(bytes: bytes[..<colon]).trimmingSpaces
        let value = Sanitizer.clean(bytes: bytes[(colon + 1)...]).trimmingSpaces
        guard !name.isEmpty else { return }
        headers.append(HTTPHeader(name: name, value: String(value.prefix(Self.maxValueLength))))
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
