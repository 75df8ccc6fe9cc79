import CDNTopCore
import Foundation

/// Why the URLs of a `cdntop compare` cannot be probed: each message says what to fix.
public enum CompareError: Error, Equatable, CustomStringConvertible {
    case notHTTP(String)
    case badHost(String)
    case badResolve(String)

    public var description: String {
        switch self {
        case .notHTTP(let url):
            "\"\(CredentialMask.masked(Sanitizer.clean(url)))\" is not an http:// or https:// URL with a host"
        case .badHost(let host):
            "--host \"\(Sanitizer.clean(host))\" is not a host name"
        case .badResolve(let entry):
            "--resolve \"\(Sanitizer.clean(entry))\" is not HOST:PORT:ADDRESS (e.g. example.com:443:192.0.2.1)"
        }
    }
}

/// The URLs given on the command line as endpoints of one ad-hoc site.
///
/// `--host` and `--resolve` apply to every URL, as curl applies them without `--next`:
/// the Host header is sent to each URL's own host (never to a redirect's other host), and a
/// `--resolve` entry only changes the URLs whose host and port it names, so several entries
/// can pin several hosts in one run.
public enum CompareTargets {
    /// The site every compared URL belongs to, in the database with `--db`.
    public static let site = "compare"

    public static func endpoints(urls: [String], host: String?, resolve: [String],
                                 timeout: Double = Endpoint.defaultTimeout) throws(CompareError) -> [Endpoint] {
        for url in urls {
            guard let parsed = URLComponents(string: url), let scheme = parsed.scheme?.lowercased(),
                  scheme == "http" || scheme == "https", let urlHost = parsed.host, !urlHost.isEmpty,
                  !url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
                throw .notHTTP(url)
            }
        }
        if let host, host.isEmpty || host.contains(where: { $0.isWhitespace || $0 == "/" || $0.asciiValue.map { $0 < 0x20 } == true }) {
            throw .badHost(host)
        }
        for entry in resolve {
            let parts = entry.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, !parts[0].isEmpty, let port = Int(parts[1]), (1...65535).contains(port),
                  !parts[2].isEmpty, !entry.contains(where: \.isWhitespace) else { throw .badResolve(entry) }
        }
        let names = self.names(urls)
        return zip(names, urls).map { name, url in
            Endpoint(name: name, site: site, url: url, timeout: timeout, host: host, resolve: resolve)
        }
    }

    /// A short name per URL for tables: its host (and port); the path too where two URLs share
    /// a host; a number where even that repeats. Never the user name or password.
    static func names(_ urls: [String]) -> [String] {
        let hosts = urls.map { url -> String in
            let parts = URLComponents(string: url)
            let port = parts?.port.map { ":\($0)" } ?? ""
            return Sanitizer.clean((parts?.host ?? url) + port)
        }
        let withPaths = zip(urls, hosts).map { url, host -> String in
            guard hosts.filter({ $0 == host }).count > 1 else { return host }
            let path = URLComponents(string: url)?.percentEncodedPath ?? ""
            return host + Sanitizer.clean(path.isEmpty ? "/" : path)
        }
        var seen: [String: Int] = [:]
        return withPaths.map { name in
            seen[name, default: 0] += 1
            let repeats = withPaths.filter { $0 == name }.count
            return repeats > 1 ? "\(name) #\(seen[name]!)" : name
        }
    }
}
