import CDNTopCore

/// Counts parsed log records into `TrafficMinute`s, one per (site, minute), for one log
/// (one provider). Per line it only adds to fixed arrays: cache words, content types, POPs
/// and hosts are turned into small numbers by `ByteInterner` (a `String` is made once per
/// distinct value), and a path becomes text only when it missed, for the top-misses sketch.
public final class TrafficAggregator {
    public let provider: Provider
    private let fixedSite: String?
    private let vocabulary: CacheVocabulary
    private let escaping: TextEscaping

    private var cells: [CellKey: Cell] = [:]
    private var current: Cell?
    /// Where the last readable line was counted: malformed lines after it go there.
    private var lastKey: CellKey?
    /// Malformed lines before the first readable one, waiting for a minute to go in.
    private var malformedBeforeFirst: Int64 = 0

    private var sites: [String] = []
    private var hosts = ByteInterner()
    private var siteOfHost: [Int] = []
    private var cacheWords = ByteInterner()
    private var cacheOfWord: [Int] = []
    private var contentTypes = ByteInterner()
    private var classOfType: [ContentClass?] = []
    private var extensions = ByteInterner()
    private var classOfExtension: [ContentClass] = []
    private var pops = ByteInterner()
    private var popNames: [String] = []
    /// The missing paths of the minutes not yet drained.
    private var missPaths = ByteInterner()

    /// Lines counted since the last `drain`.
    public private(set) var pendingLines = 0
    /// Minutes held since the last `drain`: the caller drains before this grows large.
    public var pendingMinutes: Int { cells.count }

    /// `site` names the site of every line; nil takes each line's host.
    public init(site: String?, provider: Provider, parser: any LogLineParser) {
        self.provider = provider
        self.fixedSite = site
        self.vocabulary = parser.vocabulary
        self.escaping = parser.escaping
        if let site { sites = [site] }
    }

    /// Counts one request.
    public func add(_ record: LogRecord) throws(MissingSite) {
        let site = try siteID(of: record)
        let minute = record.seconds - ((record.seconds % 60) + 60) % 60
        let cell = self.cell(CellKey(site: site, minute: minute))
        let cacheSlot = cacheSlot(of: record.cache)
        let content = contentClass(of: record)
        cell.tallies[content.slot * Cell.cacheSlots + cacheSlot] += 1
        cell.bytes += record.bytes
        cell.versions[record.version.rawValue] += 1
        let statusClass = record.status / 100
        cell.statusClasses[(1...5).contains(statusClass) ? statusClass : 0] += 1
        if !record.pop.isEmpty { countPOP(record.pop, in: cell) }
        if record.ttfbMilliseconds.isFinite, record.ttfbMilliseconds >= 0 { cell.ttfb.add(record.ttfbMilliseconds) }
        if cacheSlot == Cell.missSlot || cacheSlot == Cell.expiredSlot, !record.path.isEmpty {
            countMiss(withoutQuery(record.path), in: cell)
        }
        pendingLines += 1
    }

    /// Counts a line that could not be read, in the minute of the last one that could.
    public func addMalformed() {
        pendingLines += 1
        guard let lastKey else {
            malformedBeforeFirst += 1
            return
        }
        cell(lastKey).malformed += 1
    }

    /// The minutes counted since the last drain, and forgets them.
    public func drain() -> [TrafficMinute] {
        let minutes = cells.values.sorted { ($0.key.minute, $0.key.site) < ($1.key.minute, $1.key.site) }
            .map { cell in
                cell.misses.merge(exactMisses(of: cell))
                return cell.minute(site: sites[cell.key.site], provider: provider, popNames: popNames)
            }
        cells = [:]
        missPaths = ByteInterner()
        current = nil
        pendingLines = 0
        return minutes
    }

    /// A minute's missing paths, counted exactly, as a sketch: only the paths it keeps (and
    /// the largest it drops, for its error) become text.
    private func exactMisses(of cell: Cell) -> HeavyHitters {
        let ranked = cell.missCounts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        var kept: [String: Int64] = [:]
        for (id, count) in ranked.prefix(HeavyHitters.capacity) {
            let path = missPaths.bytes(of: id).withUnsafeBufferPointer { LoggedText.string($0, escaping: escaping) }
            kept[path, default: 0] += count
        }
        // The largest count dropped bounds what any dropped path could have had.
        let dropped = ranked.count > HeavyHitters.capacity ? ranked[HeavyHitters.capacity].value : 0
        return HeavyHitters(counts: kept, error: dropped)
    }

