import CDNTopCore
import Foundation
import GRDB
import Store
import TestSupport
import Testing

@Suite("Opening the probe database")
struct StoreOpeningTests {
    @Test("a fresh path gets its directories, the schema and WAL mode")
    func freshFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("nested/deeper/probes.sqlite")
        let store = try SQLiteProbeStore(path: path)
        try store.record([fullProbe()])
        #expect(FileManager.default.fileExists(atPath: path))
        let journalMode = try DatabaseQueue(path: path).read { db in
            try String.fetchOne(db, sql: "PRAGMA journal_mode")
        }
        #expect(journalMode == "wal")
    }

    @Test("reopening keeps the rows, and migrating twice is harmless")
    func reopen() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("probes.sqlite")
        try SQLiteProbeStore(path: path).record([fullProbe()])
        let reopened = try SQLiteProbeStore(path: path)
        try reopened.record([bareProbe()])
        #expect(try allProbes(in: SQLiteProbeStore.openReadOnly(path: path)).count == 2)
    }

    @Test("readers refuse a missing file and do not create one")
    func missingFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("absent/probes.sqlite")
        #expect(throws: StoreError.missing(path: path)) { try SQLiteProbeStore.openReadOnly(path: path) }
        #expect(!FileManager.default.fileExists(atPath: directory.file("absent")))
        #expect(StoreError.missing(path: path).description.contains(path))
        #expect(throws: StoreError.self) { try SQLiteProbeStore.openReadOnly(path: directory.path) }
    }

    @Test("a file that is not SQLite is refused with a message naming it",
          arguments: ["hello, I am a text file\n", String(repeating: "not a database ", count: 500)])
    func notSQLite(contents: String) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("notes.txt")
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: StoreError.notSQLite(path: path)) { try SQLiteProbeStore(path: path) }
        #expect(throws: StoreError.notSQLite(path: path)) { try SQLiteProbeStore.openReadOnly(path: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == contents)
        #expect(StoreError.notSQLite(path: path).description.contains(path))
    }

    @Test("another program's SQLite database is refused and left untouched")
    func foreignDatabase() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("other.sqlite")
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')")
        }
        #expect(throws: StoreError.notCDNTop(path: path)) { try SQLiteProbeStore(path: path) }
        let (tables, journalMode) = try DatabaseQueue(path: path).read { db in
            (try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"),
             try String.fetchOne(db, sql: "PRAGMA journal_mode"))
        }
        #expect(tables == ["notes"])
        #expect(journalMode == "delete")  // not even switched to WAL
    }

    @Test("a schema from a newer cdntop is refused with what to do")
    func newerSchema() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("probes.sqlite")
        try SQLiteProbeStore(path: path).record([fullProbe()])
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        }
        let expected = StoreError.newerSchema(path: path, unknownMigrations: ["v99-from-the-future"])
        #expect(throws: expected) { try SQLiteProbeStore(path: path) }
        #expect(throws: expected) { try SQLiteProbeStore.openReadOnly(path: path) }
        #expect(expected.description.contains("Upgrade cdntop"))
        #expect(expected.description.contains(path))
    }

    @Test("a directory that cannot be created is reported with the path")
    func uncreatableDirectory() throws {
        let directory = try TemporaryDirectory()
        let blocker = directory.file("file")
        try "x".write(toFile: blocker, atomically: true, encoding: .utf8)
        let path = blocker + "/probes.sqlite"
        #expect {
            try SQLiteProbeStore(path: path)
        } throws: { error in
            guard case .cannotCreateDirectory(let reported, _) = error as? StoreError else { return false }
            return reported == path
        }
    }
}

@Suite("Opening one new database from several processes at once")
struct StoreConcurrentCreationTests {
    /// The UI and an agent started together both find a new file empty and both migrate: the
    /// loser must use the winner's schema, not fail with "table endpoint already exists", nor
    /// take the half-created file for another program's database.
    @Test func everyOpenerSucceeds() throws {
        for _ in 0..<20 {
            let directory = try TemporaryDirectory()
            let path = directory.file("probes.sqlite")
            let failures = Mutexed<[String]>()
            failures.value = []
            let group = DispatchGroup()
            for _ in 0..<6 {
                group.enter()
                Thread {
                    defer { group.leave() }
                    do {
                        let store = try SQLiteProbeStore(path: path)
                        try store.record([fullProbe()])
                    } catch {
                        failures.append("\(error)")
                    }
                }.start()
            }
            group.wait()
            #expect(failures.value == [], "\(failures.value ?? [])")
        }
    }
}
