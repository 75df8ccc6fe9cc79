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
    /// While the rest of an overlong line is being skipped: the file offset where it began.
    private var overlongStart: Int64?
    /// The file offset of `buffer[0]`.
    private var bufferOffset: Int64

    /// File offset just past the last whole line handed out (or skipped whole): never inside
    /// a line, so a run resuming there neither starts mid-line nor counts a line twice.
    public var consumedOffset: Int64 { overlongStart ?? bufferOffset }
    /// File offset just past the last byte read (a file shorter than this was truncated).
    public var readOffset: Int64 { bufferOffset + Int64(filled) }

    public init(descriptor: Int32, offset: Int64) {
        self.descriptor = descriptor
        bufferOffset = offset
        buffer = .allocate(capacity: Self.chunkSize + Self.maximumLineLength)
    }

    deinit { buffer.deallocate() }

    public enum Outcome { case more, endOfFile }

    /// Reads once and calls `line` for each whole line now complete (without its "\n" or
    /// "\r\n") and `overlong` for each line skipped for its length, once its end is read (a
    /// run stopping before then resumes at its start and counts it then). `.endOfFile` when
    /// there was nothing to read.
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
            if overlongStart != nil {
                overlongStart = nil
                overlong()
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
        if overlongStart != nil || rest > Self.maximumLineLength {
            // The unfinished line is already too long: drop what there is, skip to its end.
            if overlongStart == nil { overlongStart = bufferOffset }
            bufferOffset += Int64(rest)
            filled = 0
        } else {
            if start > 0, rest > 0 { memmove(base, base + start, rest) }
            filled = rest
        }
        return .more
    }

    /// Hands out the unfinished last line, for input that has ended for good (stdin at end
    /// of file); an overlong one is counted as skipped.
    public func finishUnterminatedLine(_ line: (LogBytes) throws -> Void, overlong: () -> Void) rethrows {
        if overlongStart != nil {
            overlongStart = nil
            overlong()
            return
        }
        guard filled > 0 else { return }
        try line(LogBytes(start: buffer.baseAddress!, count: filled))
        bufferOffset += Int64(filled)
        filled = 0
    }

    /// Forgets what was buffered and continues at `offset` (a truncated file read again from 0).
    public func restart(at offset: Int64) {
        filled = 0
        overlongStart = nil
        bufferOffset = offset
    }
}

/// A failed system call, with the C library's words for it.
public struct POSIXFailure: Error, CustomStringConvertible, Sendable {
    public let errno: Int32
    public var description: String { String(cString: strerror(errno)) }
}
