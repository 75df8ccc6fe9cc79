/// Response headers as the classifier reads them.
///
/// Names are folded to lowercase (HTTP/2 sends them so, HTTP/1.1 servers capitalise freely).
/// Every value is chosen by the server, so it is sanitized and cut to `inputLimit` scalars
/// before any parsing: a hostile header can neither smuggle control characters into the
/// result nor make the parser work on megabytes.
struct ResponseHeaders {
    /// The longest value parsed, in Unicode scalars. Real cache headers are far shorter.
    static let inputLimit = 8192
    /// The longest string the classification hands on (`cacheRaw`, `pop`), in characters.
    static let outputLimit = 200

    private let valuesByName: [String: [String]]

    init(_ headers: [HTTPHeader]) {
        var valuesByName: [String: [String]] = [:]
        for header in headers {
            let name = Self.trimmed(Substring(header.name)).lowercased()
            let bounded = String(String.UnicodeScalarView(header.value.unicodeScalars.prefix(Self.inputLimit)))
            valuesByName[name, default: []].append(Sanitizer.clean(bounded))
        }
        self.valuesByName = valuesByName
    }

    func contains(_ name: String) -> Bool {
        valuesByName[name] != nil
    }

    /// The last line of a header, trimmed: the nearest hop's value when a singleton repeats.
    func last(_ name: String) -> String? {
        valuesByName[name]?.last.map { String(Self.trimmed(Substring($0))) }
    }

    /// The elements of a comma-separated list header, across all its lines, in order.
    /// Commas inside quoted strings do not split (`"Netlify Edge"; detail="a,b"`).
    func list(_ name: String) -> [Substring] {
        (valuesByName[name] ?? []).flatMap { Self.split(Substring($0), on: ",") }
    }

    /// All lines of a header as one list value, as a proxy that merged them would send it.
    func joined(_ name: String) -> String? {
        let elements = list(name)
        return elements.isEmpty ? nil : elements.joined(separator: ", ")
    }

    /// Splits on `separator` outside double-quoted strings, trimming each part and dropping
    /// empty ones. A backslash inside quotes escapes the next character (RFC 9110 quoted-string).
    static func split(_ text: Substring, on separator: Character) -> [Substring] {
        var parts: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        var inQuotes = false
        var escaped = false
        while index < text.endIndex {
            let character = text[index]
            if escaped {
                escaped = false
            } else if inQuotes, character == "\\" {
                escaped = true
            } else if character == "\"" {
                inQuotes.toggle()
            } else if character == separator, !inQuotes {
                parts.append(text[start..<index])
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        parts.append(text[start...])
        return parts.map(trimmed).filter { !$0.isEmpty }
    }

    /// A quoted string's content without quotes and escapes; other text as it is.
    static func unquoted(_ text: Substring) -> String {
        guard text.count >= 2, text.first == "\"", text.last == "\"" else { return String(text) }
        var result = ""
        var escaped = false
        for character in text.dropFirst().dropLast() {
            if !escaped, character == "\\" {
                escaped = true
            } else {
                result.append(character)
                escaped = false
            }
        }
        return result
    }

    static func trimmed(_ text: Substring) -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isSpace($0) }),
              let last = text.lastIndex(where: { !isSpace($0) }) else { return "" }
        return text[first...last]
    }

    /// Text fit to leave the classifier: trimmed, non-empty, at most `outputLimit` characters.
    /// Values were sanitized on the way in.
    static func output<S: StringProtocol>(_ text: S) -> String? {
        let trimmed = Self.trimmed(Substring(text))
        return trimmed.isEmpty ? nil : String(trimmed.prefix(outputLimit))
    }
}
