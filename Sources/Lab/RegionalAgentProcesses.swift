import CDNTopCore
import Foundation

/// One `cdntop probe` process per vantage region, all writing one PostgreSQL database: the
/// demo's real topology, where each region's agent is its own process with its own agent id,
/// config and outbox, as it would be on its own machine.
///
/// Each child reads its config from `directory` (the lab's layout for its region), queues in
/// its own outbox there and logs its stderr there (`agent-<region>.log`), so the UI's screen
/// stays clean. The database password never goes on a command line, where `ps` shows it: the
/// children get the URI without it and the password in `PGPASSWORD`, which libpq reads.
/// Each child's stdin is a pipe held by this process; the hidden `--stop-on-stdin-eof` flag
/// makes a child stop when it closes, so a demo killed even with SIGKILL leaves no agents
/// probing behind it.
public final class RegionalAgentProcesses: @unchecked Sendable {
    public struct Child {
        public var region: Vantage
        public var agentID: String
        public var process: Process
        public var log: String
        fileprivate var lifeline: Pipe
    }

    public private(set) var children: [Child] = []
    private let executable: String
    private let databaseURI: String
    private let directory: URL

    public init(executable: String, databaseURI: String, directory: URL) {
        self.executable = executable
        self.databaseURI = databaseURI
        self.directory = directory
    }

    /// Starts an agent per region of `regions`, probing `lab`.
    public func start(lab: LabServer, regions: [Vantage]) throws {
        let (uri, password) = ConnectionPassword.split(databaseURI)
        var environment = ProcessInfo.processInfo.environment
        if let password { environment["PGPASSWORD"] = password }
        for region in regions {
            let name = Self.fileSafe(region.label)
            let config = directory.appendingPathComponent("agent-\(name).toml")
            try lab.layout.config(for: region).write(to: config, atomically: true, encoding: .utf8)
            let log = directory.appendingPathComponent("agent-\(name).log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            let agentID = Self.agentID(for: region)
            process.arguments = ["probe", "--config", config.path, "--db", uri, "--agent-id", agentID,
                                 "--outbox", directory.appendingPathComponent("outbox-\(name).sqlite").path,
                                 "--stop-on-stdin-eof"]
            process.environment = environment
            let lifeline = Pipe()
            process.standardInput = lifeline
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: log)
            try process.run()
            children.append(Child(region: region, agentID: agentID, process: process, log: log.path, lifeline: lifeline))
        }
    }

    /// Asks every agent to stop (their lifelines close; each finishes and delivers its round in
    /// flight) and waits up to `waitSeconds` in all; agents still running then get SIGTERM.
    /// Returns each agent's exit status by region label (nil: did not exit in time).
    @discardableResult
    public func stop(waitSeconds: Double = 15) -> [String: Int32?] {
        for child in children { try? child.lifeline.fileHandleForWriting.close() }
        let deadline = Date().addingTimeInterval(waitSeconds)
        var statuses: [String: Int32?] = [:]
        for child in children {
            while child.process.isRunning, Date() < deadline { usleep(20_000) }
            if child.process.isRunning { child.process.terminate() }
            statuses[child.region.label] = child.process.isRunning ? nil : child.process.terminationStatus
        }
        return statuses
    }

    /// The id the demo gives the agent of `region`.
    public static func agentID(for region: Vantage) -> String {
        "demo-" + fileSafe(region.label)
    }

    private static func fileSafe(_ label: String) -> String {
        String(label.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") ? $0 : "_" })
    }
}

/// A connection string's password taken out, so it can travel in `PGPASSWORD` instead of on
/// a command line: `postgres://u:secret@h/db` → `postgres://u@h/db`, a `password=` query
/// parameter (`postgres://u@h/db?password=secret&sslmode=require`) or keyword
/// (`host=h password=secret`) dropped; the password percent-decoded where the URI encodes it.
enum ConnectionPassword {
    static func split(_ connection: String) -> (uri: String, password: String?) {
        guard let scheme = connection.range(of: "://") else { return splitKeywords(connection) }
        var uri = connection
        var password: String?
        let rest = connection[scheme.upperBound...]
        let authorityEnd = rest.firstIndex { "/?#".contains($0) } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
            let written = String(authority[authority.index(after: colon)..<at])
            password = written.removingPercentEncoding ?? written
            uri = String(connection[..<scheme.upperBound]) + authority[..<colon] + rest[at...]
        }
        guard let question = uri.firstIndex(of: "?") else { return (uri, password) }
        var kept: [Substring] = []
        for parameter in uri[uri.index(after: question)...].split(separator: "&") {
            if parameter.lowercased().hasPrefix("password=") {
                let written = String(parameter.dropFirst("password=".count))
                password = written.removingPercentEncoding ?? written
            } else {
                kept.append(parameter)
            }
        }
        let base = String(uri[..<question])
        return (kept.isEmpty ? base : base + "?" + kept.joined(separator: "&"), password)
    }

    /// libpq's keyword form; a quoted value (`password='a b'`) is not split, and stays as it
    /// is: libpq reads it from the string, and `CredentialMask` hides it in messages.
    private static func splitKeywords(_ connection: String) -> (uri: String, password: String?) {
        var password: String?
        let kept = connection.split(separator: " ").filter { word in
            guard word.hasPrefix("password="), !word.contains("'") else { return true }
            password = String(word.dropFirst("password=".count))
            return false
        }
        return (kept.joined(separator: " "), password)
    }
}
