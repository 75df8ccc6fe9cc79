import CDNTopCore
import Foundation
import Testing

@Suite("File errors in words a person can act on")
struct FileProblemTests {
    /// What `r` or `report -o` meets when the reports directory is under a file: Foundation
    /// says `NSCocoaErrorDomain Code=512 "(null)"`; the words say what is wrong.
    @Test func aDirectoryUnderAFileIsNamedAsSuch() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("file-problem-\(UUID())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let file = scratch.appendingPathComponent("a-file").path
        try "x".write(toFile: file, atomically: true, encoding: .utf8)

        let creating = #expect(throws: (any Error).self) {
            try FileManager.default.createDirectory(atPath: file + "/reports", withIntermediateDirectories: true)
        }
        #expect(creating.map(FileProblem.describe) == "a part of the path is a file, not a directory")
        let writing = #expect(throws: (any Error).self) {
            try "report".write(toFile: scratch.appendingPathComponent("missing/r.md").path, atomically: true, encoding: .utf8)
        }
        #expect(writing.map(FileProblem.describe) == "no such file or directory")
    }

    @Test func errnoValuesInWords() {
        #expect(FileProblem.words(errno: ENOSPC) == "disk full")
        #expect(FileProblem.words(errno: EROFS) == "read-only file system")
        #expect(FileProblem.words(errno: EACCES) == "permission denied")
    }
}
