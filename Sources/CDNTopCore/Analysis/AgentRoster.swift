import Foundation

/// The agents behind a window's probes, and what a viewer must be told about them: one that
/// went quiet ("ap-south silent 12 min") and one whose probes have not all arrived
/// ("eu-west: 340 probes not yet delivered"). The screen and the report say the same.
public struct AgentRoster: Sendable, Hashable {
    /// The agents heard from since the window's start, by region, then id.
    public let agents: [AgentActivity]

    public init(_ all: [AgentActivity], since: Date) {
        agents = all.filter { ($0.lastHeard ?? .distantPast) >= since }
            .sorted { ($0.region, $0.agent) < ($1.region, $1.agent) }
    }

    /// One thing to say about one agent.
    public struct Notice: Sendable, Hashable {
        public enum Kind: Sendable, Hashable {
            case silent(seconds: TimeInterval)
            case undelivered(probes: Int)
        }
        public var agent: String
        public var label: String
        public var kind: Kind

        public var text: String {
            switch kind {
            case .silent(let seconds): "\(label) silent \(Self.minutes(seconds))"
            case .undelivered(let probes): "\(label): \(probes) \(probes == 1 ? "probe" : "probes") not yet delivered"
            }
        }

        /// "12 min", "3 h 5 min", "2 d 4 h": a silence is read at a glance, not to the second.
        static func minutes(_ seconds: TimeInterval) -> String {
            let total = Int(seconds / 60)
            if total < 60 { return "\(max(total, 1)) min" }
            if total < 1440 { return total % 60 == 0 ? "\(total / 60) h" : "\(total / 60) h \(total % 60) min" }
            let hours = total / 60
            return hours % 24 == 0 ? "\(hours / 24) d" : "\(hours / 24) d \(hours % 24) h"
        }
    }

    /// Silent agents first (longest silence first), then backlogs (largest first). A silent
    /// agent's backlog is not reported: its last count is as old as its silence.
    public func notices(at now: Date) -> [Notice] {
        let regionCounts = Dictionary(agents.map { ($0.region, 1) }, uniquingKeysWith: +)
        func label(_ agent: AgentActivity) -> String {
            (regionCounts[agent.region] ?? 0) > 1 ? "\(agent.region) (\(agent.agent))" : agent.region
        }
        var silent: [Notice] = []
        var behind: [Notice] = []
        for agent in agents {
            if let quiet = agent.silence(at: now) {
                silent.append(Notice(agent: agent.agent, label: label(agent), kind: .silent(seconds: quiet)))
            } else if let waiting = agent.status?.waiting, waiting > 0 {
                behind.append(Notice(agent: agent.agent, label: label(agent), kind: .undelivered(probes: waiting)))
            }
        }
        silent.sort { Self.magnitude($0) > Self.magnitude($1) }
        behind.sort { Self.magnitude($0) > Self.magnitude($1) }
        return silent + behind
    }

    private static func magnitude(_ notice: Notice) -> Double {
        switch notice.kind {
        case .silent(let seconds): seconds
        case .undelivered(let probes): Double(probes)
        }
    }
}
