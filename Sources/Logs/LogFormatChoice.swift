import CDNTopCore
import Foundation

/// The `--format` values.
public enum LogFormatName: String, CaseIterable, Sendable {
    case nginx, varnishncsa, cloudflare, bunny, fastly, auto
}

/// What the command line says about the format: a name, maybe a `--log-format` string and
/// `--map` pairs. `parser(firstLines:)` turns it into a parser, sniffing for `auto`.
public struct LogFormatChoice: Sendable {
    public var name: LogFormatName
    public var logFormat: String?
    public var maps: [(field: String, key: String)]

    public init(name: LogFormatName, logFormat: String?, maps: [(field: String, key: String)]) {
        self.name = name
        self.logFormat = logFormat
        self.maps = maps
    }

    /// The parser for a log whose first lines are `firstLines`; for `auto`, also what was
    /// chosen and why, for stderr.
    public func parser(firstLines: [[UInt8]]) throws(LogFormatError) -> (parser: any LogLineParser, sniffed: String?) {
        switch name {
        case .auto:
            let (concrete, reason) = FormatSniffer.guess(firstLines: firstLines, logFormat: logFormat)
            var choice = self
            choice.name = concrete
            return (try choice.parser(firstLines: firstLines).parser, "\(concrete.rawValue) (\(reason))")
        case .nginx:
            try refuseMaps()
            return (try NginxFormat(logFormat: logFormat ?? NginxFormat.defaultFormat), nil)
        case .varnishncsa:
            try refuseMaps()
            return (try VarnishncsaFormat(format: logFormat ?? VarnishncsaFormat.defaultFormat), nil)
        case .cloudflare, .fastly:
            try refuseLogFormat()
            var format = name == .cloudflare ? JSONLineFormat.cloudflare : JSONLineFormat.fastly
            for (field, key) in maps { try format.map(field, to: key) }
            return (format, nil)
        case .bunny:
            try refuseLogFormat()
            try refuseMaps()
            return (BunnyFormat(), nil)
        }
    }

    private func refuseMaps() throws(LogFormatError) {
        guard let first = maps.first else { return }
        throw LogFormatError("--map \(first.field)=\(first.key): --map renames JSON keys, for --format fastly or cloudflare; \(name.rawValue) logs are read through --log-format")
    }

    private func refuseLogFormat() throws(LogFormatError) {
        guard logFormat != nil else { return }
        throw LogFormatError("--log-format is for --format nginx or varnishncsa; \(name.rawValue) logs have a fixed layout")
    }
}

/// Guesses a log's format from its first lines, for `--format auto`.
enum FormatSniffer {
    static func guess(firstLines: [[UInt8]], logFormat: String?) -> (LogFormatName, String) {
        if let logFormat {
            return logFormat.contains("$") ? (.nginx, "--log-format has nginx $variables")
                : (.varnishncsa, "--log-format has varnishncsa %codes")
        }
        guard let line = firstLines.first(where: { !$0.isEmpty }) else {
            return (.nginx, "the log is empty; nginx is the default")
        }
        let text = String(decoding: line.prefix(4096), as: UTF8.self)
        if text.first == "{" {
            let cloudflareKeys = ["\"EdgeStartTimestamp\"", "\"CacheCacheStatus\"", "\"ClientRequestHost\"", "\"EdgeColoCode\""]
            if cloudflareKeys.contains(where: text.contains) { return (.cloudflare, "JSON with Cloudflare Logpush field names") }
            return (.fastly, "JSON without Cloudflare field names")
        }
        if line.filter({ $0 == UInt8(ascii: "|") }).count >= BunnyFormat.fieldCount - 1 {
            return (.bunny, "\(BunnyFormat.fieldCount) or more '|'-separated fields")
        }
        // varnishncsa's %r writes the absolute URL ("GET http://host/path HTTP/1.1"), nginx's
        // $request the path as the client sent it.
        if text.range(of: #""[A-Z]+ https?://"#, options: .regularExpression) != nil {
            return (.varnishncsa, "a request line with an absolute URL, as varnishncsa's %r writes it")
        }
        return (.nginx, "a Common Log Format line with a path request, as nginx writes it")
    }
}
