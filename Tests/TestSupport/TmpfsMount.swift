import Foundation

/// A tmpfs mounted for one test (the tests run as root): a disk that can be filled, or made
/// read-only, for real, then unmounted.
public final class TmpfsMount {
    public let path: String

    public init(path: String, size: String) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try Self.run(["mount", "-t", "tmpfs", "-o", "size=\(size)", "tmpfs", path])
    }

    /// Fills the file system until a write fails for want of space.
    public func fill() {
        let filler = path + "/filler"
        guard FileManager.default.createFile(atPath: filler, contents: nil),
              let handle = FileHandle(forWritingAtPath: filler) else { return }
        defer { try? handle.close() }
        let chunk = Data(count: 64 * 1024)
        while (try? handle.write(contentsOf: chunk)) != nil {}
        let small = Data(count: 512)
        while (try? handle.write(contentsOf: small)) != nil {}
    }

    public func remountReadOnly() throws {
        try Self.run(["mount", "-o", "remount,ro", path])
    }

    public func unmount() {
        try? Self.run(["umount", "-l", path])
    }

    deinit { unmount() }

    private static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw POSIXError(.EPERM, userInfo: [NSLocalizedDescriptionKey: "\(arguments.joined(separator: " ")) failed"])
        }
    }
}
