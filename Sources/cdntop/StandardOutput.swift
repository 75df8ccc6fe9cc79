import Foundation

/// Buffers stdout in large writes: an export of millions of probes should be limited by the
/// database, not by one write system call per line.
final class StandardOutput {
    private var buffer: [UInt8] = []
    private let flushThreshold: Int

    /// `lineBuffered` writes every line at once, for live output a person or a pipe watches.
    init(lineBuffered: Bool = false) {
        flushThreshold = lineBuffered ? 0 : 1 << 16
        buffer.reserveCapacity(flushThreshold + 4096)
    }

    func writeLine(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count > flushThreshold { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        // write(2) on the descriptor, not stdio: C's `stdout` is a global Swift 6 rejects,
        // and partial writes (a full pipe) are retried until everything is out.
        buffer.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { if errno == EINTR { continue } else { return } }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    deinit { flush() }
}