    // MARK: Per line

    private func cell(_ key: CellKey) -> Cell {
        if let current, current.key == key { return current }
        let cell: Cell
        if let existing = cells[key] {
            cell = existing
        } else {
            cell = Cell(key: key)
            cells[key] = cell
            if lastKey == nil, malformedBeforeFirst > 0 {
                cell.malformed += malformedBeforeFirst
                malformedBeforeFirst = 0
            }
        }
        current = cell
        lastKey = key
        return cell
    }

    private func siteID(of record: LogRecord) throws(MissingSite) -> Int {
        if fixedSite != nil { return 0 }
        guard !record.host.isEmpty, !record.host.isAbsent else { throw MissingSite() }
        var isNew = false
        guard let id = hosts.id(of: record.host, isNew: &isNew) else {
            return siteIndex(named: Self.siteName(LoggedText.string(record.host, escaping: escaping)))
        }
        if isNew { siteOfHost.append(siteIndex(named: Self.siteName(LoggedText.string(record.host, escaping: escaping)))) }
        return siteOfHost[id]
    }

    /// A host as a site name: lower case, without a port.
    private static func siteName(_ host: String) -> String {
        var name = host.lowercased()
        if let colon = name.lastIndex(of: ":"), !name.hasSuffix("]"), name[name.index(after: colon)...].allSatisfy(\.isNumber) {
            name = String(name[..<colon])
        }
        return name
    }

    private func siteIndex(named name: String) -> Int {
        if let index = sites.firstIndex(of: name) { return index }
        sites.append(name)
        return sites.count - 1
    }

    private func cacheSlot(of word: LogBytes) -> Int {
        guard !word.isEmpty else { return Cell.noCacheSlot }
        var isNew = false
        guard let id = cacheWords.id(of: word, isNew: &isNew) else { return slot(of: word) }
        if isNew { cacheOfWord.append(slot(of: word)) }
        return cacheOfWord[id]
    }

    private func slot(of word: LogBytes) -> Int {
        let status = vocabulary.status(of: LoggedText.string(word, escaping: escaping))
        return status.map { CacheStatus.allCases.firstIndex(of: $0)! } ?? Cell.noCacheSlot
    }

    private func contentClass(of record: LogRecord) -> ContentClass {
        if !record.contentType.isEmpty {
            var isNew = false
            if let id = contentTypes.id(of: record.contentType, isNew: &isNew) {
                if isNew { classOfType.append(ContentClass(contentType: String(decoding: record.contentType, as: UTF8.self))) }
                if let known = classOfType[id] { return known }
            } else if let known = ContentClass(contentType: String(decoding: record.contentType, as: UTF8.self)) {
                return known
            }
        }
        return extensionClass(of: record.path)
    }

    /// The class the path's extension suggests; a path-less request counts as a page.
    private func extensionClass(of path: LogBytes) -> ContentClass {
        let bare = withoutQuery(path)
        var index = bare.count
        while index > 0 {
            index -= 1
            let byte = bare[index]
            if byte == UInt8(ascii: "/") { return .html }
            guard byte == UInt8(ascii: ".") else { continue }
            let suffix = bare.slice(index + 1..<bare.count)
            guard !suffix.isEmpty, suffix.count <= 12 else { return suffix.isEmpty ? .html : .other }
            var isNew = false
            func classified() -> ContentClass { ContentClass(pathExtensionOf: "." + String(decoding: suffix, as: UTF8.self)) }
            guard let id = extensions.id(of: suffix, isNew: &isNew) else { return classified() }
            if isNew { classOfExtension.append(classified()) }
            return classOfExtension[id]
        }
        return .html
    }

    /// Missing paths are counted exactly per minute by their bytes, and become text (and
    /// enter the bounded sketch, largest first) only when the minute is drained.
    private func countMiss(_ path: LogBytes, in cell: Cell) {
        var isNew = false
        guard let id = missPaths.id(of: path, isNew: &isNew) else {
            cell.misses.add(LoggedText.string(path, escaping: escaping))
            return
        }
        cell.missCounts[id, default: 0] += 1
    }

