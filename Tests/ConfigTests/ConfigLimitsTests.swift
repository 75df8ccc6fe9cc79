import CDNTopCore
import Config
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
