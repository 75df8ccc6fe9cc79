import Foundation

/// Starting helper programs (varnishd, varnishadm, tmux) the way a login shell would, and not
/// the way Foundation's `Process` does on Linux, which two test fixtures found the hard way:
/// - `Process` learns that a child exited when a socket the child inherited reaches end of
///   file, then calls a blocking `waitpid` on the one thread serving every `Process` of the
///   run: a child that closes its inherited descriptors (varnishd) or forks a daemon that keeps
///   them (the tmux server) hangs every other `Process` in the run.
/// - The test runner's threads block most signals and a spawned program inherits that mask:
///   varnishd then ignores SIGTERM, and a program in tmux never sees SIGWINCH.
public enum CleanSpawn {
    /// Runs a short command to completion and returns what it printed (stdout and stderr).
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           output: String) throws -> String {
        let pid = try spawn(executable, arguments, environment: environment, output: output)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    /// Starts a program with stdin from /dev/null, stdout and stderr into the file `output`, no
    /// other descriptor inherited, no signal blocked and every handler at its default, as from
    /// a login shell; in a process group of its own when asked, so a last-resort SIGKILL to the
    /// group reaches only its processes. `environment` nil passes this process' environment.
    public static func spawn(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                             output: String, ownProcessGroup: Bool = false) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        try closeEverythingElse(&actions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        let group = ownProcessGroup ? POSIX_SPAWN_SETPGROUP : 0
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | group))

        let argv = [executable] + arguments
        let environment = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var cArguments = argv.map { strdup($0) } + [nil]
        var cEnvironment = environment.map { strdup($0) } + [nil]
        defer { (cArguments + cEnvironment).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, &cArguments, &cEnvironment)
        guard result == 0 else {
            throw TestServerError("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// Nothing but stdin, stdout and stderr may cross over to the child. SwiftNIO's listening
    /// sockets are not close-on-exec, so a child holding a copy keeps another test's "stopped"
    /// origin accepting connections (they queue, then reset when the child exits) and a probe
    /// of it fails as `protocol` instead of `connect`. glibc's closefrom action runs in the
    /// child, so a descriptor another thread opens meanwhile cannot slip through; Swift's Glibc
    /// module does not export it, hence the lookup (glibc 2.34 and later: Debian 12 has 2.36).
    private static func closeEverythingElse(_ actions: inout posix_spawn_file_actions_t) throws {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else {
            throw TestServerError("glibc lacks posix_spawn_file_actions_addclosefrom_np (needs 2.34 or later)")
        }
        let result = unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, 3)
        guard result == 0 else { throw TestServerError("closefrom action: \(String(cString: strerror(result)))") }
    }
}
