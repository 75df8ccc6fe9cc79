import CDNTopCore
import TOMLKit

/// One table of a TOML file with its place in the text: reads typed values and turns every
/// mistake into a `TOMLFileError` naming the file, the line, the element and the key.
public struct TOMLSection {
    public let table: TOMLTable
    let place: Place

    /// Where a table sits: enough to find a key's line and to name the key in an error.
    struct Place {
        var file: String
        var lines: SourceLines
        /// The table's path from the nearest header (`["roles"]`), for error keys.
        var keyPath: [String] = []
        /// The line of the table's own header, nil at the top level.
        var headerLine: Int?
        /// Set for an inline table (`{ … }`): every key in it is on this line.
        var inlineLine: Int?
        /// Whether `[keyPath.key]` headers can exist below this table (not inside arrays).
        var hasHeaders = true
        var context: String?
    }

    init(table: TOMLTable, place: Place) {
        self.table = table
        self.place = place
    }

    public var keys: [String] { table.keys }

    /// The raw value, for shapes the typed readers below do not cover.
    public subscript(key: String) -> TOMLValueConvertible? { table[key] }

    /// The same table, naming `context` (`endpoint "fastly"`) in every error from here on.
    public func named(_ context: String) -> TOMLSection {
        var place = place
        place.context = context
        return TOMLSection(table: table, place: place)
    }

    // MARK: Errors

    /// The 1-based line where `key` is assigned in this table (its header's line when the
    /// key is missing, nil when neither is known).
    public func line(of key: String?) -> Int? {
        if let inline = place.inlineLine { return inline }
        guard let key else { return place.headerLine }
        return place.lines.keyLine(key, inTableAt: place.headerLine)
    }

    /// A located error about `key` (nil: about the table itself).
    public func error(_ key: String?, _ message: String) -> TOMLFileError {
        let path = place.keyPath + (key.map { [$0] } ?? [])
        return TOMLFileError(file: place.file, line: line(of: key), context: place.context,
                             key: path.isEmpty ? nil : path.map(Self.displayed).joined(separator: "."), message: message)
    }

    /// Every key not in `allowed` is an error, so a typo is never silently ignored.
    public func rejectUnknownKeys(allowed: Set<String>) throws(TOMLFileError) {
        for key in table.keys.sorted() where !allowed.contains(key) {
            throw error(key, "unknown key; allowed here: " + allowed.sorted().joined(separator: ", "))
        }
    }

    // MARK: Typed values

    public func string(_ key: String) throws(TOMLFileError) -> String? {
        guard let value = table[key] else { return nil }
        guard let text = value.string else { throw error(key, "\(value.debugDescription) must be a string in quotes") }
        return text
    }

    public func bool(_ key: String) throws(TOMLFileError) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let flag = value.bool else { throw error(key, "\(value.debugDescription) must be true or false") }
        return flag
    }

    /// A number written either way: TOML tells 1 from 1.0, a cdntop file means the same by both.
    public func number(_ key: String) throws(TOMLFileError) -> Double? {
        guard let value = table[key] else { return nil }
        guard let number = value.double ?? value.int.map(Double.init) else {
            throw error(key, "\(value.debugDescription) must be a number")
        }
        return number
    }

    /// A duration string (`500ms`, `10s`, `5m`, `1h`, `30d`) in seconds, within `range` if given.
    public func duration(_ key: String, within range: ClosedRange<Double>? = nil) throws(TOMLFileError) -> Double? {
        guard let text = try string(key) else { return nil }
        guard let seconds = HumanDuration.parse(text) else {
            throw error(key, "\"\(text)\" is not a duration: write a number with a unit, e.g. 500ms, 10s, 5m, 1h, 30d")
        }
        if range == nil, seconds <= 0 {
            throw error(key, "\"\(text)\" is not longer than 0")
        }
        if let range, !range.contains(seconds) {
            throw error(key, "\"\(text)\" is outside \(HumanDuration.format(seconds: range.lowerBound))"
                        + "–\(HumanDuration.format(seconds: range.upperBound))")
        }
        return seconds
    }

    /// A sub-table, written as `[key]` below this table's header or inline as `key = { … }`.
    public func table(_ key: String, what: String) throws(TOMLFileError) -> TOMLSection? {
        guard let value = table[key] else { return nil }
        guard let sub = value.table else { throw error(key, what) }
        var inner = place
        inner.keyPath.append(key)
        let header = place.hasHeaders && place.inlineLine == nil
            ? place.lines.headerLine(table: inner.keyPath.joined(separator: ".")) : nil
        if let header {
            inner.headerLine = header
        } else {
            inner.inlineLine = line(of: key)
        }
        return TOMLSection(table: sub, place: inner)
    }

    /// An array of tables, `[[key]]`: each element located at its own header, its keys named
    /// from there (`interval`, not `endpoint.interval`) and its context set once it is `named`.
    public func tables(_ key: String, what: String) throws(TOMLFileError) -> [TOMLSection]? {
        guard let value = table[key] else { return nil }
        guard let array = value.array else { throw error(key, what) }
        var sections: [TOMLSection] = []
        for (index, element) in array.enumerated() {
            var inner = place
            inner.keyPath = []
            inner.hasHeaders = false
            inner.headerLine = place.lines.headerLine(table: key, occurrence: index)
            inner.inlineLine = inner.headerLine == nil ? line(of: key) : nil
            guard let sub = element.table else {
                throw TOMLFileError(file: place.file, line: inner.headerLine ?? line(of: key), key: key, message: what)
            }
            sections.append(TOMLSection(table: sub, place: inner))
        }
        return sections
    }

    /// A key as TOML would have it written: bare when it can be, quoted otherwise.
    private static func displayed(_ key: String) -> String {
        let bare = !key.isEmpty && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
        return bare ? key : "\"\(key)\""
    }
}
