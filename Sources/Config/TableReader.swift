import CDNTopCore
import Foundation
import TOMLFile
import TOMLKit

/// Turns the config file's tables into validated settings, turning every mistake into a
/// located `TOMLFileError` that names the file, the line, the endpoint and the key.
struct TableReader {
    let file: String

    /// Limits that keep a typo from becoming a crash, a probe every millisecond, or a probe
    /// that may read gigabytes.
    static let intervalRange = 0.1...(7 * 86_400.0)
    static let timeoutRange = 0.01...3600.0
    static let maxBodyRange: ClosedRange<Int64> = 1...10_000_000_000
    /// Raw probes feed only `export` (windows come from rollups), so an hour is enough; a
    /// century is more than any disk will want, and keeps every timestamp sum far from overflow.
    static let retentionRange = 3600.0...(36_500 * 86_400.0)
    /// Rollups feed every window, so they must outlive the longest one the UI and reports show.
    static let rollupRetentionRange = (ReportWindow.allCases.map(\.seconds).max() ?? 30 * 86_400)...(36_500 * 86_400.0)
    /// URLs longer than this are refused; real ones are far shorter, and libcurl refuses
    /// megabytes with a crash-worthy error instead of a message.
    static let maxURLBytes = 8192
    /// A request header value, and the Host override (a DNS name is at most 253 characters).
    static let maxHeaderValueBytes = 8192
    static let maxHostBytes = 253

    static let endpointKeys = Set<String>([
        "name", "site", "url", "provider", "origin", "interval", "timeout", "max_body",
        "max_redirects", "host", "resolve", "headers", "insecure",
    ]).union(ThresholdKeys.all)

    // MARK: Sections

