import CDNTopCore
import Foundation
import Synchronization

/// The UI's log file. While the screen is drawn nothing may write to the terminal, so
/// stderr itself is pointed here: a library's stray warning lands in the file, not over a table.
enum Log {
    private static let handle = Mutex<FileHandle?>(nil)
    /// The terminal's stderr, kept to be put back when the UI ends.
    private static let savedStandardError = Mutex<Int32>(-1)

    /// Opens (appending) the log at `path` and sends stderr there. Returns false when it cannot:
    /// stderr is then sent to /dev/null rather than onto the screen.
    @discardableResult
    static func open(path: String) -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let descriptor = Foundation.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        let target = descriptor >= 0 ? descriptor : Foundation.open("/dev/null", O_WRONLY)
        guard target >= 0 else { return false }
        savedStandardError.withLock { saved in if saved < 0 { saved = dup(STDERR_FILENO) } }
        dup2(target, STDERR_FILENO)
        handle.withLock { $0 = FileHandle(fileDescriptor: STDERR_FILENO, closeOnDealloc: false) }
        if target != STDERR_FILENO { close(target) }
        return descriptor >= 0
    }

    /// Points stderr back at the terminal, once the screen is restored.
    static func restoreStandardError() {
        savedStandardError.withLock { saved in
            guard saved >= 0 else { return }
            dup2(saved, STDERR_FILENO)
            close(saved)
            saved = -1
        }
    }

    /// Writes one line; URL passwords in `message` (a `--db` URL, an endpoint) are masked and
    /// escape sequences and line breaks removed, so a message cannot forge or hide log lines.
    static func write(_ message: String) {
        let line = "\(ISO8601DateFormatter().string(from: Date())) \(Sanitizer.clean(CredentialMask.masked(message)))\n"
        handle.withLock { $0?.write(Data(line.utf8)) }
    }
}
