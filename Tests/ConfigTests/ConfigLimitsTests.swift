import CDNTopCore
import Config
import Foundation
import TOMLFile
import Testing

/// Values that used to crash, probe absurdly often, or fail every probe are refused up front.
@Suite("Config limits")
struct ConfigLimitsTests {
    static func endpoint(_ line: String) -> String {
        "[[endpoint]]\nname = \"b\"\nurl = \"http://b.example/\"\n\(line)\n"
    }

    @Test(arguments: [
        ("max_body = \"99999999999GB\"", "c.toml:4: endpoint \"b\": max_body: \"99999999999GB\" is not a size"),
        ("max_body = \"20GB\"", "c.toml:4: endpoint \"b\": max_body: must be between 1 byte and 10GB"),
        ("timeout = \"999999999999999d\"", "c.toml:4: endpoint \"b\": timeout: \"999999999999999d\" is outside 10ms–1h"),
        ("interval = \"1ms\"", "c.toml:4: endpoint \"b\": interval: \"1ms\" is outside 100ms–7d"),
        ("resolve = [\"b.example:80:not-an-ip\"]", "c.toml:4: endpoint \"b\": resolve: \"not-an-ip\" in \"b.example:80:not-an-ip\" is not an IPv4 or [IPv6] address"),
        ("site = \"a\\r\\nb\"", "c.toml:4: endpoint \"b\": site: contains control characters"),
    ])
    func outOfRangeValuesAreLocated(line: String, expected: String) {
        let error = #expect(throws: TOMLFileError.self) { try CDNTopConfig.parse(Self.endpoint(line), path: "c.toml") }
        #expect(error?.description.hasPrefix(expected) == true, "got: \(error?.description ?? "nothing")")
    }

    /// Retention keeps raw probes at least an hour and rollups at least the longest window
    /// (30 days), both at most a century: a millisecond deleted every probe once written, and
    /// 300 million days overflowed the store's clock arithmetic.
    @Test(arguments: [
        ("retention = \"1ms\"", "c.toml:2: database.retention: \"1ms\" is outside 1h–36500d"),
        ("retention = \"300000000d\"", "c.toml:2: database.retention: \"300000000d\" is outside 1h–36500d"),
        ("rollup_retention = \"999999999999999d\"", "c.toml:2: database.rollup_retention: \"999999999999999d\" is outside 30d–36500d"),
        ("rollup_retention = \"7d\"", "c.toml:2: database.rollup_retention: \"7d\" is outside 30d–36500d"),
        ("retention = \"0s\"", "c.toml:2: database.retention: \"0s\" is outside 1h–36500d"),
    ])
    func retentionHasARange(line: String, expected: String) {
        let text = "[database]\n\(line)\n" + Self.endpoint("")
        let error = #expect(throws: TOMLFileError.self) { try CDNTopConfig.parse(text, path: "c.toml") }
        #expect(error?.description == expected)
    }

    @Test func retentionWithinItsRangeIsKept() throws {
        let config = try CDNTopConfig.parse("[database]\nretention = \"2h\"\nrollup_retention = \"30d\"\n"
                                            + Self.endpoint(""), path: "c.toml")
        #expect(config.database.retention == 7200)
        #expect(config.database.rollupRetention == 2_592_000.0)
    }

    @Test func zeroIsOutOfRangeNotAnUnknownWord() {
        let error = #expect(throws: TOMLFileError.self) { try CDNTopConfig.parse(Self.endpoint("interval = \"0s\""), path: "c.toml") }
        #expect(error?.description == "c.toml:4: endpoint \"b\": interval: \"0s\" is outside 100ms–7d")
    }

    @Test func anEightMegabyteURLIsRefusedBeforeItReachesCurl() {
        let url = "http://b.example/" + String(repeating: "a", count: 8_000_000)
        let text = "[[endpoint]]\nname = \"b\"\nurl = \"\(url)\"\n"
        let error = #expect(throws: TOMLFileError.self) { try CDNTopConfig.parse(text, path: "c.toml") }
        #expect(error?.description == "c.toml:3: endpoint \"b\": url: is 8000017 bytes long: at most 8192 bytes")
    }

