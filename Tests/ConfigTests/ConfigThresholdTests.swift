import CDNTopCore
import Config
import TOMLFile
import Testing

@Suite("Config thresholds")
struct ConfigThresholdTests {
    static let config = """
        [ui]
        bell = true

        [[site]]
        name = "changelog.com"
        max_p95 = "800ms"
        min_hit_ratio = "90%"
        alert_window = "10m"

        [[endpoint]]
        name = "fastly"
        site = "changelog.com"
        url  = "https://changelog.com/"
        max_p95 = "1s"
        max_error_rate = 0.05
        alert_min_probes = 3

        [[endpoint]]
        name = "bunny"
        site = "changelog.com"
        url  = "https://bunny.changelog.com/"

        [[endpoint]]
        name = "other"
        site = "example.org"
        url  = "https://example.org/"
        """

    @Test("an endpoint's keys override its site's, key by key")
    func overrides() throws {
        let config = try CDNTopConfig.parse(Self.config, path: "c.toml")
        #expect(config.bell)
        #expect(config.thresholds["fastly"] == AlertThresholds(maxP95: 1, minHitRatio: 0.9, maxErrorRate: 0.05,
                                                                window: 600, minProbes: 3))
        #expect(config.thresholds["bunny"] == AlertThresholds(maxP95: 0.8, minHitRatio: 0.9, window: 600,
                                                               minProbes: AlertThresholds.defaultMinProbes))
        // No limit at all: not evaluated.
        #expect(config.thresholds["other"] == nil)
    }

    @Test("no thresholds and no bell by default")
    func defaults() throws {
        let config = try CDNTopConfig.parse("""
            [[endpoint]]
            name = "a"
            url = "https://a.example/"
            max_avg = "250ms"
            """, path: "c.toml")
        #expect(!config.bell)
        #expect(config.thresholds["a"] == AlertThresholds(maxAvg: 0.25))
        #expect(config.thresholds["a"]?.window == 300)
        #expect(config.thresholds["a"]?.minProbes == 10)
    }

    @Test("bad threshold keys are located errors that say what to write",
          arguments: [
            ("max_p95 = \"fast\"", "c.toml:4: endpoint \"a\": max_p95: \"fast\" is not a duration: write a number with a unit, e.g. 500ms, 10s, 5m, 1h, 30d"),
            ("min_hit_ratio = 1.5", "c.toml:4: endpoint \"a\": min_hit_ratio: 1.5 is not a ratio: write a number from 0 to 1 (0.95) or a percentage (\"95%\")"),
            ("max_error_rate = \"5 percent\"", "c.toml:4: endpoint \"a\": max_error_rate: \"5 percent\" is not a ratio: write a number from 0 to 1 (0.95) or a percentage (\"95%\")"),
            ("alert_window = \"10s\"", "c.toml:4: endpoint \"a\": alert_window: \"10s\" is outside 1m–1d"),
            ("alert_min_probes = 0", "c.toml:4: endpoint \"a\": alert_min_probes: 0 is not a whole number from 1 to 100000"),
            ("max_p99 = \"1s\"", nil),
          ] as [(String, String?)])
    func badEndpointKeys(line: String, message: String?) {
        let text = "[[endpoint]]\nname = \"a\"\nurl = \"https://a.example/\"\n\(line)\n"
        let error = #expect(throws: TOMLFileError.self) { try CDNTopConfig.parse(text, path: "c.toml") }
        if let message {
            #expect(error?.description == message)
        } else {
            #expect(error?.description.hasPrefix("c.toml:4: endpoint \"a\": max_p99: unknown key; allowed here:") == true)
            #expect(error?.description.contains("max_p95") == true)
        }
    }

    @Test("a [[site]] must name a site some endpoint has, once")
    func badSites() {
        let endpoint = "[[endpoint]]\nname = \"a\"\nurl = \"https://a.example/\"\n"
        let typo = #expect(throws: TOMLFileError.self) {
            try CDNTopConfig.parse(endpoint + "[[site]]\nname = \"a.exampel\"\nmax_p95 = \"1s\"\n", path: "c.toml")
        }
        #expect(typo?.description == "c.toml:5: site \"a.exampel\": name: no endpoint has site \"a.exampel\"; sites: a.example")
        let twice = #expect(throws: TOMLFileError.self) {
            try CDNTopConfig.parse(endpoint + "[[site]]\nname = \"a.example\"\n[[site]]\nname = \"a.example\"\n", path: "c.toml")
        }
        #expect(twice?.description == "c.toml:7: site \"a.example\": name: a second [[site]] for \"a.example\": one per site")
        let unknown = #expect(throws: TOMLFileError.self) {
            try CDNTopConfig.parse(endpoint + "[[site]]\nname = \"a.example\"\nurl = \"x\"\n", path: "c.toml")
        }
        #expect(unknown?.description.hasPrefix("c.toml:6: site \"a.example\": url: unknown key") == true)
        let bell = #expect(throws: TOMLFileError.self) {
            try CDNTopConfig.parse("[ui]\nbell = \"yes\"\n" + endpoint, path: "c.toml")
        }
        #expect(bell?.description == "c.toml:2: ui.bell: \"yes\" must be true or false")
    }
}
