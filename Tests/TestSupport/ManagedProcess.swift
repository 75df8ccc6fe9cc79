import Foundation

/// A server process a test starts and must stop, by its PID, whatever happens to the test.
public final class ManagedProcess: @unchecked Sendable {
    public let process: Process
    public let directory: URL

    init(process: Process, directory: URL) {
        self.process = process
        self.directory = directory
    }

    public var pid: Int32 { process.processIdentifier }

    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }

    /// The full path of a program in PATH or the sbin directories (where Debian puts nginx and
    /// varnishd), or an error that says which package to install.
    static func executable(_ name: String, package: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/local/sbin"]
        for directory in directories where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
            return "\(directory)/\(name)"
        }
        throw TestServerError("\(name) not found: install it with `apt-get install \(package)`")
    }

    /// Makes a scratch directory every user can read: nginx and varnishd started as root hand
    /// their work to unprivileged workers that must read the files in it.
    static func scratchDirectory(prefix: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        return directory
    }

    /// Runs a short command to completion and fails with its output when it fails.
    static func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: PipeReader.readToEnd(output.fileHandleForReading), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestServerError("\(executable) \(arguments.joined(separator: " ")) failed: \(text)")
        }
    }

    /// Waits until something accepts TCP connections on the loopback port.
    static func waitForPort(_ port: Int, process: Process, timeout: Double = 10) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard process.isRunning else { throw TestServerError("server exited with status \(process.terminationStatus)") }
            if canConnect(port) { return }
            usleep(20_000)
        }
        throw TestServerError("nothing listens on 127.0.0.1:\(port) after \(timeout) s")
    }

    static func canConnect(_ port: Int) -> Bool {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

public struct TestServerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
