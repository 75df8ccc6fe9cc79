/// Finds the line of a key in a TOML text, because the TOML parser reports lines only for
/// syntax errors and a user fixing "bad interval" wants to be sent to the right line.
///
/// It understands the shapes cdntop's files take: `[table]` and `[[array]]` headers at the
/// start of a line, and `key = value` (or `"key" = value`) inside them. Headers are indexed once, so locating
/// a key costs one table's lines, not the whole file's, even in a config of 1000 endpoints.
struct SourceLines {
    private let lines: [Substring]
    /// 0-based line indices of every table header, by header text ("[agent]", "[[endpoint]]").
    private let headers: [String: [Int]]

    init(_ text: String) {
        // "\r\n" is one Character in Swift, so a CRLF file is split on both forms of line end.
        lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        var headers: [String: [Int]] = [:]
        for (index, line) in lines.enumerated() {
            let content = Self.stripped(line)
            guard content.hasPrefix("["), let close = content.firstIndex(of: "]") else { continue }
            let end = content[close...].hasPrefix("]]") ? content.index(close, offsetBy: 2) : content.index(after: close)
            headers[String(content[..<end]).filter { $0 != " " }, default: []].append(index)
        }
        self.headers = headers
    }

    /// The 1-based line of the header of `[table]`, or of the `occurrence`-th `[[table]]`.
    func headerLine(table: String, occurrence: Int? = nil) -> Int? {
        guard let occurrence else { return headers["[\(table)]"]?.first.map { $0 + 1 } }
        let matches = headers["[[\(table)]]"] ?? []
        return occurrence < matches.count ? matches[occurrence] + 1 : nil
    }

    /// The line where `key` is assigned inside the table whose header is on `headerLine`
    /// (nil: the top level, before any header). Falls back to the header line itself.
    func keyLine(_ key: String, inTableAt headerLine: Int?) -> Int? {
        for index in (headerLine ?? 0)..<lines.count {
            let line = Self.stripped(lines[index])
            if line.hasPrefix("[") { break }
            if line.hasPrefix(key), line.dropFirst(key.count).drop(while: { $0 == " " || $0 == "\"" }).first == "=" {
                return index + 1
            }
            if line.hasPrefix("\"\(key)\"") { return index + 1 }
        }
        return headerLine
    }

    private static func stripped(_ line: Substring) -> Substring {
        line.drop { $0 == " " || $0 == "\t" }
    }
}
