import CDNTopCore
import Foundation
@testable import Logs
import Testing

/// The positions ingest stores, looked at directly: where a stopped run would resume.
@Suite struct LogIngestTests {
    /// Keeps what ingest hands the store, in memory: these tests look at the positions
    /// between writes, which the command cannot show.
    private final class RecordingSink: TrafficSink {
        var marks: [FileMark] = []
        func resumeMark(source: String) throws -> FileMark? { marks.last { $0.source == source } }
        func store(_ minutes: [TrafficMinute], mark: FileMark?) throws {
            if let mark { marks.append(mark) }
        }
    }

    private final class Messages { var said: [String] = [] }

    static func line(_ path: String) -> String {
        #"203.0.113.9 - - [08/Oct/2026:04:00:00 +0000] "GET \#(path) HTTP/1.1" 200 10 "-" "UA" HIT"# + "\n"
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cdntop-ingest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func aTruncationStoresTheRestartAtOnceNotTheOldOffset() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("access.log").path
        let before = Self.line("/first-long-path-before") + Self.line("/b") + Self.line("/c")
        try before.write(toFile: log, atomically: false, encoding: .utf8)
        let after = Self.line("/d")
        let sink = RecordingSink()
        let messages = Messages()
        let ingest = LogIngest(choice: LogFormatChoice(name: .nginx, logFormat: nil, maps: []), site: "s",
                               provider: nil, sink: sink) { messages.said.append($0) }
        var truncated = false
        var checked = false
        let deadline = Date().addingTimeInterval(15)
        try ingest.run(paths: [log], follow: true) { _ in
            if !truncated, ingest.summary.lines == 3 {
                // copytruncate: emptied in place, then a shorter line written.
                do {
                    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
                    try handle.truncate(atOffset: 0)
                    try handle.write(contentsOf: Data(after.utf8))
                    try handle.close()
                } catch {
                    Issue.record(error)
                    return true
                }
                truncated = true
            }
            if truncated, ingest.summary.lines == 4 {
                // A stop here (even a crash) must resume inside the new contents, not at the
                // old offset past them.
                let stored = sink.marks.last?.offset ?? -1
                #expect(stored >= 0 && stored <= Int64(after.utf8.count), "stored offset \(stored) after the truncation")
                checked = true
                return true
            }
            return Date() > deadline
        }
        #expect(checked, "the truncation was not read: \(messages.said)")
        #expect(messages.said.contains { $0.contains("truncated") })
        #expect(sink.marks.last?.offset == Int64(after.utf8.count))
    }

    @Test func aPositionSavedWhileSkippingAnOverlongLineIsThatLinesStart() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("long.log").path
        // Longer than one read, so the reader is mid-skip when the file ends for now.
        let overlong = String(repeating: "x", count: LineReader.chunkSize + 2 * LineReader.maximumLineLength)
        try ("short\n" + overlong).write(toFile: path, atomically: false, encoding: .utf8)

        let descriptor = open(path, O_RDONLY)
        defer { close(descriptor) }
        let reader = LineReader(descriptor: descriptor, offset: 0)
        var lines: [String] = []
        var skipped = 0
        while try reader.readChunk(line: { lines.append(String($0.text.prefix(20))) }, overlong: { skipped += 1 }) == .more {}
        // The overlong line has not ended: a run stopping now resumes at its start and
        // counts it then, once.
        #expect(reader.consumedOffset == 6)
        #expect(skipped == 0)

        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("xx\nafter\n".utf8))
        try handle.close()
        while try reader.readChunk(line: { lines.append(String($0.text.prefix(20))) }, overlong: { skipped += 1 }) == .more {}
        #expect(lines == ["short", "after"])
        #expect(skipped == 1)

        // The later run, resuming where this one stood mid-skip, reads that line as one line.
        let again = open(path, O_RDONLY)
        defer { close(again) }
        lseek(again, 6, SEEK_SET)
        let resumed = LineReader(descriptor: again, offset: 6)
        var resumedLines: [String] = []
        var resumedSkipped = 0
        while try resumed.readChunk(line: { resumedLines.append(String($0.text.prefix(20))) }, overlong: { resumedSkipped += 1 }) == .more {}
        #expect(resumedLines == ["after"])
        #expect(resumedSkipped == 1)
        #expect(resumed.consumedOffset == reader.consumedOffset)
    }
}
