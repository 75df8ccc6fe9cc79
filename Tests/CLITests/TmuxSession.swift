import Foundation
import TestSupport
import Testing

/// A detached tmux server of its own (its own socket, no user config, no status line) running
/// one command at a fixed size: how the end-to-end tests see the UI exactly as a person would.
final class TmuxSession {
    let socket = "cdntop-test-\(UUID().uuidString.prefix(8))"

    init(command: String, width: Int, height: Int) throws {
        // The server daemonizes and would keep a stdout pipe open forever: start it without one.
        try tmux(["-f", "/dev/null", "new-session", "-d", "-s", "ui", "-x", "\(width)", "-y", "\(height)", command])
        try tmux(["set-option", "-t", "ui", "status", "off"])
        try tmux(["set-option", "-t", "ui", "remain-on-exit", "on"])
    }

    deinit { kill() }

    func kill() {
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(atPath: "/tmp/tmux-\(getuid())/\(socket)")
    }

    /// The pane as text; with `escapes`, with its colour and attribute sequences.
    func capture(escapes: Bool = false) -> String {
        (try? tmux(["capture-pane", "-p", "-t", "ui"] + (escapes ? ["-e"] : []))) ?? ""
    }

    func send(_ keys: String...) throws {
        try tmux(["send-keys", "-t", "ui"] + keys)
    }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", "ui", "-x", "\(width)", "-y", "\(height)"])
    }

    func display(_ format: String) -> String {
        ((try? tmux(["display-message", "-p", "-t", "ui", format])) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls the pane until `condition` holds or `seconds` pass; returns the last capture.
    /// Waits with `Task.sleep`, so the test holds no thread of the shared test pool meanwhile.
    @discardableResult
    func waitFor(_ what: String, seconds: Double = 20, sourceLocation: SourceLocation = #_sourceLocation,
                 _ condition: (String) -> Bool) async -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var text = capture()
        while !condition(text), Date() < deadline {
            try? await Task.sleep(for: .milliseconds(100))
            text = capture()
        }
        #expect(condition(text), "timed out waiting for \(what); the pane shows:\n\(text)", sourceLocation: sourceLocation)
        return text
    }

    @discardableResult
    func waitFor(text needle: String, seconds: Double = 20, sourceLocation: SourceLocation = #_sourceLocation) async -> String {
        await waitFor("\"\(needle)\"", seconds: seconds, sourceLocation: sourceLocation) { $0.contains(needle) }
    }

    /// Runs a tmux client command and returns its output, through `CleanSpawn`: the first
    /// command forks the server, which would keep a pipe (and Foundation's `Process`) waiting
    /// forever, and the program in the pane must start with no signal blocked.
    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("\(socket)-\(UUID().uuidString.prefix(6)).out").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        return try CleanSpawn.run("/usr/bin/tmux", ["-L", socket] + arguments,
                                  environment: ["PATH": "/usr/bin:/bin", "TERM": "xterm-256color", "LANG": "C.UTF-8"],
                                  output: output)
    }
}