    @Test func requestHeaderValuesAreBounded() {
        let line = "headers = { \"X-Big\" = \"\(String(repeating: "v", count: 9000))\" }"
        let error = #expect(throws: TOMLFileError.self) { try CDNTopConfig.parse(Self.endpoint(line), path: "c.toml") }
        #expect(error?.key == "headers")
        #expect(error?.message.contains("at most 8192") == true, "\(error?.message ?? "")")
    }

    /// Escape sequences and bidi overrides in what ends up on screens, in CSV and in reports
    /// are errors at their own key.
    @Test(arguments: [
        ("[agent]\nregion = \"x\\u001b[2J\"\n", "c.toml:2: agent.region: contains control characters"),
        ("[[endpoint]]\nname = \"b\\u202Eevil\"\nurl = \"http://b.example/\"\n", "c.toml:2: name: contains control characters"),
        ("[[endpoint]]\nname = \"b\"\nurl = \"http://b.example/\\u001b]0;x\\u0007\"\n", "c.toml:3: endpoint \"b\": url: contains control characters"),
        ("[[endpoint]]\nname = \"b\"\nurl = \"http://b.example/\"\nhost = \"b\\u001b[2J.example\"\n", "c.toml:4: endpoint \"b\": host: contains control characters"),
        ("[[endpoint]]\nname = \"b\"\nurl = \"http://b.example/\"\nsite = \"s\\u2066x\"\n", "c.toml:4: endpoint \"b\": site: contains control characters"),
    ])
    func controlAndBidiCharactersAreErrors(text: String, expected: String) {
        let full = text.hasPrefix("[agent]") ? text + Self.endpoint("") : text
        let error = #expect(throws: TOMLFileError.self) { try CDNTopConfig.parse(full, path: "c.toml") }
        #expect(error?.description.hasPrefix(expected) == true, "got: \(error?.description ?? "nothing")")
        #expect(error.map { Sanitizer.isClean($0.message) } == true, "the message quotes nothing it refused")
    }

    @Test func aDirectoryAsConfigSaysItIsADirectory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cdntop-config-dir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = #expect(throws: TOMLFileError.self) { try CDNTopConfig.load(path: directory.path) }
        #expect(error?.description == "\(directory.path): is a directory, not a file: name the .toml file inside it")
    }

    @Test func errorsInACRLFFileAreOnTheirLine() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cdntop-crlf-\(UUID().uuidString).toml")
        try Data("[agent]\r\nregion = \"eu\"\r\n\r\n[[endpoint]]\r\nname = \"b\"\r\nurl = \"http://b.example/\"\r\ninterval = \"0s\"\r\n".utf8)
            .write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let error = #expect(throws: TOMLFileError.self) { try CDNTopConfig.load(path: file.path) }
        #expect(error?.line == 7)
        #expect(error?.key == "interval")
    }

    @Test func portsOutsideTheTCPRangeAreRefused() {
        let error = #expect(throws: TOMLFileError.self) {
            try CDNTopConfig.parse("[[endpoint]]\nname = \"a\"\nurl = \"http://127.0.0.1:99999/\"\n", path: "c.toml")
        }
        #expect(error?.key == "url")
    }

    @Test func resolveAcceptsIPv4AndBracketedIPv6() throws {
        let config = try CDNTopConfig.parse(Self.endpoint("resolve = [\"b.example:80:127.0.0.1,[::1]\"]"), path: "c.toml")
        #expect(config.endpoints[0].resolve == ["b.example:80:127.0.0.1,[::1]"])
    }

    @Test func oneOriginPerSite() {
        let text = """
            [[endpoint]]
            name = "o1"
            site = "s"
            url = "http://a.example/"
            origin = true
            [[endpoint]]
            name = "o2"
            site = "s"
            url = "http://b.example/"
            origin = true
            """
        let error = #expect(throws: TOMLFileError.self) { try CDNTopConfig.parse(text, path: "c.toml") }
        #expect(error?.description == "c.toml:10: endpoint \"o2\": origin: site \"s\" already has its origin (o1): one baseline per site")
    }
}
