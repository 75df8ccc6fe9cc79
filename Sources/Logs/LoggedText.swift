import CDNTopCore

/// The few values cdntop keeps as text (paths, POPs, hosts): escapes of the log format
/// decoded, then cleaned by `Sanitizer`, so no escape sequence or control character from a
/// log reaches the database or a terminal.
enum LoggedText {
    static func string(_ bytes: LogBytes, escaping: TextEscaping) -> String {
        if isPlain(bytes) { return String(decoding: bytes, as: UTF8.self) }
        switch escaping {
        case .none: return Sanitizer.clean(bytes: bytes)
        case .backslashHex: return Sanitizer.clean(bytes: decodeHex(bytes))
        case .json: return Sanitizer.clean(bytes: decodeJSON(bytes))
        }
    }

    /// Where the query or fragment of escaped `path` begins: the byte at which a `?` or `#`
    /// of the decoded text starts, written plainly or as an escape.
    static func queryStart(in path: LogBytes, escaping: TextEscaping) -> Int? {
        func isQueryStart(_ byte: UInt32) -> Bool { byte == 0x3F || byte == 0x23 }
        var index = 0
        while index < path.count {
            let byte = path[index]
            if isQueryStart(UInt32(byte)) { return index }
            guard byte == UInt8(ascii: "\\"), escaping != .none, index + 1 < path.count else {
                index += 1
                continue
            }
            let (value, length) = escaping == .json ? jsonEscape(in: path, at: index) : hexEscape(in: path, at: index)
            if let value, isQueryStart(value) { return index }
            index += length
        }
        return nil
    }

    /// The value of the `\xHH` at `index` (nil when it is no such escape) and its length.
    private static func hexEscape(in bytes: LogBytes, at index: Int) -> (UInt32?, Int) {
        guard index + 3 < bytes.count, bytes[index + 1] == UInt8(ascii: "x"),
              let high = hexValue(bytes[index + 2]), let low = hexValue(bytes[index + 3]) else { return (nil, 1) }
        return (UInt32(high << 4 | low), 4)
    }

    /// The code unit of the JSON escape at `index` (nil for a short `\u`) and its length.
    private static func jsonEscape(in bytes: LogBytes, at index: Int) -> (UInt32?, Int) {
        guard bytes[index + 1] == UInt8(ascii: "u") else { return (UInt32(bytes[index + 1]), 2) }
        var value: UInt32 = 0
        var end = index + 2
        while end < index + 6, end < bytes.count, let digit = hexValue(bytes[end]) {
            value = value << 4 | UInt32(digit)
            end += 1
        }
        return (end == index + 6 ? value : nil, end - index)
    }

    /// Printable ASCII without backslashes: nothing to decode or clean (most paths).
    private static func isPlain(_ bytes: LogBytes) -> Bool {
        for byte in bytes where byte < 0x21 || byte > 0x7E || byte == UInt8(ascii: "\\") { return false }
        return true
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// nginx and varnishncsa write `"`, `\` and bytes outside printable ASCII as `\xHH`.
    static func decodeHex(_ bytes: LogBytes) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\"), index + 3 < bytes.count, bytes[index + 1] == UInt8(ascii: "x"),
               let high = hexValue(bytes[index + 2]), let low = hexValue(bytes[index + 3]) {
                result.append(high << 4 | low)
                index += 4
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return result
    }

    /// JSON string escapes; `\uXXXX` (and surrogate pairs) become UTF-8.
    static func decodeJSON(_ bytes: LogBytes) -> [UInt8] {
        var scalars = String.UnicodeScalarView()
        var pendingHigh: UInt32?
        var index = 0
        var plain: [UInt8] = []
        func flushPlain() {
            if !plain.isEmpty { scalars.append(contentsOf: String(decoding: plain, as: UTF8.self).unicodeScalars); plain = [] }
        }
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < bytes.count else {
                plain.append(byte)
                index += 1
                continue
            }
            flushPlain()
            let code = bytes[index + 1]
            index += 2
            switch code {
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "b"): scalars.append("\u{8}")
            case UInt8(ascii: "f"): scalars.append("\u{C}")
            case UInt8(ascii: "u"):
                var value: UInt32 = 0
                var digits = 0
                while digits < 4, index < bytes.count, let digit = hexValue(bytes[index]) {
                    value = value << 4 | UInt32(digit)
                    digits += 1
                    index += 1
                }
                if (0xD800..<0xDC00).contains(value) {
                    pendingHigh = value
                    continue
                }
                if let high = pendingHigh, (0xDC00..<0xE000).contains(value) {
                    value = 0x10000 + ((high - 0xD800) << 10) + (value - 0xDC00)
                }
                pendingHigh = nil
                scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            default: scalars.append(Unicode.Scalar(code))
            }
        }
        flushPlain()
        return Array(String(scalars).utf8)
    }
}
