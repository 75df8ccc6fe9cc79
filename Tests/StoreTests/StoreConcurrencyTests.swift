import CDNTopCore
import Foundation
import Store
import TestSupport
import Testing

@Suite("Sharing the database")
struct StoreConcurrencyTests {
    private static let rounds = 120
    private static let roundSize = 35

    private static func round(_ index: Int) -> [ProbeResult] {
        syntheticProbes(from: referenceTime + Double(index) * 60, count: roundSize, every: 1)
    }

    @Test("a reader on its own connections reads while a writer writes, never locked out")
    func readerWhileWriting() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("probes.sqlite")
        let writer = try SQLiteProbeStore(path: path)
        try writer.record(Self.round(0))
        let reader = try SQLiteProbeStore.openReadOnly(path: path)

        let writing = Task.detached {
            for index in 1..<Self.rounds {
                try writer.record(Self.round(index))
            }
        }
        var lastCount = 0
        var reads = 0
        for _ in 0..<10_000 {
            let window = try reader.windowAggregates(since: referenceTime - 60, until: referenceTime + 1e6)
            let count = window.byEndpoint.values.reduce(0) { $0 + $1.count }
            // Whole rounds only: a round is one transaction.
            #expect(count % Self.roundSize == 0)
            #expect(count >= lastCount)
            var rawCount = 0
            try reader.forEachProbe(since: nil, until: nil) { _ in rawCount += 1 }
            #expect(rawCount >= count)
            lastCount = count
            reads += 1
            if count == Self.rounds * Self.roundSize { break }
        }
        try await writing.value
        #expect(reads > 1)
        #expect(try allProbes(in: reader).count == Self.rounds * Self.roundSize)
    }

    @Test("two writers (the agent and the UI's ad-hoc round) wait for each other")
    func twoWriters() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("probes.sqlite")
        let first = try SQLiteProbeStore(path: path)
        let second = try SQLiteProbeStore(path: path)
        async let one: Void = Task.detached {
            for index in stride(from: 0, to: Self.rounds, by: 2) { try first.record(Self.round(index)) }
        }.value
        async let other: Void = Task.detached {
            for index in stride(from: 1, to: Self.rounds, by: 2) { try second.record(Self.round(index)) }
        }.value
        _ = try await (one, other)
        let window = try first.windowAggregates(since: referenceTime - 60, until: referenceTime + 1e6)
        #expect(window.byEndpoint.values.reduce(0) { $0 + $1.count } == Self.rounds * Self.roundSize)
        #expect(window.cells == (try rawAggregates(in: first, since: window.since, until: window.until)))
    }

    /// The sqlite3 shell stands in for a second program: real file locks between processes.
    @Test("another process reads while this one writes",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3"),
                   "needs the sqlite3 shell (Debian package sqlite3)"))
    func readerProcess() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("probes.sqlite")
        let writer = try SQLiteProbeStore(path: path)
        try writer.record(Self.round(0))

        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", """
            for i in $(seq 150); do
              /usr/bin/sqlite3 -cmd '.timeout 5000' "$1" \
                'SELECT count(*) FROM probe; SELECT sum(probes) FROM rollup WHERE span = 86400;' || exit 1
            done
            """, "sh", path]
        let output = Pipe()
        let errors = Pipe()
        shell.standardOutput = output
        shell.standardError = errors
        try shell.run()
        for index in 1..<Self.rounds {
            try writer.record(Self.round(index))
        }
        let stdout = PipeReader.readToEnd(output.fileHandleForReading)
        let stderr = String(decoding: PipeReader.readToEnd(errors.fileHandleForReading), as: UTF8.self)
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0)
        #expect(stderr.isEmpty, "\(stderr)")
        let counts = String(decoding: stdout, as: UTF8.self).split(separator: "\n").compactMap { Int($0) }
        #expect(counts.count == 300)
        #expect(counts.allSatisfy { $0 % Self.roundSize == 0 })
        #expect(try allProbes(in: writer).count == Self.rounds * Self.roundSize)
    }
}
