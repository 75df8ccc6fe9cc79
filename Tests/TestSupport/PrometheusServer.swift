import Foundation

/// A real Prometheus server (Debian `prometheus`), started by hand on a loopback port with a
/// scratch data directory and a config that scrapes one target every second.
public enum PrometheusServer {
    public static func start(port: Int, scraping target: String) throws -> ManagedProcess {
        let prometheus = try ManagedProcess.executable("prometheus", package: "prometheus")
        let directory = try ManagedProcess.scratchDirectory(prefix: "cdntop-prometheus")
        let config = """
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: cdntop
                static_configs:
                  - targets: ["\(target)"]
            """
        try config.write(to: directory.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: prometheus)
        process.arguments = [
            "--config.file=\(directory.path)/prometheus.yml", "--storage.tsdb.path=\(directory.path)/data",
            "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
        ]
        let log = directory.appendingPathComponent("prometheus.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let managed = ManagedProcess(process: process, directory: directory)
        do {
            try ManagedProcess.waitForPort(port, process: process, timeout: 30)
        } catch {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            managed.stop()
            throw TestServerError("prometheus did not start: \(error) \(text)")
        }
        return managed
    }

    /// `promtool`, which the prometheus package ships beside the server.
    public static func promtool() throws -> String {
        try ManagedProcess.executable("promtool", package: "prometheus")
    }
}

/// A plain GET through the curl tool, for tests that read what a server of ours serves.
public enum HTTPGet {
    /// The status and body of `url`; status 0 when nothing answered.
    public static func fetch(_ url: String) throws -> (status: Int, body: String) {
        let curl = try ManagedProcess.executable("curl", package: "curl")
        let directory = try ManagedProcess.scratchDirectory(prefix: "cdntop-get")
        defer { try? FileManager.default.removeItem(at: directory) }
        let body = directory.appendingPathComponent("body").path
        let status = try CleanSpawn.run(curl, ["-s", "--max-time", "5", "-o", body, "-w", "%{http_code}", url],
                                        output: directory.appendingPathComponent("status").path)
        return (Int(status.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0,
                (try? String(contentsOfFile: body, encoding: .utf8)) ?? "")
    }
}
