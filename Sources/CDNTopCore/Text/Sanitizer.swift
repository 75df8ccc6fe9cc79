/// Makes server-controlled text safe to store, print and draw.
///
/// A header value can carry ESC sequences that retitle or clear a terminal, BEL, backspaces
/// that hide text, or bidi overrides that reorder it. Everything a server sends passes through
/// here before it reaches the database, stdout or the screen.
public enum Sanitizer {
    /// Removes C0 and C1 control characters, DEL, Unicode format characters (bidi marks and
    /// overrides, zero-width characters, BOM) and line/paragraph separators.
    /// Tabs become spaces so columns stay aligned.
    public static func clean(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\t" {
                result.append(" ")
            } else if !isUnsafe(scalar) {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// Cleans raw bytes: invalid UTF-8 becomes U+FFFD, then controls are removed.
    public static func clean(bytes: some Collection<UInt8>) -> String {
        clean(String(decoding: bytes, as: UTF8.self))
    }

    private static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}
