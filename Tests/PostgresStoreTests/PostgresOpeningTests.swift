import CDNTopCore
import Foundation
import PostgresStore
import Store
import TestSupport
import Testing

@Suite("Opening a PostgreSQL probe database")
struct PostgresOpeningTests {
    @Test("a wrong password is refused with a clear error that shows no password")
    func wrongPassword() throws {
        let database = try TestDatabase()
        let wrong = "not-the-\(UUID().uuidString.prefix(6))"
        let uri = database.server.uri(database: database.name, password: wrong)
        #expect {
            try PostgresProbeStore(uri: uri)
        } throws: { error in
            guard case .authenticationFailed(let location, let reason) = error as? StoreError else { return false }
            let text = "\(error)"
            return location == database.location && reason.contains("password authentication failed")
                && !text.contains(wrong) && !text.contains(database.server.password)
        }
        #expect(throws: StoreError.self) { try PostgresProbeStore.openReadOnly(uri: uri) }
    }

    @Test("the location and every message drop the password, from the URI and from a query parameter")
    func location() throws {
        let database = try TestDatabase()
        let store = try database.store()
        #expect(store.location == database.location)
        #expect(!store.location.contains(database.server.password))
        let query = "postgres://\(database.server.user)@127.0.0.1:\(database.server.port)/\(database.name)?password=\(database.server.password)"
        #expect(try PostgresProbeStore(uri: query).location == database.location)
    }

    @Test("nothing listening: unreachable, naming the server")
    func unreachable() throws {
        let uri = "postgres://someone:secret@127.0.0.1:\(FreePort.next())/cdntop"
        #expect {
            try PostgresProbeStore(uri: uri)
        } throws: { error in
            guard case .unreachable(let location, _) = error as? StoreError else { return false }
            return location.hasPrefix("postgres://someone@127.0.0.1:") && !"\(error)".contains("secret")
        }
    }

    @Test("a database with another program's tables is refused, and left as it was")
    func foreignDatabase() throws {
        let database = try TestDatabase()
        try database.server.execute("CREATE TABLE invoices (id integer PRIMARY KEY)", database: database.name)
        #expect(throws: StoreError.foreignDatabase(location: database.location)) { try database.store() }
        #expect(throws: StoreError.foreignDatabase(location: database.location)) {
            try PostgresProbeStore.openReadOnly(uri: database.uri)
        }
        #expect(try database.server.query("SELECT string_agg(relname, ',') FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'",
                                          database: database.name) == "invoices")
    }

    @Test("a schema a newer cdntop migrated is refused, by writers and readers")
    func newerSchema() throws {
        let database = try TestDatabase()
        try database.store().record([fullProbe()])
        try database.server.execute("INSERT INTO cdntop_schema (migration) VALUES ('v99 future')", database: database.name)
        let expected = StoreError.newerSchema(path: database.location, unknownMigrations: ["v99 future"])
        #expect(throws: expected) { try database.store() }
        #expect(throws: expected) { try PostgresProbeStore.openReadOnly(uri: database.uri) }
    }

    @Test("a reader finds no probes in an empty database, and creates nothing there")
    func emptyForReaders() throws {
        let database = try TestDatabase()
        #expect(throws: StoreError.missing(path: database.location)) { try PostgresProbeStore.openReadOnly(uri: database.uri) }
        #expect("\(StoreError.missing(path: database.location))".contains("no probes have been recorded there yet"))
        #expect(try database.server.query("SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace",
                                          database: database.name) == "0")
    }

    @Test("TLS: sslmode=require and verify-full against the server's CA work; verify-full against another CA fails clearly")
    func tls() throws {
        let database = try TestDatabase()
        let server = database.server
        let required = try PostgresProbeStore(uri: database.server.uri(database: database.name, query: "sslmode=require"))
        try required.record([fullProbe()])
        let verifyFull = "postgres://\(server.user):\(server.password)@localhost:\(server.port)/\(database.name)"
        let verified = try PostgresProbeStore.openReadOnly(uri: verifyFull + "?sslmode=verify-full&sslrootcert=\(server.caCertificate)")
        #expect(try allProbes(in: verified).count == 1)
        #expect {
            try PostgresProbeStore.openReadOnly(uri: verifyFull + "?sslmode=verify-full&sslrootcert=\(server.otherCACertificate)")
        } throws: { error in
            guard case .tlsFailed(let location, let reason) = error as? StoreError else { return false }
            return location.hasPrefix("postgres://\(server.user)@localhost:") && reason.contains("certificate")
                && !"\(error)".contains(server.password)
        }
    }
}
