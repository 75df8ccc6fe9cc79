import Foundation
import Synchronization

/// Real Varnish, started by hand on loopback in a scratch directory (never as a system service),
/// with its default behaviour: the built-in VCL in front of one backend, no custom headers. What
/// a probe sees is what a stock Varnish sends: `X-Varnish` (one id on a miss, two on a hit),
/// `Via: 1.1 varnish (Varnish/7.1)` and `Age`.
///
/// ## Why not `ManagedProcess`
/// varnishd is spawned and reaped here with posix_spawn/waitpid rather than Foundation's
/// `Process`, for two reasons found the hard way:
/// - On Linux, `Process` learns that a child exited when a socket the child inherited reaches
///   end of file, then calls a *blocking* `waitpid` on the one thread that serves every
///   `Process` in the test run. varnishd closes every inherited descriptor at startup, so
///   Foundation took it for dead, blocked in `waitpid` until varnishd really exited, and every
///   other `Process` in the run (nginx and varnishadm, the day it was found) hung behind it.
/// - The test runner's threads block most signals, SIGTERM included, and a spawned program
///   inherits that mask. nginx resets its own; varnishd does not, so it would ignore SIGTERM.
///   It is started with no signal blocked and every handler at its default.
public final class VarnishServer: Sendable {
    /// The manager process: the one to stop. It forks the child that answers requests and
    /// stops it when told to stop.
    public let pid: pid_t
    /// The scratch directory, removed on `stop()`.
    public let directory: URL
    private let state = Mutex(State())

    /// Once the manager has been collected its PID may be reused by an unrelated process, so
    /// no signal may be sent to it after that.
    private struct State {
        var stopped = false
        var reaped = false
    }

    /// The instance's working directory (`-n`): where varnishncsa and varnishlog attach.
    public var workingDirectory: String { directory.appendingPathComponent("varnish").path }

    private init(pid: pid_t, directory: URL) {
        self.pid = pid
        self.directory = directory
    }

    deinit { stop() }

    /// Starts varnishd on `127.0.0.1:port` in front of the HTTP backend on `127.0.0.1:backendPort`
    /// and returns once its worker process (the "child") serves requests.
    public static func start(port: Int, backendPort: Int) throws -> VarnishServer {
        let varnishd = try ManagedProcess.executable("varnishd", package: "varnish")
        // varnishd started as root runs its child as the unprivileged `vcache` user, which must
        // be able to reach the working directory below: the scratch directory is 0755.
        let directory = try ManagedProcess.scratchDirectory(prefix: "cdntop-varnish")
        let workingDirectory = directory.appendingPathComponent("varnish").path
        let logPath = directory.appendingPathComponent("varnishd.log").path
        let arguments = [
            "-F",                                   // foreground: this PID is the manager to stop
            "-n", workingDirectory,                 // its own shared memory, not the system instance's
            "-a", "127.0.0.1:\(port)",
            "-b", "127.0.0.1:\(backendPort)",       // the built-in VCL with just this backend
            "-s", "malloc,16m",
        ]
        let pid: pid_t
        do {
            pid = try CleanSpawn.spawn(varnishd, arguments, output: logPath, ownProcessGroup: true)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        let server = VarnishServer(pid: pid, directory: directory)
        do {
            try server.waitUntilServing(workingDirectory: workingDirectory, port: port)
        } catch {
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            server.stop()
            throw TestServerError("varnishd did not start: \(error) \(log)")
        }
        return server
    }

    /// Stops varnishd by its PID and removes the scratch directory. SIGTERM lets the manager
    /// stop its child and clean up; if it has not exited within 5 s, SIGKILL goes to its
    /// process group (the manager, its child and any compiler it ran, nothing else), so a
    /// wedged Varnish can never outlive the test. Safe to call more than once.
    public func stop() {
        let first = state.withLock { state in
            defer { state.stopped = true }
            return !state.stopped
        }
        guard first else { return }
        if !reap(within: 0) {
            kill(pid, SIGTERM)
            if !reap(within: 5) {
                kill(-pid, SIGKILL)
                _ = reap(within: 5)
            }
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Collects the manager if it has exited, waiting up to `seconds` for it to; false if it
    /// still runs.
    private func reap(within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let done = state.withLock { state in
                if !state.reaped {
                    var status: Int32 = 0
                    let result = waitpid(pid, &status, WNOHANG)
                    state.reaped = result == pid || (result < 0 && errno == ECHILD)
                }
                return state.reaped
            }
            if done { return true }
            if Date() >= deadline { return false }
            usleep(10_000)
        }
    }

    /// The manager binds the listening socket before it compiles the VCL and forks the child
    /// that answers, so an open port alone does not mean Varnish serves: a request would sit in
    /// the kernel's backlog, and a child that fails to start would surface as a probe timeout.
    /// Asking the manager itself (`varnishadm status`: "Child in state running") turns that
    /// into a prompt, clear failure, and implies the port is bound.
    private func waitUntilServing(workingDirectory: String, port: Int, timeout: Double = 10) throws {
        let varnishadm = try ManagedProcess.executable("varnishadm", package: "varnish")
        let statusPath = directory.appendingPathComponent("status.out").path
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            if reap(within: 0) { throw TestServerError("varnishd exited") }
            last = (try? CleanSpawn.run(varnishadm, ["-n", workingDirectory, "-t", "2", "status"], output: statusPath)) ?? last
            // "running" and a port that accepts: a port another process took between FreePort
            // and varnishd's bind refuses our connection, and the caller retries another.
            if last.contains("running"), ManagedProcess.canConnect(port) { return }
            usleep(50_000)
        }
        throw TestServerError("the varnish child is not running and accepting on 127.0.0.1:\(port) after \(timeout) s: \(last)")
    }
}
