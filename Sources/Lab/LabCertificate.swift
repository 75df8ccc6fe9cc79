import CDNTopCore
import Foundation

/// The lab's throwaway TLS identity: a self-signed certificate and its key, made with the
/// `openssl` tool at every lab start into a fresh temp directory, for the host names the
/// agents send and the POP addresses they connect to (30 days, longer than a lab runs). Made
/// rather than shipped, so no private key lives in the repository; the lab removes the
/// directory when it stops.
struct LabCertificate: Sendable {
    /// The temp directory holding `cert.pem` and `key.pem`.
    let directory: URL
    var certificatePath: String { directory.appendingPathComponent("cert.pem").path }
    var keyPath: String { directory.appendingPathComponent("key.pem").path }

    /// Makes the certificate for `hostNames` (DNS entries) and `addresses` (IP entries), with
    /// `commonName` as its subject, with the `openssl` found on `searchPath` (PATH's syntax).
    static func make(commonName: String, hostNames: [String], addresses: [String],
                     searchPath: String = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") throws(LabStartError) -> LabCertificate {
        let openssl = try executable("openssl", searchPath: searchPath)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cdntop-lab-tls-\(UUID().uuidString.prefix(8))")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw LabStartError("cannot make a temp directory for the lab's certificate: \(error.localizedDescription)")
        }
        let certificate = LabCertificate(directory: directory)
        let alternativeNames = hostNames.map { "DNS:\($0)" } + addresses.map { "IP:\($0)" }
        do {
            try run(openssl, [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", certificate.keyPath, "-out", certificate.certificatePath, "-days", "30",
                "-subj", "/CN=\(commonName)", "-addext", "subjectAltName=" + alternativeNames.joined(separator: ","),
            ])
        } catch {
            certificate.remove()
            throw error
        }
        return certificate
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The tool's path in `searchPath`, or an error that says what to install.
    private static func executable(_ name: String, searchPath: String) throws(LabStartError) -> String {
        for directory in searchPath.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
            return "\(directory)/\(name)"
        }
        throw LabStartError("\(name) not found on PATH: the lab makes its throwaway TLS certificate with it; "
                            + "install it (apt-get install openssl, or scripts/install-system-packages)")
    }

    private static func run(_ executable: String, _ arguments: [String]) throws(LabStartError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = output
        do {
            try process.run()
        } catch {
            throw LabStartError("cannot run \(executable): \(error.localizedDescription)")
        }
        let said = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = Sanitizer.clean(bytes: said).trimmingCharacters(in: .whitespacesAndNewlines)
            throw LabStartError("openssl could not make the lab's certificate (exit \(process.terminationStatus)): \(text)")
        }
    }
}

/// Why the lab could not start, in words for the person who started it.
public struct LabStartError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
