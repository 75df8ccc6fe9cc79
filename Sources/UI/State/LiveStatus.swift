import CDNTopCore
import Foundation

/// What this process' own prober is doing, as the UI shows it: which probes are in flight
/// and the results that landed since the database was last read, so an ad-hoc round is
/// visible the moment each probe lands rather than on the next database poll.
public struct LiveStatus: Sendable, Hashable {
    /// False with `--no-probe` or without a config: the UI only reads the database.
    public var probing: Bool
    public var inFlight: Set<EndpointKey> = []
    /// Newest result per endpoint from this process, without its headers (the detail view
    /// reads those from the database).
    public var landed: [EndpointKey: ProbeResult] = [:]

    public init(probing: Bool) {
        self.probing = probing
    }
}

/// An endpoint as the prober knows it: names are unique within a config, not across sites
/// sharing a database, so the site is part of the key.
public struct EndpointKey: Sendable, Hashable {
    public var site: String
    public var name: String

    public init(site: String, name: String) {
        self.site = site
        self.name = name
    }
}

/// A short message in the footer: "report written to …", "probing 3 endpoints…".
public struct Notice: Sendable, Hashable {
    public var text: String
    public var isProblem: Bool
    public var until: Date

    public init(text: String, isProblem: Bool = false, until: Date) {
        self.text = text
        self.isProblem = isProblem
        self.until = until
    }
}
