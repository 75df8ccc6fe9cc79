import CDNTopCore
import Foundation
import PostgresStore
import Store
import TestSupport

/// A database of its own on the shared server, per test.
struct TestDatabase {
    let server: PostgresServer
    let name: String

    init() throws {
        server = try PostgresServer.shared()
        name = try server.createDatabase()
    }

    var uri: String { server.uri(database: name) }

    /// What a reader shows for this database: the URI without the password.
    var location: String { "postgres://\(server.user)@127.0.0.1:\(server.port)/\(name)" }

    func store(settings: StoreSettings = .default) throws -> PostgresProbeStore {
        try PostgresProbeStore(uri: uri, settings: settings)
    }
}

/// `syntheticProbes`, each sent by the agent of its vantage: probes with agent ids, as the
/// agent records them.
func agentProbes(from start: Date, count: Int, every interval: Double = 40) -> [ProbeResult] {
    syntheticProbes(from: start, count: count, every: interval).map { probe in
        var sent = probe
        sent.agent = "agent-\(probe.vantage.label)"
        return sent
    }
}
