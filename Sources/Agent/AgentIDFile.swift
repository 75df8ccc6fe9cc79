import CDNTopCore
import Foundation

/// The agent's stable id when neither `--agent-id` nor `[agent] id` sets one: made on the
/// first run from the host name and a random suffix ("fra-vm-3c9e1a"), kept in a file under
/// the state directory, and read back on every later run, so restarts and upgrades keep it.
public enum AgentIDFile {
    /// The id in the file at `path`, made and written there first when the file is missing.
    /// Two agents starting at once on a fresh host agree: the id is written to a temporary
    /// file that is then hard-linked into place, which fails when the file exists, so the
    /// file is never seen half-written and the one that loses reads the winner's.
    public static func load(path: String) throws -> String {
        if let existing = try read(path) { return existing }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".agent-id.\(getpid()).\(UInt32.random(in: 0...UInt32.max))").path
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data((made() + "\n").utf8).write(to: URL(fileURLWithPath: temporary))
        } catch {
            throw AgentIDFileError(path: path, reason: FileProblem.describe(error))
        }
        defer { unlink(temporary) }
        if link(temporary, path) != 0 && errno != EEXIST {
            throw AgentIDFileError(path: path, reason: String(cString: strerror(errno)))
        }
        guard let id = try read(path) else { throw AgentIDFileError(path: path, reason: "it is empty") }
        return id
    }

    private static func read(_ path: String) throws -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw AgentIDFileError(path: path, reason: FileProblem.describe(error))
        }
        let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let problem = AgentID.problem(with: id) { throw AgentIDFileError(path: path, reason: problem) }
        return id
    }

    /// The host's short name, reduced to id characters, and six random hex digits.
    private static func made() -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "agent"
        let cleaned = String(host.lowercased().unicodeScalars.filter {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-")
        }.prefix(40).map(Character.init))
        let suffix = String(UInt32.random(in: 0...0xFF_FFFF), radix: 16)
        return (cleaned.isEmpty ? "agent" : cleaned) + "-" + String(repeating: "0", count: 6 - suffix.count) + suffix
    }
}

public struct AgentIDFileError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String {
        "the agent id file \(path) is not usable (\(reason)): fix or delete it, or set [agent] id"
    }
}
