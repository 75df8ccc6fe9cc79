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
