import Foundation

/// A real PostgreSQL 15 (Debian's `postgresql`), started by hand in a scratch directory: a
/// cluster made by `initdb` as the `postgres` user, listening on a free loopback port with
/// its unix socket in the scratch directory, password (SCRAM) logins over TCP for a role with
/// a password, and TLS with a throwaway CA. Never a system service.
///
/// One server per test process (`shared`), started on first use and stopped by PID when the
/// process exits; each test makes its own database (`createDatabase`).
public final class PostgresServer: Sendable {
    public static let binaries = "/usr/lib/postgresql/15/bin"
    /// The login role the stores connect as, and its password.
    public let user = "cdntop_test"
    public let password: String
    public let port: Int
    public let directory: URL
    /// The CA that signed the server's certificate (CN and SAN localhost, 127.0.0.1).
    public let caCertificate: String
    /// A CA that signed nothing the server has: verify-full against it must fail.
    public let otherCACertificate: String
    /// The server's settings, given to `pg_ctl start` each time it starts.
    private let options: String

    private static let started: Result<PostgresServer, any Error> = {
        let result = Result { try PostgresServer.start() }
        if case .success = result { atexit { if case .success(let server) = PostgresServer.started { server.stop() } } }
        return result
    }()

    /// The server this test process shares, started on first use.
    public static func shared() throws -> PostgresServer {
        try started.get()
    }

    /// A server of its own, for a test that stops and restarts it; `stop()` it when done.
    public static func start() throws -> PostgresServer {
        var lastError: (any Error)?
        // A free port can be taken by another process before the server binds it: try another.
        for _ in 0..<3 {
            do {
                return try PostgresServer(port: FreePort.next())
            } catch {
                lastError = error
            }
        }
        throw lastError!
    }

    private init(port: Int) throws {
        self.port = port
        password = "pw-" + UUID().uuidString.prefix(12).lowercased()
        let directory = try ManagedProcess.scratchDirectory(prefix: "cdntop-postgres")
        self.directory = directory
        let dir = directory.path
        caCertificate = dir + "/ca.pem"
        otherCACertificate = dir + "/other-ca.pem"
        try Self.makeCertificates(in: dir)
        _ = try Self.run("/bin/chown", ["-R", "postgres:postgres", dir])
        _ = try Self.run("/bin/chmod", ["600", dir + "/server.key"])
        try Self.asPostgres("\(Self.binaries)/initdb", ["-D", dir + "/data", "-U", "postgres", "-E", "UTF8",
                                                       "--locale=C", "--auth-local=trust",
                                                       "--auth-host=scram-sha-256", "--no-sync"])
        let options = [
            "-p \(port)", "-k \(dir)", "-c listen_addresses=127.0.0.1", "-c ssl=on",
            "-c ssl_cert_file=\(dir)/server.pem", "-c ssl_key_file=\(dir)/server.key",
            "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off",
            "-c max_connections=300", "-c password_encryption=scram-sha-256",
        ].joined(separator: " ")
        self.options = options
        try control(["-o", options, "start"])
        try superuser("CREATE ROLE \(user) LOGIN CREATEDB PASSWORD '\(password)'")
    }

    /// A new, empty database owned by the test role.
    public func createDatabase() throws -> String {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try superuser("CREATE DATABASE \(name) OWNER \(user)")
        return name
    }

    /// `postgres://user:password@127.0.0.1:port/database`, with `query` appended.
    public func uri(database: String, password: String? = nil, query: String = "") -> String {
        "postgres://\(user):\(password ?? self.password)@127.0.0.1:\(port)/\(database)" + (query.isEmpty ? "" : "?" + query)
    }

