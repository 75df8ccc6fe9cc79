import Foundation

/// The real servers the ingest tests read logs from, started once per test process: nginx as
/// an origin of static files and, in front of it, nginx with `proxy_cache` writing an access
/// log in a custom `log_format`; Varnish in front of the same origin with varnishncsa writing
/// its log. Each test sends its traffic with a Host of its own, so it finds its own figures
/// (sites come from the host) in logs the tests share.
public final class LogServers: @unchecked Sendable {
    public static let nginxLogFormat = #"$remote_addr [$time_local] $host "$request" $status $body_bytes_sent "$sent_http_content_type" $upstream_cache_status $request_time "$http_user_agent""#
    public static let varnishFormat = #"%h %{Host}i %t "%r" %s %b "%{Content-Type}o" %{Varnish:handling}x %D "%{User-agent}i""#

    public static let shared: Result<LogServers, any Error> = Result { try LogServers() }

    public let nginx: ManagedProcess
    public let originPort: Int
    public let cachePort: Int
    public let varnish: VarnishServer
    public let varnishPort: Int
    let varnishncsaPID: pid_t
    public var nginxLog: String { nginx.directory.appendingPathComponent("access.log").path }
    public let varnishLog: String

    private init() throws {
        originPort = FreePort.next()
        cachePort = FreePort.next()
        nginx = try NginxServer.start(httpBlock: """
            include /etc/nginx/mime.types;
            log_format cdn '\(Self.nginxLogFormat)';
            proxy_cache_path {DIR}/cache keys_zone=logs:1m;
            server {
                listen 127.0.0.1:\(originPort);
                root {DIR}/www;
            }
            server {
                listen 127.0.0.1:\(cachePort);
                access_log {DIR}/access.log cdn;
                location / {
                    proxy_pass http://127.0.0.1:\(originPort);
                    proxy_cache logs;
                    proxy_cache_key $host$request_uri;
                    proxy_cache_valid 200 10m;
                }
            }
            """, port: cachePort) { directory in
            let www = directory.appendingPathComponent("www")
            try FileManager.default.createDirectory(at: www, withIntermediateDirectories: true)
            for (name, body) in [("index.html", "<html>hi</html>"), ("style.css", "body{}"), ("logo.png", "PNG"),
                                 ("data.json", "{}")] {
                try Data(body.utf8).write(to: www.appendingPathComponent(name))
            }
            try FileManager.default.createDirectory(at: directory.appendingPathComponent("cache"), withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o777])
        }
        try ManagedProcess.waitForPort(originPort, process: nginx.process)
        varnishPort = FreePort.next()
        varnish = try VarnishServer.start(port: varnishPort, backendPort: originPort)
        varnishLog = varnish.directory.appendingPathComponent("varnishncsa.log").path
        let varnishncsa = try Self.executable("varnishncsa")
        varnishncsaPID = try CleanSpawn.spawn(varnishncsa, ["-n", varnish.workingDirectory, "-F", Self.varnishFormat, "-w", varnishLog],
                                              output: varnish.directory.appendingPathComponent("varnishncsa.out").path)
        // varnishncsa logs what happens after it attached: wait until a request shows up.
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            try Self.curl(port: varnishPort, host: "warmup.test", ["/index.html"])
            if ((try? String(contentsOfFile: varnishLog, encoding: .utf8)) ?? "").contains("warmup.test") { return }
            usleep(50_000)
        }
        throw TestServerError("varnishncsa wrote nothing to \(varnishLog)")
    }

    deinit {
        kill(varnishncsaPID, SIGTERM)
        var status: Int32 = 0
        waitpid(varnishncsaPID, &status, 0)
        varnish.stop()
        nginx.stop()
    }

    public static func executable(_ name: String) throws -> String {
        for directory in ["/usr/bin", "/usr/sbin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
            return "\(directory)/\(name)"
        }
        throw TestServerError("\(name) not found")
    }

    /// Requests `paths` in order, one connection after another, with the given Host.
    public static func curl(port: Int, host: String, _ paths: [String], extra: [String] = []) throws {
        var arguments = ["-s", "-H", "Host: \(host)", "-A", "curl-agent-SECRET-UA"] + extra
        for path in paths { arguments += ["-o", "/dev/null", "http://127.0.0.1:\(port)\(path)"] }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("curl-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        _ = try CleanSpawn.run(try executable("curl"), arguments, output: output)
    }

    /// Waits until `log` holds `count` lines mentioning `host` (a server writes its log line
    /// after the response has gone).
    public static func waitForLines(_ log: String, host: String, count: Int) throws {
        let deadline = Date().addingTimeInterval(15)
        var seen = 0
        while Date() < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            seen = text.split(separator: "\n").filter { $0.contains(" \(host) ") }.count
            if seen >= count { return }
            usleep(20_000)
        }
        throw TestServerError("\(log) has \(seen) lines for \(host), expected \(count)")
    }
}

