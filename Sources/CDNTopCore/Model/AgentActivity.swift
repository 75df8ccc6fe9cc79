import Foundation

/// What an agent says of itself each time it delivers to the probe database: the region it
/// probes from, how often it probes, and what waits in its outbox. Readers compare it with the
/// agent's newest probe to tell a quiet agent from one that is merely slow to deliver.
public struct AgentStatus: Sendable, Hashable, Codable {
    /// The agent's stable id (`ProbeResult.agent`).
    public var agent: String
    /// Its vantage label.
    public var region: String
    /// Seconds between its most frequent rounds: the gap after which it counts as late.
    public var interval: Double
    /// Probes measured but not yet delivered, as of `at`.
    public var waiting: Int
    /// Probes dropped at the outbox's bounds since the agent started.
    public var dropped: Int
    public var at: Date

    public init(agent: String, region: String, interval: Double, waiting: Int, dropped: Int, at: Date) {
        self.agent = agent
        self.region = region
        self.interval = interval
        self.waiting = waiting
        self.dropped = dropped
        self.at = at
    }
}

/// One agent as the probe database knows it: its newest stored probe and its last status.
public struct AgentActivity: Sendable, Hashable {
    public var agent: String
    public var region: String
    /// The newest probe of this agent stored, nil when none is.
    public var lastProbe: Date?
    /// What it last said of itself, nil for an agent that never reported (an older cdntop).
    public var status: AgentStatus?

    public init(agent: String, region: String, lastProbe: Date?, status: AgentStatus?) {
        self.agent = agent
        self.region = region
        self.lastProbe = lastProbe
        self.status = status
    }

    /// The shortest silence that counts as "gone quiet": three missed rounds, and never less
    /// than two minutes, so one slow round or a restart does not raise a flag.
    public var quietAfter: TimeInterval {
        max(3 * (status?.interval ?? 60), 120)
    }

    /// When it was last heard from: its newest probe or its newest status, whichever is later.
    public var lastHeard: Date? {
        [lastProbe, status?.at].compactMap { $0 }.max()
    }

    /// How long it has been silent at `now`, nil while it is not (yet) counted as quiet.
    public func silence(at now: Date) -> TimeInterval? {
        guard let lastHeard else { return nil }
        let quiet = now.timeIntervalSince(lastHeard)
        return quiet > quietAfter ? quiet : nil
    }
}
