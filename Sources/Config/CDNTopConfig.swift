import CDNTopCore
import Foundation
import TOMLFile

/// The whole config file, validated: the vantage point, database settings and endpoints.
public struct CDNTopConfig: Sendable {
    /// Where the config was read from, for messages.
    public var path: String
    public var vantage: Vantage
    /// `[agent] id`: this agent's stable id; nil leaves it to the id kept in the state dir.
    public var agentID: String?
    public var database: DatabaseSettings
    public var outbox: OutboxSettings
    public var endpoints: [Endpoint]
    /// Alert thresholds per endpoint name (its own keys over its site's `[[site]]` defaults);
    /// endpoints without any limit are absent.
    public var thresholds: [String: AlertThresholds] = [:]
    /// `[ui] bell = true`: the UI rings the terminal bell when an alert starts.
    public var bell = false

    public struct DatabaseSettings: Sendable, Equatable {
        /// Overrides the default database: a file path (`path`) or a PostgreSQL URI (`url`);
        /// `--db` overrides this.
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

    /// `[outbox]`: where probes wait until the store holds them, and for how long.
    public struct OutboxSettings: Sendable, Equatable {
        /// Overrides the default outbox path; `--outbox` overrides this.
        public var path: String?
        /// How many probes may wait; past it the oldest are dropped (and counted).
        public var maxProbes: Int?
        /// How long, in seconds, a probe may wait before it is dropped (and counted).
        public var maxAge: Double?

        public init(path: String? = nil, maxProbes: Int? = nil, maxAge: Double? = nil) {
            self.path = path
            self.maxProbes = maxProbes
            self.maxAge = maxAge
        }
    }

    /// The vantage label used when the config has no `[agent] region`.
    public static let defaultRegion = "local"

    /// Reads and validates the file at `path`.
    public static func load(path: String) throws(TOMLFileError) -> CDNTopConfig {
        guard FileManager.default.fileExists(atPath: path) else {
            throw TOMLFileError(file: path, message: "no such file: create it (README.md shows an example)")
        }
        return try read(TOMLFile.load(path: path))
    }

    /// Validates config text; `path` only names the source in error messages.
    public static func parse(_ text: String, path: String) throws(TOMLFileError) -> CDNTopConfig {
        try read(TOMLFile(text: text, path: path))
    }

    private static func read(_ file: TOMLFile) throws(TOMLFileError) -> CDNTopConfig {
        let reader = TableReader(file: file.path)
        try file.root.rejectUnknownKeys(allowed: ["agent", "database", "outbox", "endpoint", "site", "ui"])
        var config = CDNTopConfig(path: file.path, vantage: try reader.vantage(file.root),
                                  database: try reader.database(file.root), outbox: try reader.outbox(file.root),
                                  endpoints: try reader.endpoints(file.root))
        config.thresholds = try reader.thresholds(file.root, endpoints: config.endpoints)
        config.bell = try reader.bell(file.root)
        config.agentID = try reader.agentID(file.root)
        return config
    }
}
