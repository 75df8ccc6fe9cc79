import Foundation
import TestSupport
import Testing

/// Runs the real `cdntop` executable the way a user or a script does.
struct CLIRunner {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    /// The built binary: next to the test bundle in SwiftPM's build folder.
    static var binary: String {
        if let explicit = ProcessInfo.processInfo.environment["CDNTOP_BINARY"] { return explicit }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("cdntop").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return ".build/debug/cdntop"
    }

    /// A scratch directory with a config file, a database path and a fresh HOME, so no test
    /// touches the user's own ~/.config or ~/.local.
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cdntop-cli-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    var configPath: String { directory.appendingPathComponent("config.toml").path }
    var databasePath: String { directory.appendingPathComponent("probes.sqlite").path }

    func writeConfig(_ text: String) throws {
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func start(_ arguments: [String]) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.environment = ["HOME": directory.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    func run(_ arguments: [String]) throws -> Outcome {
        let (process, out, err) = try start(arguments)
        return Self.finish(process, out, err)
    }

    static func finish(_ process: Process, _ out: Pipe, _ err: Pipe) -> Outcome {
        // Read both pipes before waiting, so a full pipe cannot stall the child.
        let errData = Mutexed<Data>()
        let reader = Thread { errData.value = PipeReader.readToEnd(err.fileHandleForReading) }
        reader.start()
        let outData = PipeReader.readToEnd(out.fileHandleForReading)
        process.waitUntilExit()
        while !errData.isSet { usleep(1000) }
        return Outcome(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                       stderr: String(decoding: errData.value ?? Data(), as: UTF8.self))
    }
}

