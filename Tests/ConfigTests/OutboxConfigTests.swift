import Config
import TOMLFile
import Testing

@Suite("Config file: [outbox]")
struct OutboxConfigTests {
    static let endpoint = "\n[[endpoint]]\nname = \"a\"\nurl = \"http://a.example/\"\n"

    @Test func theBoundsAndThePathAreRead() throws {
        let config = try CDNTopConfig.parse("[outbox]\npath = \"~/o.sqlite\"\nmax_probes = 5000\nmax_age = \"2d\"\n" + Self.endpoint,
                                            path: "c.toml")
        #expect(config.outbox == CDNTopConfig.OutboxSettings(path: "~/o.sqlite", maxProbes: 5000, maxAge: 2 * 86_400))
        #expect(try CDNTopConfig.parse(Self.endpoint, path: "c.toml").outbox == CDNTopConfig.OutboxSettings())
    }

    @Test(arguments: [
        ("max_probes = 0", "max_probes"), ("max_probes = 2.5", "max_probes"), ("max_age = \"10s\"", "max_age"),
        ("max_age = \"2y\"", "max_age"), ("size = 3", "size"),
    ])
    func outOfRangeValuesAreLocatedErrors(line: String, key: String) {
        let error = #expect(throws: TOMLFileError.self) {
            try CDNTopConfig.parse("[outbox]\n\(line)\n" + Self.endpoint, path: "c.toml")
        }
        #expect(error?.line == 2, "\(error?.description ?? "nothing")")
        #expect(error?.key == "outbox.\(key)", "\(error?.description ?? "nothing")")
    }
}
