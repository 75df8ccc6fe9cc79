/// Finds the line of a key in the config text, because the TOML parser reports lines only for
/// syntax errors and a user fixing "bad interval" wants to be sent to the right line.
///
/// It understands the shapes a cdntop config takes: `[table]` and `[[endpoint]]` headers at
/// the start of a line, and `key = value` inside them.
struct SourceLines {
    private let lines: [Substring]

    init(_ text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The 1-based line of the header of `[table]`, or of the `occurrence`-th `[[table]]`.
    func headerLine(table: String, occurrence: Int? = nil) -> Int? {
        if let occurrence {
            let matches = lines.indices.filter { stripped(lines[$0]).hasPrefix("[[\(table)]]") }
            return occurrence < matches.count ? matches[occurrence] + 1 : nil
        }
        return lines.firstIndex { stripped($0).hasPrefix("[\(table)]") }.map { $0 + 1 }
    }

    /// The line where `key` is assigned inside the table whose header is on `headerLine`
    /// (nil: the top level, before any header). Falls back to the header line itself.
    func keyLine(_ key: String, inTableAt headerLine: Int?) -> Int? {
        let start = headerLine ?? 0
        for index in start..<lines.count {
            let line = stripped(lines[index])
            if line.hasPrefix("[") { break }
            if line.hasPrefix(key), line.dropFirst(key.count).drop(while: { $0 == " " || $0 == "\"" }).first == "=" {
                return index + 1
            }
            if line.hasPrefix("\"\(key)\"") { return index + 1 }
        }
        return headerLine
    }

    private func stripped(_ line: Substring) -> Substring {
        line.drop { $0 == " " || $0 == "\t" }
    }
}
