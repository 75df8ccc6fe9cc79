/// What a cache header said: the normalized status, when the value was understood, and the
/// value itself, kept even when it was not, so a new or garbled state stays visible.
struct CacheReading: Equatable {
    var status: CacheStatus?
    var raw: String
}

/// Where a provider reports its cache verdict, and how to read it.
enum CacheSource: Sendable {
    /// The provider has no cache (Fly's proxy): its layer is transparent to cache lookups.
    case none
    /// A list header with one entry per cache node; the first word of the entry nearest the
    /// client is looked up in the vocabulary ("MISS, HIT", "Hit from cloudfront").
    case listEntry(header: String, nearest: ListEnd, vocabulary: CacheVocabulary)
    /// RFC 9211 `Cache-Status`.
    case cacheStatusField
    /// Varnish's `X-Varnish`: one transaction id for a miss, two (this request's and the
    /// cached object's) for a hit.
    case varnishTransactionIDs
    /// A `Server-Timing` metric whose `desc` is the status (Tigris: `cache;desc="hit"`).
    case serverTiming(metric: String, vocabulary: CacheVocabulary)
    /// The first of several sources that is present.
    case firstPresent([CacheSource])

    /// Which end of a list header is the node nearest the client.
    enum ListEnd: Sendable {
        /// Proxies append (Fastly's shield comes first, the edge last).
        case last
        /// The provider writes child before parent (Akamai's `Hit from child, Miss from parent`).
        case first
    }

    /// The headers this source reads.
    var headerNames: Set<String> {
        switch self {
        case .none: []
        case .listEntry(let header, _, _): [header]
        case .cacheStatusField: ["cache-status"]
        case .varnishTransactionIDs: ["x-varnish"]
        case .serverTiming: ["server-timing"]
        case .firstPresent(let sources): sources.reduce(into: []) { $0.formUnion($1.headerNames) }
        }
    }

    /// The reading, or nil when the provider's header is absent.
    func read(_ headers: ResponseHeaders) -> CacheReading? {
        switch self {
        case .none:
            return nil
        case let .listEntry(header, nearest, vocabulary):
            let entries = headers.list(header)
            guard let entry = nearest == .last ? entries.last : entries.first,
                  let raw = headers.joined(header).flatMap(ResponseHeaders.output) else { return nil }
            let word = entry.split(separator: " ").first ?? entry
            return CacheReading(status: vocabulary.status(of: word), raw: raw)
        case .cacheStatusField:
            return CacheStatusField.read(headers)
        case .varnishTransactionIDs:
            guard let value = headers.last("x-varnish"), let raw = ResponseHeaders.output(value) else { return nil }
            let ids = value.split(separator: " ")
            let allNumeric = ids.allSatisfy { $0.allSatisfy(CodeText.isDigit) }
            let status: CacheStatus? = switch (allNumeric, ids.count) {
            case (true, 1): .miss
            case (true, 2): .hit
            default: nil
            }
            return CacheReading(status: status, raw: raw)
        case let .serverTiming(metric, vocabulary):
            return Self.readServerTiming(headers, metric: metric, vocabulary: vocabulary)
        case let .firstPresent(sources):
            return sources.lazy.compactMap { $0.read(headers) }.first
        }
    }

    private static func readServerTiming(_ headers: ResponseHeaders, metric: String,
                                         vocabulary: CacheVocabulary) -> CacheReading? {
        let entry = headers.list("server-timing").last { entry in
            let name = ResponseHeaders.split(entry, on: ";").first ?? ""
            return name.lowercased() == metric
        }
        guard let entry, let raw = ResponseHeaders.output(entry) else { return nil }
        let description = ResponseHeaders.split(entry, on: ";").dropFirst().lazy
            .map { HeaderParameter($0) }
            .first { $0.key == "desc" }?.value
        return CacheReading(status: description.flatMap(vocabulary.status), raw: raw)
    }
}

/// One `key=value` (or bare `key`) parameter of a structured header entry, key lowercased,
/// value unquoted. Shared by `Server-Timing` and RFC 9211 `Cache-Status`.
struct HeaderParameter {
    var key: String
    var value: String?

    init(_ text: Substring) {
        if let equals = text.firstIndex(of: "=") {
            key = ResponseHeaders.trimmed(text[..<equals]).lowercased()
            value = ResponseHeaders.unquoted(ResponseHeaders.trimmed(text[text.index(after: equals)...]))
        } else {
            key = text.lowercased()
            value = nil
        }
    }
}
