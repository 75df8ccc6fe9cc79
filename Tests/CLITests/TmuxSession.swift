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
    @discardableResult
    func waitFor(_ what: String, seconds: Double = 20, sourceLocation: SourceLocation = #_sourceLocation,
                 _ condition: (String) -> Bool) -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var text = capture()
        while !condition(text), Date() < deadline {
            usleep(100_000)
            text = capture()
        }
        #expect(condition(text), "timed out waiting for \(what); the pane shows:\n\(text)", sourceLocation: sourceLocation)
        return text
    }

    @discardableResult
    func waitFor(text needle: String, seconds: Double = 20, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        waitFor("\"\(needle)\"", seconds: seconds, sourceLocation: sourceLocation) { $0.contains(needle) }
    }

    /// Runs a tmux client command and returns its output. Spawned and reaped with
    /// posix_spawn/waitpid, output through a file: the first command forks the server, which
    /// inherits the client's descriptors, and Foundation's Process then never sees the client end.
    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("\(socket)-\(UUID().uuidString.prefix(6)).out").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ["tmux", "-L", socket] + arguments
        let environment = ["PATH=/usr/bin:/bin", "TERM=xterm-256color", "LANG=C.UTF-8"]
        var cArguments = argv.map { strdup($0) } + [nil]
        var cEnvironment = environment.map { strdup($0) } + [nil]
        defer { (cArguments + cEnvironment).forEach { free($0) } }
        // The test runner's threads block signals; tmux and the program it runs must start with
        // none blocked and every handler at its default, as from a login shell.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/usr/bin/tmux", &actions, &attributes, &cArguments, &cEnvironment)
        guard spawned == 0 else { throw TmuxError(code: spawned) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }
}

struct TmuxError: Error {
    var code: Int32
}