    /// Runs SQL as the test role in `database`, over the unix socket (as the cluster's owner
    /// would, to set up what a test needs: another program's tables, a future migration).
    public func execute(_ sql: String, database: String) throws {
        try Self.asPostgres("/usr/bin/psql", ["-h", directory.path, "-p", "\(port)", "-U", user, "-d", database,
                                              "-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
    }

    /// The rows of a query as the test role, unaligned (`psql -At`), trimmed.
    public func query(_ sql: String, database: String) throws -> String {
        try Self.run("/usr/sbin/runuser", ["-u", "postgres", "--", "/usr/bin/psql", "-h", directory.path, "-p", "\(port)",
                                           "-U", user, "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func superuser(_ sql: String) throws {
        try Self.asPostgres("/usr/bin/psql", ["-h", directory.path, "-p", "\(port)", "-U", "postgres", "-d", "postgres",
                                              "-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
    }

    /// Stops the server (fast shutdown) by its postmaster's PID, waits for it to exit, and
    /// removes its directory.
    public func stop() {
        if let pid = postmasterPID() {
            kill(pid, SIGINT)
            let deadline = Date().addingTimeInterval(30)
            while kill(pid, 0) == 0, Date() < deadline { usleep(20_000) }
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// The running postmaster's PID, from the first line of its PID file (a restart changes it).
    private func postmasterPID() -> Int32? {
        let text = try? String(contentsOfFile: directory.path + "/data/postmaster.pid", encoding: .utf8)
        return text?.split(separator: "\n").first.flatMap { Int32($0) }
    }

    /// Stops the server (fast shutdown) and keeps its data: an outage, until `resume`.
    public func pause() throws {
        try control(["-m", "fast", "stop"])
    }

    /// Starts a paused server again, on the same port, with the same data.
    public func resume() throws {
        try control(["-o", options, "start"])
    }

    /// Stops the server without removing its data, and starts it again on the same port.
    public func restart() throws {
        try control(["-m", "fast", "restart"])
    }

    private static func asPostgres(_ executable: String, _ arguments: [String], output: String? = nil) throws {
        _ = try run("/usr/sbin/runuser", ["-u", "postgres", "--", executable] + arguments, output: output)
    }

    /// `pg_ctl` with this cluster's data directory and log, waiting for what it does.
    private func control(_ arguments: [String]) throws {
        let dir = directory.path
        try Self.asPostgres("\(Self.binaries)/pg_ctl", ["-D", dir + "/data", "-l", dir + "/server.log", "-w", "-t", "60"]
                            + arguments, output: dir + "/pg_ctl.log")
    }

    /// Runs a command to completion through `CleanSpawn` (not `Process`: `pg_ctl` leaves a
    /// server behind that keeps inherited descriptors) and returns its output, or fails
    /// with it.
    private static func run(_ executable: String, _ arguments: [String], output: String? = nil) throws -> String {
        let file = output ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("cdntop-postgres-cmd-\(UUID().uuidString.prefix(8))").path
        defer { if output == nil { try? FileManager.default.removeItem(atPath: file) } }
        let pid = try CleanSpawn.spawn(executable, arguments, output: file)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        // Exited normally with status 0: the low 7 bits (signal) and the exit code are zero.
        guard status == 0 else {
            throw TestServerError("\(executable) \(arguments.joined(separator: " ")) failed: \(text)")
        }
        return text
    }

    /// A CA, a server certificate it signs for localhost and 127.0.0.1, and an unrelated CA.
    private static func makeCertificates(in dir: String) throws {
        let openssl = try ManagedProcess.executable("openssl", package: "openssl")
        for ca in ["ca", "other-ca"] {
            _ = try Self.run(openssl, [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "\(dir)/\(ca).key", "-out", "\(dir)/\(ca).pem", "-days", "2",
                "-subj", "/CN=cdntop test \(ca)",
            ])
        }
        _ = try Self.run(openssl, [
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "\(dir)/server.key", "-out", "\(dir)/server.csr", "-subj", "/CN=localhost",
        ])
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\n".write(toFile: "\(dir)/san.ext", atomically: true, encoding: .utf8)
        _ = try Self.run(openssl, [
            "x509", "-req", "-in", "\(dir)/server.csr", "-CA", "\(dir)/ca.pem", "-CAkey", "\(dir)/ca.key",
            "-CAcreateserial", "-out", "\(dir)/server.pem", "-days", "2", "-extfile", "\(dir)/san.ext",
        ])
    }
}
