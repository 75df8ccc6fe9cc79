import Foundation

/// Real nginx, started by hand on loopback in a scratch directory (never as a system service).
public enum NginxServer {
    /// Starts nginx with `httpBlock` as the body of its `http {}` block. `{DIR}` in the block
    /// is replaced by the scratch directory, where the caller may have put files (certificates).
    public static func start(httpBlock: String, port: Int, prepare: (URL) throws -> Void = { _ in }) throws -> ManagedProcess {
        let nginx = try ManagedProcess.executable("nginx", package: "nginx")
        let directory = try ManagedProcess.scratchDirectory(prefix: "cdntop-nginx")
        try prepare(directory)
        let dir = directory.path
        let config = """
            daemon off;
            worker_processes 1;
            pid \(dir)/nginx.pid;
            error_log \(dir)/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path \(dir)/client_body;
                proxy_temp_path \(dir)/proxy;
                fastcgi_temp_path \(dir)/fastcgi;
                uwsgi_temp_path \(dir)/uwsgi;
                scgi_temp_path \(dir)/scgi;
                \(httpBlock.replacingOccurrences(of: "{DIR}", with: dir))
            }
            """
        try config.write(to: directory.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: nginx)
        process.arguments = ["-p", dir, "-c", "\(dir)/nginx.conf", "-e", "\(dir)/error.log"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let managed = ManagedProcess(process: process, directory: directory)
        do {
            try ManagedProcess.waitForPort(port, process: process)
        } catch {
            let log = (try? String(contentsOf: directory.appendingPathComponent("error.log"), encoding: .utf8)) ?? ""
            managed.stop()
            throw TestServerError("nginx did not start: \(error) \(log)")
        }
        return managed
    }

    /// Writes `cert.pem` and `key.pem` for CN=localhost into `directory` with the openssl tool.
    public static func makeSelfSignedCertificate(in directory: URL) throws {
        let openssl = try ManagedProcess.executable("openssl", package: "openssl")
        try ManagedProcess.run(openssl, [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", directory.appendingPathComponent("key.pem").path,
            "-out", directory.appendingPathComponent("cert.pem").path,
            "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ])
    }
}
