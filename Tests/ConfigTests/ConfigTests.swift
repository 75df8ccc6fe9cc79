import CDNTopCore
import Config
import TOMLFile
import Testing

@Suite("Config file")
struct ConfigTests {
    static let full = """
        [agent]
        region = "eu-west"

        [database]
        path = "/tmp/x.sqlite"
        retention = "35d"

        [[endpoint]]
        name = "fastly"
        site = "changelog.com"
        url  = "https://changelog.com/"
        provider = "fastly"
        interval = "30s"
        timeout = "5s"
        max_body = "1MB"
        max_redirects = 3
        host = "changelog.com"
        resolve = ["changelog.com:443:151.101.1.57"]
        headers = { "User-Agent" = "cdntop-test", "Accept-Encoding" = "gzip" }
        insecure = true

        [[endpoint]]
        name = "origin"
        site = "changelog.com"
        url = "https://changelog-origin.fly.dev/"
        origin = true
        """

    @Test func readsEveryKey() throws {
        let config = try CDNTopConfig.parse(Self.full, path: "c.toml")
        #expect(config.vantage == Vantage(label: "eu-west", continent: .europe))
        #expect(config.database == .init(path: "/tmp/x.sqlite", retention: 35 * 86_400))
        #expect(config.endpoints.count == 2)
        let fastly = config.endpoints[0]
        #expect(fastly.name == "fastly")
        #expect(fastly.site == "changelog.com")
        #expect(fastly.provider == .fastly)
        #expect(fastly.interval == 30)
        #expect(fastly.timeout == 5)
        #expect(fastly.maxBody == 1_000_000)
        #expect(fastly.maxRedirects == 3)
        #expect(fastly.host == "changelog.com")
        #expect(fastly.resolve == ["changelog.com:443:151.101.1.57"])
        #expect(Set(fastly.headers) == [HTTPHeader(name: "User-Agent", value: "cdntop-test"),
                                        HTTPHeader(name: "Accept-Encoding", value: "gzip")])
        #expect(fastly.insecure)
        #expect(!fastly.isOrigin)
    }

    @Test func defaultsFollowTheIssue() throws {
        let config = try CDNTopConfig.parse("""
            [[endpoint]]
            name = "a"
            url = "http://example.com/x"
            """, path: "c.toml")
        let endpoint = config.endpoints[0]
        #expect(endpoint.interval == 60)
        #expect(endpoint.timeout == 10)
        #expect(endpoint.maxBody == 10_000_000)
        #expect(endpoint.maxRedirects == 5)
        #expect(endpoint.site == "example.com", "site defaults to the URL's host")
        #expect(endpoint.provider == nil)
        #expect(!endpoint.insecure)
        #expect(config.vantage.label == "local")
    }

    @Test func explicitContinentWins() throws {
        let config = try CDNTopConfig.parse("""
            [agent]
            region = "home-office"
            continent = "middle-east"
            [[endpoint]]
            name = "a"
            url = "http://example.com/"
            """, path: "c.toml")
        #expect(config.vantage.continent == .middleEast)
    }

    /// Each mistake names the file, the line, the endpoint and the key.
    @Test(arguments: [
        ("interval = \"60\"", "c.toml:5: endpoint \"b\": interval: \"60\" is not a duration"),
        ("timeout = \"soon\"", "c.toml:5: endpoint \"b\": timeout:"),
        ("max_body = \"lots\"", "c.toml:5: endpoint \"b\": max_body: \"lots\" is not a size"),
        ("colour = \"red\"", "c.toml:5: endpoint \"b\": colour: unknown key"),
        ("provider = \"akamia\"", "c.toml:5: endpoint \"b\": provider: \"akamia\" is unknown"),
        ("max_redirects = -1", "c.toml:5: endpoint \"b\": max_redirects:"),
        ("insecure = \"yes\"", "c.toml:5: endpoint \"b\": insecure:"),
        ("resolve = [\"example.com:443\"]", "c.toml:5: endpoint \"b\": resolve: \"example.com:443\" is not HOST:PORT:ADDRESS"),
        ("headers = { Host = \"x\" }", "c.toml:5: endpoint \"b\": headers: set the Host header with the endpoint's host key"),
        ("headers = { \"X-A\" = \"1\\r\\nX-B: 2\" }", "c.toml:5: endpoint \"b\": headers: the value of \"X-A\" contains control characters"),
    ])
    func badValuesAreLocated(line: String, expected: String) {
        let text = """
            [[endpoint]]
            name = "a"
            url = "http://a.example/"
            [[endpoint]]
            \(line)
            name = "b"
            url = "http://b.example/"
            """
        let error = #expect(throws: TOMLFileError.self) { try CDNTopConfig.parse(text, path: "c.toml") }
        #expect(error?.description.hasPrefix(expected) == true, "got: \(error?.description ?? "nothing")")
    }

    @Test(arguments: ["ftp://example.com/", "not a url", "https:///nohost"])
    func badURLs(url: String) {
        let text = "[[endpoint]]\nname = \"a\"\nurl = \"\(url)\"\n"
        let error = #expect(throws: TOMLFileError.self) { try CDNTopConfig.parse(text, path: "c.toml") }
        #expect(error?.line == 3)
        #expect(error?.key == "url")
        #expect(error?.context == "endpoint \"a\"")
    }

    @Test func duplicateNamesPointAtBothLines() {
        let text = """
            [[endpoint]]
            name = "same"
            url = "http://a.example/"

            [[endpoint]]
            name = "same"
            url = "http://b.example/"
            """
        let error = #expect(throws: TOMLFileError.self) { try CDNTopConfig.parse(text, path: "c.toml") }
        #expect(error?.description == "c.toml:6: endpoint \"same\": name: duplicate name, already used at line 2: names must be unique")
    }

    @Test func missingRequiredKeys() {
        let noURL = #expect(throws: TOMLFileError.self) {
            try CDNTopConfig.parse("[[endpoint]]\nname = \"a\"\n", path: "c.toml")
        }
        #expect(noURL?.key == "url")
        let noName = #expect(throws: TOMLFileError.self) {
            try CDNTopConfig.parse("[[endpoint]]\nurl = \"http://a.example/\"\n", path: "c.toml")
        }
        #expect(noName?.key == "name")
        #expect(noName?.line == 1)
        let noEndpoints = #expect(throws: TOMLFileError.self) {
            try CDNTopConfig.parse("[agent]\nregion = \"x\"\n", path: "c.toml")
        }
        #expect(noEndpoints?.message.contains("no [[endpoint]]") == true)
    }

    @Test func unknownTopLevelAndAgentKeys() {
        let top = #expect(throws: TOMLFileError.self) {
            try CDNTopConfig.parse("verbose = true\n[[endpoint]]\nname = \"a\"\nurl = \"http://a.example/\"\n", path: "c.toml")
        }
        #expect(top?.line == 1)
        #expect(top?.key == "verbose")
        let agent = #expect(throws: TOMLFileError.self) {
            try CDNTopConfig.parse("[agent]\nregion = \"x\"\nregoin = \"y\"\n[[endpoint]]\nname = \"a\"\nurl = \"http://a.example/\"\n", path: "c.toml")
        }
        #expect(agent?.description.hasPrefix("c.toml:3: agent.regoin: unknown key") == true, "\(agent?.description ?? "")")
    }

    @Test func syntaxErrorsCarryTheParserLine() {
        let error = #expect(throws: TOMLFileError.self) {
            try CDNTopConfig.parse("[[endpoint]]\nname = \"a\"\nurl = \"http://a.example/\n", path: "c.toml")
        }
        #expect(error?.line == 3)
        #expect(error?.message.hasPrefix("TOML syntax") == true)
    }

    /// "\r\n" is one Character in Swift: a CRLF file must still be counted line by line.
    @Test func crlfFilesAreLocatedOnTheRightLine() {
        let text = "[agent]\r\nregion = \"x\"\r\n\r\n[[endpoint]]\r\nname = \"a\"\r\nurl = \"http://a.example/\"\r\ninterval = \"60\"\r\n"
        let error = #expect(throws: TOMLFileError.self) { try CDNTopConfig.parse(text, path: "c.toml") }
        #expect(error?.line == 7)
        #expect(error?.description.hasPrefix("c.toml:7: endpoint \"a\": interval:") == true, "got: \(error?.description ?? "nothing")")
    }

    /// A URL quoted in an error keeps its user but never its password.
    @Test func urlPasswordsAreMaskedInErrors() {
        let text = "[[endpoint]]\nname = \"a\"\nurl = \"ftp://deploy:hunter2@a.example/\"\n"
        let error = #expect(throws: TOMLFileError.self) { try CDNTopConfig.parse(text, path: "c.toml") }
        #expect(error?.description.contains("hunter2") == false)
        #expect(error?.description.contains("ftp://deploy@a.example/") == true, "got: \(error?.description ?? "nothing")")
    }

    @Test func missingFileSaysWhatToDo() {
        let error = #expect(throws: TOMLFileError.self) { try CDNTopConfig.load(path: "/nonexistent/cdntop.toml") }
        #expect(error?.message.contains("create it") == true)
    }
}
