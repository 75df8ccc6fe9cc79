import CDNTopCore
import Foundation
import TOMLKit

/// The whole config file, validated: the vantage point, database settings and endpoints.
public struct CDNTopConfig: Sendable {
    /// Where the config was read from, for messages.
    public var path: String
    public var vantage: Vantage
    public var database: DatabaseSettings
    public var endpoints: [Endpoint]

    public struct DatabaseSettings: Sendable, Equatable {
        /// Overrides the default database path; `--db` overrides this.
        public var path: String?
        /// How long raw probes are kept, in seconds.
        public var retention: Double?
        /// How long the hourly and daily rollups are kept, in seconds.
        public var rollupRetention: Double?

        public init(path: String? = nil, retention: Double? = nil, rollupRetention: Double? = nil) {
            self.path = path
            self.retention = retention
            self.rollupRetention = rollupRetention
        }
    }

    /// The vantage label used when the config has no `[agent] region`.
    public static let defaultRegion = "local"

    /// Reads and validates the file at `path`.
    public static func load(path: String) throws(ConfigError) -> CDNTopConfig {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ConfigError(file: path, message: "no such file: create it (README.md shows an example) or pass --config FILE")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, message: "cannot read the file: check its permissions")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, message: "not UTF-8 text: TOML files must be UTF-8")
        }
        return try parse(text, path: path)
    }

    /// Validates config text; `path` only names the source in error messages.
    public static func parse(_ text: String, path: String) throws(ConfigError) -> CDNTopConfig {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: path, line: error.source.begin.line, message: "TOML syntax: \(error.description)")
        } catch {
            throw ConfigError(file: path, message: "TOML syntax: \(error)")
        }
        let reader = TableReader(file: path, source: SourceLines(text))
        try reader.rejectUnknownKeys(in: root, allowed: ["agent", "database", "endpoint"], table: nil)
        let vantage = try reader.vantage(root["agent"])
        let database = try reader.database(root["database"])
        let endpoints = try reader.endpoints(root["endpoint"])
        return CDNTopConfig(path: path, vantage: vantage, database: database, endpoints: endpoints)
    }
}
