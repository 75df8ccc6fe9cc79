import Foundation

/// Reads a file descriptor in large chunks and hands out whole lines as views into its one
/// buffer: memory stays flat however large the file (a 10 GB log is read through the same
/// megabyte), and no line is copied. It remembers the offset of the end of the last whole
/// line, the point a later run resumes from.
public final class LineReader {
    /// Lines longer than this are not log lines a CDN writes: they are skipped whole and
    /// counted as malformed, so one giant line cannot grow the buffer without bound.
    public static let maximumLineLength = 1 << 16
    static let chunkSize = 1 << 20

    public let descriptor: Int32
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    /// Bytes in `buffer[0..<filled]` not yet handed out (the start of an unfinished line).
    private var filled = 0
    /// True while the rest of an overlong line is being skipped.
    private var skippingOverlong = false
    /// The file offset of `buffer[0]`.
    private var bufferOffset: Int64

    /// File offset just past the last whole line handed out (or skipped).
    public var consumedOffset: Int64 { bufferOffset }
    /// Bytes read after the last newline: an unfinished line.
    public var pendingBytes: Int { filled }

    public init(descriptor: Int32, offset: Int64) {
        self.descriptor = descriptor
        bufferOffset = offset
        buffer = .allocate(capacity: Self.chunkSize + Self.maximumLineLength)
    }

    deinit { buffer.deallocate() }

    public enum Outcome { case more, endOfFile }

    /// Reads once and calls `line` for each whole line now complete (without its "\n" or
    /// "\r\n") and `overlong` for each line skipped for its length. `.endOfFile` when there
    /// was nothing to read.
    public func readChunk(line: (LogBytes) throws -> Void, overlong: () -> Void) throws -> Outcome {
        let room = buffer.count - filled
        var count: Int
        repeat {
            count = read(descriptor, buffer.baseAddress! + filled, room)
        } while count < 0 && errno == EINTR
        guard count >= 0 else { throw POSIXFailure(errno: errno) }
        guard count > 0 else { return .endOfFile }
        let end = filled + count
        var start = 0
        var scan = filled
        let base = buffer.baseAddress!
        while scan < end, let found = memchr(base + scan, 0x0A, end - scan) {
            let newline = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if skippingOverlong {
                skippingOverlong = false
            } else if newline - start > Self.maximumLineLength {
                overlong()
            } else {
                var lineEnd = newline
                if lineEnd > start, base[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                try line(LogBytes(start: base + start, count: lineEnd - start))
            }
            start = newline + 1
            scan = start
        }
        bufferOffset += Int64(start)
        let rest = end - start
        if skippingOverlong || rest > Self.maximumLineLength {
            // The unfinished line is already too long: drop what there is, skip to its end.
            if !skippingOverlong { overlong() }
            skippingOverlong = true
            bufferOffset += Int64(rest)
            filled = 0
        } else {
            if start > 0, rest > 0 { memmove(base, base + start, rest) }
            filled = rest
        }
        return .more
    }

    /// Hands out the unfinished last line, for input that has ended for good (stdin at end
    /// of file).
    public func finishUnterminatedLine(_ line: (LogBytes) throws -> Void) rethrows {
        guard filled > 0, !skippingOverlong else { return }
        try line(LogBytes(start: buffer.baseAddress!, count: filled))
        bufferOffset += Int64(filled)
        filled = 0
    }

    /// Forgets what was buffered and continues at `offset` (a truncated file read again from 0).
    public func restart(at offset: Int64) {
        filled = 0
        skippingOverlong = false
        bufferOffset = offset
    }
}

/// A failed system call, with the C library's words for it.
public struct POSIXFailure: Error, CustomStringConvertible, Sendable {
    public let errno: Int32
    public var description: String { String(cString: strerror(errno)) }
}