    private func countPOP(_ pop: LogBytes, in cell: Cell) {
        var isNew = false
        guard let id = pops.id(of: pop, isNew: &isNew) else {
            cell.overflowPOPs[LoggedText.string(pop, escaping: escaping), default: 0] += 1
            return
        }
        if isNew { popNames.append(LoggedText.string(pop, escaping: escaping)) }
        cell.pops[id, default: 0] += 1
    }

    /// The path up to its query or fragment, found in the decoded text: an escaped `?`
    /// (`\u003f`, `\x3F`) starts a query too, so none is kept.
    private func withoutQuery(_ path: LogBytes) -> LogBytes {
        guard let query = LoggedText.queryStart(in: path, escaping: escaping) else { return path }
        return path.slice(0..<query)
    }
}

/// A line without a host while no `--site` was given: its requests belong to no site.
public struct MissingSite: Error, Sendable {}

private struct CellKey: Hashable {
    var site: Int
    var minute: Int64
}

/// One minute of one site while it is being counted: flat arrays indexed by small numbers.
private final class Cell {
    static let cacheSlots = CacheStatus.allCases.count + 1
    static let noCacheSlot = CacheStatus.allCases.count
    static let missSlot = CacheStatus.allCases.firstIndex(of: .miss)!
    static let expiredSlot = CacheStatus.allCases.firstIndex(of: .expired)!

    static let tallyCount = ContentClass.allCases.count * Cell.cacheSlots
    static let versionCount = LoggedHTTPVersion.allCases.count
    static let statusClassCount = 6

    let key: CellKey
    /// The per-line counters in one allocation, so counting a line is a few stores with no
    /// copy-on-write or exclusivity checks: per content class (`ContentClass.slot`) and cache
    /// status (then "none"), then per HTTP version, then per status class.
    let tallies: UnsafeMutablePointer<Int64>
    var versions: UnsafeMutablePointer<Int64> { tallies + Cell.tallyCount }
    var statusClasses: UnsafeMutablePointer<Int64> { tallies + Cell.tallyCount + Cell.versionCount }
    var bytes: Int64 = 0
    var pops: [Int: Int64] = [:]
    var overflowPOPs: [String: Int64] = [:]
    var ttfb = QuantileSketch()
    var misses = HeavyHitters()
    /// Misses per path id (the aggregator's `missPaths`), exact until the drain.
    var missCounts: [Int: Int64] = [:]
    var malformed: Int64 = 0

    init(key: CellKey) {
        self.key = key
        let count = Cell.tallyCount + Cell.versionCount + Cell.statusClassCount
        tallies = .allocate(capacity: count)
        tallies.initialize(repeating: 0, count: count)
    }

    deinit { tallies.deallocate() }

    func minute(site: String, provider: Provider, popNames: [String]) -> TrafficMinute {
        var minute = TrafficMinute(site: site, provider: provider, minute: key.minute)
        for (classIndex, content) in ContentClass.allCases.enumerated() {
            var tally = CacheTally()
            for slot in 0..<Cell.cacheSlots {
                let count = tallies[classIndex * Cell.cacheSlots + slot]
                guard count > 0 else { continue }
                tally.add(slot == Cell.noCacheSlot ? nil : CacheStatus.allCases[slot], count: count)
            }
            guard tally.requests > 0 else { continue }
            minute.byContent[content] = tally
            minute.cache.merge(tally)
        }
        minute.bytes = bytes
        for version in LoggedHTTPVersion.allCases {
            if let spelling = version.spelling, versions[version.rawValue] > 0 {
                minute.byHTTPVersion[spelling] = versions[version.rawValue]
            }
        }
        for statusClass in 0..<Cell.statusClassCount where statusClasses[statusClass] > 0 {
            minute.byStatusClass[statusClass] = statusClasses[statusClass]
        }
        for (id, count) in pops { minute.byPOP[popNames[id], default: 0] += count }
        minute.byPOP.merge(overflowPOPs, uniquingKeysWith: +)
        minute.ttfb = ttfb
        minute.topMisses = misses
        minute.malformedLines = malformed
        return minute
    }
}

extension ContentClass {
    /// Position in `allCases`: the aggregator's array index.
    var slot: Int {
        switch self {
        case .html: 0
        case .cssJS: 1
        case .image: 2
        case .audioVideo: 3
        case .font: 4
        case .jsonXML: 5
        case .other: 6
        }
    }
}
