import CDNTopCore
import Foundation
import TOMLKit

/// Turns parsed TOML tables into validated settings, turning every mistake into a
/// `ConfigError` that names the file, the line, the endpoint and the key.
struct TableReader {
    let file: String
    let source: SourceLines

    /// Limits that keep a typo from becoming a crash, a probe every millisecond, or a probe
    /// that may read gigabytes.
    static let intervalRange = 0.1...(7 * 86_400.0)
    static let timeoutRange = 0.01...3600.0
    static let maxBodyRange: ClosedRange<Int64> = 1...10_000_000_000

    static let endpointKeys: Set<String> = [
        "name", "site", "url", "provider", "origin", "interval", "timeout", "max_body",
        "max_redirects", "host", "resolve", "headers", "insecure",
    ]

    // MARK: Sections

    func vantage(_ value: TOMLValueConvertible?) throws(ConfigError) -> Vantage {
        guard let value else { return Vantage(label: CDNTopConfig.defaultRegion) }
        let place = Place(table: "agent", occurrence: nil, endpoint: nil)
        let table = try self.table(value, place: place, key: nil, what: "[agent] must be a table")
        try rejectUnknownKeys(in: table, allowed: ["region", "continent"], table: place)
        let label = try string(table, "region", place) ?? CDNTopConfig.defaultRegion
        guard let continentName = try string(table, "continent", place) else {
            return Vantage(label: label, continent: POPRegions.continent(vantageLabel: label))
        }
        guard let continent = Continent(name: continentName) else {
            throw error(place, "continent", "\"\(continentName)\" is not one of: "
                        + Continent.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return Vantage(label: label, continent: continent)
    }

    func database(_ value: TOMLValueConvertible?) throws(ConfigError) -> CDNTopConfig.DatabaseSettings {
        guard let value else { return .init() }
        let place = Place(table: "database", occurrence: nil, endpoint: nil)
        let table = try self.table(value, place: place, key: nil, what: "[database] must be a table")
        try rejectUnknownKeys(in: table, allowed: ["path", "retention", "rollup_retention"], table: place)
        return .init(path: try string(table, "path", place),
                     retention: try duration(table, "retention", place),
                     rollupRetention: try duration(table, "rollup_retention", place))
    }

    func endpoints(_ value: TOMLValueConvertible?) throws(ConfigError) -> [Endpoint] {
        guard let array = value?.array else {
            throw ConfigError(file: file, message: value == nil
                ? "no [[endpoint]] tables: add at least one (README.md shows an example)"
                : "endpoint must be an array of tables: write [[endpoint]]")
        }
        var endpoints: [Endpoint] = []
        var firstLineOfName: [String: Int] = [:]
        for (index, element) in array.enumerated() {
            let endpoint = try self.endpoint(element, occurrence: index)
            let line = source.keyLine("name", inTableAt: source.headerLine(table: "endpoint", occurrence: index))
            if let earlier = firstLineOfName[endpoint.name] {
                throw ConfigError(file: file, line: line, endpoint: endpoint.name, key: "name",
                                  message: "duplicate name, already used at line \(earlier): names must be unique")
            }
            firstLineOfName[endpoint.name] = line ?? 0
            if endpoint.isOrigin, let other = endpoints.first(where: { $0.isOrigin && $0.site == endpoint.site }) {
                throw ConfigError(file: file, line: source.keyLine("origin", inTableAt: source.headerLine(table: "endpoint", occurrence: index)),
                                  endpoint: endpoint.name, key: "origin",
                                  message: "site \"\(endpoint.site)\" already has its origin (\(other.name)): one baseline per site")
            }
            endpoints.append(endpoint)
        }
        return endpoints
    }

    // MARK: One endpoint

    private func endpoint(_ value: TOMLValueConvertible, occurrence: Int) throws(ConfigError) -> Endpoint {
        var place = Place(table: "endpoint", occurrence: occurrence, endpoint: nil)
        let table = try self.table(value, place: place, key: nil, what: "each [[endpoint]] must be a table")
        guard let name = try string(table, "name", place), !name.isEmpty else {
            throw error(place, "name", "missing: every endpoint needs a unique name")
        }
        try rejectControlCharacters(name, key: "name", place)
        place.endpoint = name
        try rejectUnknownKeys(in: table, allowed: Self.endpointKeys, table: place)

        guard let url = try string(table, "url", place) else {
            throw error(place, "url", "missing: the URL to probe, e.g. url = \"https://example.com/\"")
        }
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let urlHost = parsed.host, !urlHost.isEmpty else {
            throw error(place, "url", "\"\(url)\" is not an http:// or https:// URL with a host")
        }
        if let port = parsed.port, !(1...65535).contains(port) {
            throw error(place, "url", "port \(port) is outside 1–65535")
        }
        let host = try string(table, "host", place)
        if let host, host.isEmpty || host.contains(where: { $0.isWhitespace || $0 == "/" }) {
            throw error(place, "host", "\"\(host)\" is not a host name")
        }
        var provider: Provider?
        if let providerName = try string(table, "provider", place) {
            guard let known = Provider(rawValue: providerName.lowercased()) else {
                throw error(place, "provider", "\"\(providerName)\" is unknown; known providers: "
                            + Provider.allCases.map(\.rawValue).joined(separator: ", "))
            }
            provider = known
        }
        let site = try string(table, "site", place) ?? host ?? urlHost
        try rejectControlCharacters(site, key: "site", place)
        var endpoint = Endpoint(name: name, site: site, url: url, provider: provider)
        endpoint.host = host
        endpoint.isOrigin = try bool(table, "origin", place) ?? false
        endpoint.insecure = try bool(table, "insecure", place) ?? false
        endpoint.interval = try duration(table, "interval", place, within: Self.intervalRange) ?? Endpoint.defaultInterval
        endpoint.timeout = try duration(table, "timeout", place, within: Self.timeoutRange) ?? Endpoint.defaultTimeout
        endpoint.maxBody = try size(table, "max_body", place) ?? Endpoint.defaultMaxBody
        guard Self.maxBodyRange.contains(endpoint.maxBody) else {
            throw error(place, "max_body", "must be between 1 byte and 10GB")
        }
        endpoint.maxRedirects = try redirects(table, place) ?? Endpoint.defaultMaxRedirects
        endpoint.resolve = try resolveEntries(table, place)
        endpoint.headers = try requestHeaders(table, place)
        return endpoint
    }

    private func redirects(_ table: TOMLTable, _ place: Place) throws(ConfigError) -> Int? {
        guard let value = table["max_redirects"] else { return nil }
        guard let count = value.int, (0...50).contains(count) else {
            throw error(place, "max_redirects", "\(value.debugDescription) is not a whole number from 0 to 50")
        }
        return count
    }

    /// `HOST:PORT:ADDRESS[,ADDRESS…]`, as `curl --resolve` takes them; IPv6 addresses in brackets.
    private func resolveEntries(_ table: TOMLTable, _ place: Place) throws(ConfigError) -> [String] {
        guard let value = table["resolve"] else { return [] }
        guard let array = value.array else {
            throw error(place, "resolve", "must be an array of \"HOST:PORT:ADDRESS\" strings")
        }
        var entries: [String] = []
        for element in array {
            guard let entry = element.string else {
                throw error(place, "resolve", "\(element.debugDescription) is not a string")
            }
            let parts = entry.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, !parts[0].isEmpty, let port = Int(parts[1]), (1...65535).contains(port),
                  !parts[2].isEmpty else {
                throw error(place, "resolve", "\"\(entry)\" is not HOST:PORT:ADDRESS (e.g. \"example.com:443:192.0.2.1\")")
            }
            for address in parts[2].split(separator: ",") where !Self.isIPAddress(String(address)) {
                throw error(place, "resolve", "\"\(address)\" in \"\(entry)\" is not an IPv4 or [IPv6] address")
            }
            entries.append(entry)
        }
        return entries
    }

    private func requestHeaders(_ table: TOMLTable, _ place: Place) throws(ConfigError) -> [HTTPHeader] {
        guard let value = table["headers"] else { return [] }
        guard let headers = value.table else {
            throw error(place, "headers", "must be a table, e.g. headers = { \"User-Agent\" = \"cdntop\" }")
        }
        var result: [HTTPHeader] = []
        for (name, headerValue) in headers {
            guard let text = headerValue.string else {
                throw error(place, "headers", "the value of \"\(name)\" must be a string")
            }
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) }) else {
                throw error(place, "headers", "\"\(name)\" is not a valid header name")
            }
            guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                throw error(place, "headers", "the value of \"\(name)\" contains control characters (line breaks would inject headers)")
            }
            if name.lowercased() == "host" {
                throw error(place, "headers", "set the Host header with the endpoint's host key, not in headers")
            }
            result.append(HTTPHeader(name: name, value: text))
        }
        return result
    }

    // MARK: Typed values

    /// Where a value sits in the file: which table and which occurrence of `[[endpoint]]`.
    struct Place {
        var table: String
        var occurrence: Int?
        var endpoint: String?
    }

    func rejectUnknownKeys(in table: TOMLTable, allowed: Set<String>, table place: Place?) throws(ConfigError) {
        for key in table.keys where !allowed.contains(key) {
            let message = "unknown key; allowed here: " + allowed.sorted().joined(separator: ", ")
            guard let place else {
                throw ConfigError(file: file, line: source.keyLine(key, inTableAt: nil), key: key, message: message)
            }
            throw error(place, key, message)
        }
    }

    private func table(_ value: TOMLValueConvertible, place: Place, key: String?, what: String) throws(ConfigError) -> TOMLTable {
        guard let table = value.table else { throw error(place, key, what) }
        return table
    }

    private func string(_ table: TOMLTable, _ key: String, _ place: Place) throws(ConfigError) -> String? {
        guard let value = table[key] else { return nil }
        guard let text = value.string else {
            throw error(place, key, "\(value.debugDescription) must be a string in quotes")
        }
        return text
    }

    private func bool(_ table: TOMLTable, _ key: String, _ place: Place) throws(ConfigError) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let flag = value.bool else {
            throw error(place, key, "\(value.debugDescription) must be true or false")
        }
        return flag
    }

    private func duration(_ table: TOMLTable, _ key: String, _ place: Place,
                          within range: ClosedRange<Double>? = nil) throws(ConfigError) -> Double? {
        guard let text = try string(table, key, place) else { return nil }
        guard let seconds = HumanDuration.seconds(text) else {
            throw error(place, key, "\"\(text)\" is not a duration: write a number with a unit, e.g. 500ms, 10s, 5m, 1h, 30d")
        }
        if let range, !range.contains(seconds) {
            throw error(place, key, "\"\(text)\" is outside \(HumanDuration.format(seconds: range.lowerBound))"
                        + "–\(HumanDuration.format(seconds: range.upperBound))")
        }
        return seconds
    }

    private func rejectControlCharacters(_ text: String, key: String, _ place: Place) throws(ConfigError) {
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw error(place, key, "contains control characters (tabs, line breaks): they would break tables and CSV")
        }
    }

    /// `curl --resolve` addresses: IPv4, or IPv6 in brackets.
    static func isIPAddress(_ text: String) -> Bool {
        var buffer = in6_addr()
        if text.hasPrefix("["), text.hasSuffix("]") {
            return inet_pton(AF_INET6, String(text.dropFirst().dropLast()), &buffer) == 1
        }
        return inet_pton(AF_INET, text, &buffer) == 1
    }

    private func size(_ table: TOMLTable, _ key: String, _ place: Place) throws(ConfigError) -> Int64? {
        guard let text = try string(table, key, place) else { return nil }
        guard let bytes = ByteSize.bytes(text) else {
            throw error(place, key, "\"\(text)\" is not a size: write e.g. 512KB, 10MB or 1GiB")
        }
        return bytes
    }

    private func error(_ place: Place, _ key: String?, _ message: String) -> ConfigError {
        let header = source.headerLine(table: place.table, occurrence: place.occurrence)
        let line = key.map { source.keyLine($0, inTableAt: header) } ?? header
        return ConfigError(file: file, line: line ?? nil, endpoint: place.endpoint,
                           key: key.map { place.occurrence == nil ? "\(place.table).\($0)" : $0 }, message: message)
    }
}
