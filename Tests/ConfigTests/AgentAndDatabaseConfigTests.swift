import Config
import TOMLFile
import Testing

@Suite("Config file: [agent] id and [database] url")
struct AgentAndDatabaseConfigTests {
    static let endpoint = "\n[[endpoint]]\nname = \"a\"\nurl = \"http://a.example/\"\n"

    @Test func theAgentIDAndAPostgresURLAreRead() throws {
        let config = try CDNTopConfig.parse("""
            [agent]
            region = "eu-west"
            id = "fra-vm-1"
            [database]
            url = "postgres://cdntop@db.internal:5432/probes?sslmode=verify-full"
            """ + Self.endpoint, path: "c.toml")
        #expect(config.agentID == "fra-vm-1")
        #expect(config.database.path == "postgres://cdntop@db.internal:5432/probes?sslmode=verify-full")
        #expect(try CDNTopConfig.parse(Self.endpoint, path: "c.toml").agentID == nil)
    }

    @Test(arguments: [
        ("[agent]\nid = \"has space\"", "agent.id", "is not an agent id"),
        ("[agent]\nid = \"\"", "agent.id", "cannot be empty"),
        ("[database]\nurl = \"/var/lib/probes.sqlite\"", "database.url", "is not a PostgreSQL URI"),
        ("[database]\npath = \"a.sqlite\"\nurl = \"postgres://h/db\"", "database.url", "not both"),
    ])
    func mistakesAreLocatedErrors(text: String, key: String, message: String) {
        let error = #expect(throws: TOMLFileError.self) {
            try CDNTopConfig.parse(text + "\n" + Self.endpoint, path: "c.toml")
        }
        #expect(error?.key == key, "\(error?.description ?? "nothing")")
        #expect(error?.description.contains(message) == true, "\(error?.description ?? "nothing")")
    }

    @Test func aPasswordInTheURLNeverReachesTheErrorMessage() {
        let error = #expect(throws: TOMLFileError.self) {
            try CDNTopConfig.parse("[database]\nurl = \"mysql://u:hunter2@h/db\"\n" + Self.endpoint, path: "c.toml")
        }
        #expect(error?.description.contains("hunter2") == false, "\(error?.description ?? "nothing")")
    }
}
