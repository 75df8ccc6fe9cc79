/// Makes untrusted text safe to store, print and draw.
///
/// A header value, a config string or a log line can carry terminal escape sequences that
/// retitle or clear a terminal, BEL, backspaces that hide text, or bidi overrides that reorder
/// it. Everything a server, a config file or a log sends passes through here before it reaches
/// the database, an export, a report, the screen or a log.
///
/// Escape sequences are removed whole, with their parameters and terminators, not only their
/// ESC byte: dropping the ESC of `ESC ] 0;title BEL` alone would leave `]0;title` behind.
/// Recognised, in their 7-bit (`ESC x`) and C1 forms:
/// - CSI (`ESC [`, 0x9B): parameter and intermediate bytes up to a final byte 0x40–0x7E;
/// - OSC (`ESC ]`, 0x9D): up to BEL or ST (`ESC \`, 0x9C);
/// - DCS, SOS, PM, APC (`ESC P`, `ESC X`, `ESC ^`, `ESC _`; 0x90, 0x98, 0x9E, 0x9F): up to ST;
/// - every other escape: `ESC`, intermediate bytes 0x20–0x2F, one final byte 0x30–0x7E.
///
/// A sequence that never ends is removed to the end of the text. A CSI interrupted by a
/// character that cannot be part of it ends there, and that character is judged on its own.
public enum Sanitizer {
    /// `text` without escape sequences, C0 and C1 control characters, DEL, Unicode format
    /// characters (bidi marks, embeddings, overrides and isolates, zero-width characters,
    /// BOM) and line/paragraph separators. Tabs become spaces so columns stay aligned.
    public static func clean(_ text: String) -> String {
        clean(scalars: text.unicodeScalars)
    }

    /// Cleans raw bytes: invalid UTF-8 becomes U+FFFD, except that a lone byte 0x80–0x9F is
    /// read as the C1 control it is on an 8-bit terminal, so `0x9B 3 1 m` goes as one CSI.
    public static func clean(bytes: some Collection<UInt8>) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        // Only invalid UTF-8 that may hold a lone C1 byte needs the slower decoding below.
        guard text.unicodeScalars.contains("\u{FFFD}"), bytes.contains(where: { (0x80...0x9F).contains($0) }) else {
            return clean(scalars: text.unicodeScalars)
        }
        return clean(scalars: decoded(Array(bytes)))
    }

    /// Whether `text` holds anything `clean` would remove: config values with such
    /// characters are refused rather than silently changed.
    public static func isClean(_ text: String) -> Bool {
        !text.unicodeScalars.contains { isUnsafe($0) || $0 == "\t" }
    }

    /// Concrete, not generic: cheap in debug builds too, where the fuzz tests push millions of
    /// inputs through it.
    private static func clean(scalars: String.UnicodeScalarView) -> String {
        var result = String.UnicodeScalarView()
        var state = State.text
        for scalar in scalars {
            state = step(state, scalar, into: &result)
        }
        return String(result)
    }

    // MARK: The state machine

    /// Where the scanner is: in plain text or inside a sequence being skipped.
    private enum State {
        case text
        /// After ESC: the next scalar says which sequence this is.
        case escape
        /// After ESC and intermediate bytes: waiting for the final byte.
        case escapeIntermediate
        /// Inside a CSI, before its final byte.
        case controlSequence
        /// Inside an OSC (ends with BEL or ST) or a DCS/SOS/PM/APC string (ends with ST).
        case string(endsWithBEL: Bool)
        /// After an ESC inside a string: `\` completes ST, anything else starts a new escape.
        case stringEscape
    }

    private static func step(_ state: State, _ scalar: Unicode.Scalar,
                             into result: inout String.UnicodeScalarView) -> State {
        let value = scalar.value
        switch state {
        case .text:
            return text(scalar, into: &result)
        case .escape:
            switch value {
            case 0x5B: return .controlSequence                       // [
            case 0x5D: return .string(endsWithBEL: true)             // ]
            case 0x50, 0x58, 0x5E, 0x5F: return .string(endsWithBEL: false) // P X ^ _
            case 0x20...0x2F: return .escapeIntermediate
            case 0x30...0x7E: return .text
            default: return text(scalar, into: &result)
            }
        case .escapeIntermediate:
            switch value {
            case 0x20...0x2F: return .escapeIntermediate
            case 0x30...0x7E: return .text
            default: return text(scalar, into: &result)
            }
        case .controlSequence:
            switch value {
            case 0x20...0x3F: return .controlSequence
            case 0x40...0x7E: return .text
            default: return text(scalar, into: &result)
            }
        case .string(let endsWithBEL):
            switch value {
            case 0x1B: return .stringEscape
            case 0x9C: return .text
            case 0x07 where endsWithBEL: return .text
            default: return state
            }
        case .stringEscape:
            return value == 0x5C ? .text : step(.escape, scalar, into: &result)
        }
    }

    /// A scalar in plain text: kept, turned into a space, dropped, or the start of a sequence.
    private static func text(_ scalar: Unicode.Scalar, into result: inout String.UnicodeScalarView) -> State {
        switch scalar.value {
        case 0x1B: return .escape
        case 0x9B: return .controlSequence
        case 0x9D: return .string(endsWithBEL: true)
        case 0x90, 0x98, 0x9E, 0x9F: return .string(endsWithBEL: false)
        case 0x09:
            result.append(" ")
        case 0x20..<0x7F:
            result.append(scalar)
        default:
            if !isUnsafe(scalar) { result.append(scalar) }
        }
        return .text
    }

    private static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }

    // MARK: Bytes

    /// UTF-8 decoding that keeps lone C1 bytes as C1 scalars (see `clean(bytes:)`).
    private static func decoded(_ bytes: [UInt8]) -> String.UnicodeScalarView {
        var scalars = String.UnicodeScalarView()
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var position = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                scalars.append(Unicode.UTF8.decode(encoded))
                position += encoded.count
            case .error(let length):
                let first = bytes[position]
                scalars.append(length == 1 && (0x80...0x9F).contains(first) ? Unicode.Scalar(first) : "\u{FFFD}")
                position += length
            case .emptyInput:
                return scalars
            }
        }
    }
}
