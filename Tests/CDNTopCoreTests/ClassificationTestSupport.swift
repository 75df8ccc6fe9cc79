import CDNTopCore
import Testing

/// A response's headers written as they appear in `curl -sI` output, one "Name: value" per
/// line, so the samples in the tests read like the captures they come from.
func responseHeaders(_ lines: String...) -> [HTTPHeader] {
    lines.map { line in
        guard let colon = line.firstIndex(of: ":") else { return HTTPHeader(name: line, value: "") }
        let value = line[line.index(after: colon)...].drop { $0 == " " }
        return HTTPHeader(name: String(line[..<colon]), value: String(value))
    }
}

/// One captured response and what the classifier must read from it.
struct ClassificationSample: Sendable, CustomTestStringConvertible {
    var name: String
    var headers: [HTTPHeader]
    var expected: Classification
    var configuredProvider: Provider? = nil

    var testDescription: String { name }
}

extension String {
    /// True when the text carries no control or bidi-override scalar, the things `Sanitizer`
    /// removes.
    var isFreeOfControlCharacters: Bool {
        !unicodeScalars.contains { scalar in
            scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                || [0x200E, 0x200F].contains(scalar.value)
                || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
        }
    }
}
