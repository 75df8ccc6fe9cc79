import Foundation
@testable import Logs
import Testing

@Suite struct LineReaderTests {
    /// Lines of every length across chunk boundaries, CRLF endings, overlong lines (one inside
    /// a chunk, one longer than a chunk) and an unfinished last line.
    @Test func linesAcrossChunksComeOutWholeAndOverlongOnesAreSkipped() throws {
        var expected: [String] = []
        var text = ""
        var seed: UInt64 = 15
        for index in 0..<40_000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1
            let line = "line \(index) " + String(repeating: "x", count: Int(seed >> 57))
            expected.append(line)
            text += line + (index % 7 == 0 ? "\r\n" : "\n")
            if index == 10_000 { text += String(repeating: "A", count: LineReader.maximumLineLength + 1) + "\n" }
            if index == 30_000 { text += String(repeating: "B", count: 3 * LineReader.chunkSize) + "\n" }
        }
        text += "unfinished"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cdntop-lines-\(UUID().uuidString)").path
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let descriptor = open(path, O_RDONLY)
        defer { close(descriptor) }
        let reader = LineReader(descriptor: descriptor, offset: 0)
        var lines: [String] = []
        var overlong = 0
        while try reader.readChunk(line: { lines.append(String(decoding: $0, as: UTF8.self)) }, overlong: { overlong += 1 }) == .more {}
        #expect(lines == expected)
        #expect(overlong == 2)
        #expect(reader.readOffset - reader.consumedOffset == Int64("unfinished".utf8.count))
        #expect(reader.consumedOffset == Int64(text.utf8.count - "unfinished".utf8.count))
        reader.finishUnterminatedLine({ lines.append(String(decoding: $0, as: UTF8.self)) }, overlong: { overlong += 1 })
        #expect(lines.last == "unfinished")
    }
}