    func vantage(_ root: TOMLSection) throws(TOMLFileError) -> Vantage {
        guard let table = try root.table("agent", what: "[agent] must be a table") else {
            return Vantage(label: CDNTopConfig.defaultRegion)
        }
        try table.rejectUnknownKeys(allowed: ["region", "continent", "id"])
        let label = try table.string("region") ?? CDNTopConfig.defaultRegion
        try rejectControlCharacters(label, key: "region", table)
        guard let continentName = try table.string("continent") else {
            return Vantage(label: label, continent: POPRegions.continent(vantageLabel: label))
        }
        guard let continent = Continent(name: continentName) else {
            throw table.error("continent", "\"\(continentName)\" is not one of: "
                              + Continent.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return Vantage(label: label, continent: continent)
    }

    /// `[agent] id`: the agent's stable id, nil when the config leaves it to the state file.
    func agentID(_ root: TOMLSection) throws(TOMLFileError) -> String? {
        guard let table = try root.table("agent", what: "[agent] must be a table"),
              let id = try table.string("id") else { return nil }
        if let problem = AgentID.problem(with: id) { throw table.error("id", problem) }
        return id
    }

    func database(_ root: TOMLSection) throws(TOMLFileError) -> CDNTopConfig.DatabaseSettings {
        guard let table = try root.table("database", what: "[database] must be a table") else { return .init() }
        try table.rejectUnknownKeys(allowed: ["path", "url", "retention", "rollup_retention"])
        var path = try table.string("path")
        if let path { try rejectControlCharacters(path, key: "path", table) }
        if let url = try table.string("url") {
            try rejectControlCharacters(url, key: "url", table)
            guard path == nil else { throw table.error("url", "set [database] path or url, not both") }
            guard StoreAddress.isConnectionURI(url) else {
                throw table.error("url", "\"\(CredentialMask.masked(url))\" is not a PostgreSQL URI: "
                                  + "write postgres://user@host:5432/dbname, or use [database] path for a file")
            }
            path = url
        }
        return .init(path: path,
                     retention: try table.duration("retention", within: Self.retentionRange),
                     rollupRetention: try table.duration("rollup_retention", within: Self.rollupRetentionRange))
    }

    /// From one probe to a hundred million (a few tens of GB: far past any sensible outage).
    static let outboxProbesRange = 1...100_000_000
    /// From a minute to a year.
    static let outboxAgeRange = 60.0...(365 * 86_400.0)

    func outbox(_ root: TOMLSection) throws(TOMLFileError) -> CDNTopConfig.OutboxSettings {
        guard let table = try root.table("outbox", what: "[outbox] must be a table") else { return .init() }
        try table.rejectUnknownKeys(allowed: ["path", "max_probes", "max_age"])
        var maxProbes: Int?
        if let number = try table.number("max_probes") {
            guard number.rounded() == number, number >= Double(Self.outboxProbesRange.lowerBound),
                  number <= Double(Self.outboxProbesRange.upperBound) else {
                throw table.error("max_probes", "\(number) must be a whole number from 1 to 100000000")
            }
            maxProbes = Int(number)
        }
        return .init(path: try table.string("path"), maxProbes: maxProbes,
                     maxAge: try table.duration("max_age", within: Self.outboxAgeRange))
    }

    func endpoints(_ root: TOMLSection) throws(TOMLFileError) -> [Endpoint] {
        guard let tables = try root.tables("endpoint", what: "endpoint must be an array of tables: write [[endpoint]]") else {
            throw TOMLFileError(file: file, message: "no [[endpoint]] tables: add at least one (README.md shows an example)")
        }
        var endpoints: [Endpoint] = []
        var firstLineOfName: [String: Int] = [:]
        for table in tables {
            let (endpoint, named) = try self.endpoint(table)
            let line = named.line(of: "name")
            if let earlier = firstLineOfName[endpoint.name] {
                throw named.error("name", "duplicate name, already used at line \(earlier): names must be unique")
            }
            firstLineOfName[endpoint.name] = line ?? 0
            if endpoint.isOrigin, let other = endpoints.first(where: { $0.isOrigin && $0.site == endpoint.site }) {
                throw named.error("origin", "site \"\(endpoint.site)\" already has its origin (\(other.name)): one baseline per site")
            }
            endpoints.append(endpoint)
        }
        return endpoints
    }

    // MARK: One endpoint

    /// The endpoint, and its table named after it for the errors that compare endpoints.
    private func endpoint(_ unnamed: TOMLSection) throws(TOMLFileError) -> (Endpoint, TOMLSection) {
        guard let name = try unnamed.string("name"), !name.isEmpty else {
            throw unnamed.error("name", "missing: every endpoint needs a unique name")
        }
        try rejectControlCharacters(name, key: "name", unnamed)
        let table = unnamed.named("endpoint \"\(name)\"")
        try table.rejectUnknownKeys(allowed: Self.endpointKeys)

        guard let url = try table.string("url") else {
            throw table.error("url", "missing: the URL to probe, e.g. url = \"https://example.com/\"")
        }
        guard url.utf8.count <= Self.maxURLBytes else {
            throw table.error("url", "is \(url.utf8.count) bytes long: at most \(Self.maxURLBytes) bytes")
        }
        try rejectControlCharacters(url, key: "url", table)
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let urlHost = parsed.host, !urlHost.isEmpty else {
            throw table.error("url", "\"\(url)\" is not an http:// or https:// URL with a host")
        }
        if let port = parsed.port, !(1...65535).contains(port) {
            throw table.error("url", "port \(port) is outside 1–65535")
        }
        let host = try table.string("host")
        if let host {
            try rejectControlCharacters(host, key: "host", table)
            guard host.utf8.count <= Self.maxHostBytes else {
                throw table.error("host", "is \(host.utf8.count) bytes long: a host name has at most \(Self.maxHostBytes)")
            }
            if host.isEmpty || host.contains(where: { $0.isWhitespace || $0 == "/" }) {
                throw table.error("host", "\"\(host)\" is not a host name")
            }
        }
        var provider: Provider?
        if let providerName = try table.string("provider") {
            guard let known = Provider(rawValue: providerName.lowercased()) else {
                throw table.error("provider", "\"\(providerName)\" is unknown; known providers: "
                                  + Provider.allCases.map(\.rawValue).joined(separator: ", "))
            }
            provider = known
        }
        let site = try table.string("site") ?? host ?? urlHost
        try rejectControlCharacters(site, key: "site", table)
        var endpoint = Endpoint(name: name, site: site, url: url, provider: provider)
        endpoint.host = host
        endpoint.isOrigin = try table.bool("origin") ?? false
        endpoint.insecure = try table.bool("insecure") ?? false
        endpoint.interval = try table.duration("interval", within: Self.intervalRange) ?? Endpoint.defaultInterval
        endpoint.timeout = try table.duration("timeout", within: Self.timeoutRange) ?? Endpoint.defaultTimeout
        endpoint.maxBody = try size(table, "max_body") ?? Endpoint.defaultMaxBody
        guard Self.maxBodyRange.contains(endpoint.maxBody) else {
            throw table.error("max_body", "must be between 1 byte and 10GB")
        }
        endpoint.maxRedirects = try redirects(table) ?? Endpoint.defaultMaxRedirects
        endpoint.resolve = try resolveEntries(table)
        endpoint.headers = try requestHeaders(table)
        return (endpoint, table)
    }

    private func redirects(_ table: TOMLSection) throws(TOMLFileError) -> Int? {
        guard let value = table["max_redirects"] else { return nil }
        guard let count = value.int, (0...50).contains(count) else {
            throw table.error("max_redirects", "\(value.debugDescription) is not a whole number from 0 to 50")
        }
        return count
    }

    /// `HOST:PORT:ADDRESS[,ADDRESS…]`, as `curl --resolve` takes them; IPv6 addresses in brackets.
    private func resolveEntries(_ table: TOMLSection) throws(TOMLFileError) -> [String] {
        guard let value = table["resolve"] else { return [] }
        guard let array = value.array else {
            throw table.error("resolve", "must be an array of \"HOST:PORT:ADDRESS\" strings")
        }
        var entries: [String] = []
        for element in array {
            guard let entry = element.string else {
                throw table.error("resolve", "\(element.debugDescription) is not a string")
            }
            let parts = entry.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, !parts[0].isEmpty, let port = Int(parts[1]), (1...65535).contains(port),
                  !parts[2].isEmpty else {
                throw table.error("resolve", "\"\(entry)\" is not HOST:PORT:ADDRESS (e.g. \"example.com:443:192.0.2.1\")")
            }
            for address in parts[2].split(separator: ",") where !Self.isIPAddress(String(address)) {
                throw table.error("resolve", "\"\(address)\" in \"\(entry)\" is not an IPv4 or [IPv6] address")
            }
            entries.append(entry)
        }
        return entries
    }

    /// Request headers; their values (an `Authorization` token) are never quoted in errors.
    private func requestHeaders(_ table: TOMLSection) throws(TOMLFileError) -> [HTTPHeader] {
        guard let value = table["headers"] else { return [] }
        guard let headers = value.table else {
            throw table.error("headers", "must be a table, e.g. headers = { \"User-Agent\" = \"cdntop\" }")
        }
        var result: [HTTPHeader] = []
        for (name, headerValue) in headers {
            guard let text = headerValue.string else {
                throw table.error("headers", "the value of \"\(name)\" must be a string")
            }
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) }) else {
                throw table.error("headers", "\"\(name)\" is not a valid header name")
            }
            guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                throw table.error("headers", "the value of \"\(name)\" contains control characters (line breaks would inject headers)")
            }
            guard name.utf8.count <= 256, text.utf8.count <= Self.maxHeaderValueBytes else {
                throw table.error("headers", "\"\(name.prefix(64))\" is too long: names of at most 256 bytes, values of at most \(Self.maxHeaderValueBytes)")
            }
            if name.lowercased() == "host" {
                throw table.error("headers", "set the Host header with the endpoint's host key, not in headers")
            }
            result.append(HTTPHeader(name: name, value: text))
        }
        return result
    }

    // MARK: Typed values

    /// Names, sites, regions, hosts and URLs end up on screens, in CSV and in reports: control
    /// characters (escape sequences, tabs, line breaks) and invisible format characters (bidi
    /// overrides that reorder text) are refused, not silently dropped, so what is stored is
    /// what the file says. The value is not quoted: quoting it would print what was refused.
    private func rejectControlCharacters(_ text: String, key: String, _ table: TOMLSection) throws(TOMLFileError) {
        if !Sanitizer.isClean(text) {
            throw table.error(key, "contains control characters (tabs, line breaks, escape sequences) "
                              + "or invisible formatting characters (bidi overrides): remove them")
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

    private func size(_ table: TOMLSection, _ key: String) throws(TOMLFileError) -> Int64? {
        guard let text = try table.string(key) else { return nil }
        guard let bytes = ByteSize.bytes(text) else {
            throw table.error(key, "\"\(text)\" is not a size: write e.g. 512KB, 10MB or 1GiB")
        }
        return bytes
    }
}
