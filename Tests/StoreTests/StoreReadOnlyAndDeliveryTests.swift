import CDNTopCore
import Foundation
import GRDB
import Store
import TestSupport
import Testing

@Suite("Reading without writing, and storing a delivered batch once")
struct StoreReadOnlyAndDeliveryTests {
    @Test("a 0-byte file stays 0 bytes: readers do not turn it into a database")
    func emptyFileIsLeftAlone() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("empty.sqlite")
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        #expect(throws: StoreError.empty(path: path)) { try SQLiteProbeStore.openReadOnly(path: path) }
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["empty.sqlite"], "no -wal or -shm")
    }

    @Test("a reader migrates nothing: an older file keeps its schema")
    func readerDoesNotMigrate() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("probes.sqlite")
        try SQLiteProbeStore(path: path).record([fullProbe()])
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v3 delivery keys'")
        }
        let reader = try SQLiteProbeStore.openReadOnly(path: path)
        #expect(try allProbes(in: reader).count == 1)
        #expect(throws: StoreError.self) { try reader.record([bareProbe()]) }
        let applied = try DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
        }
        #expect(!applied.contains("v3 delivery keys"), "the reader left the file as it found it")
    }

    @Test("a batch delivered twice is stored once, rollups included")
    func deliveryKeysMakeWritesIdempotent() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteProbeStore(path: directory.file("probes.sqlite"))
        let batch = syntheticProbes(from: referenceTime, count: 5)
        let keys = batch.map { _ in UUID().uuidString }
        try store.record(batch, deliveryKeys: keys)
        try store.record(batch, deliveryKeys: keys)
        // A batch that overlaps the first: only its new probe is added.
        let more = syntheticProbes(from: referenceTime.addingTimeInterval(1000), count: 1)
        try store.record([batch[0]] + more, deliveryKeys: [keys[0], UUID().uuidString])

        #expect(try allProbes(in: store).count == 6)
        let window = try store.windowAggregates(since: referenceTime.addingTimeInterval(-86_400),
                                                until: referenceTime.addingTimeInterval(86_400))
        #expect(window.cells.values.map(\.count).reduce(0, +) == 6, "the rollups counted each probe once")
    }
}
