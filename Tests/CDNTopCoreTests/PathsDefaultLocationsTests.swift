import CDNTopCore
import Testing

@Suite("Default locations")
struct PathsDefaultLocationsTests {
    @Test func followXDG() {
        let home = ["HOME": "/home/ana"]
        #expect(DefaultLocations.databaseFile(environment: home) == "/home/ana/.local/share/cdntop/probes.sqlite")
        #expect(DefaultLocations.configFile(environment: home) == "/home/ana/.config/cdntop/config.toml")
        #expect(DefaultLocations.databaseFile(environment: ["HOME": "/h", "XDG_DATA_HOME": "/data"]) == "/data/cdntop/probes.sqlite")
        #expect(DefaultLocations.configFile(environment: ["HOME": "/h", "XDG_CONFIG_HOME": "/etc/x"]) == "/etc/x/cdntop/config.toml")
    }

    @Test func relativeXDGValuesAreIgnoredAsTheSpecAsks() {
        #expect(DefaultLocations.databaseFile(environment: ["HOME": "/h", "XDG_DATA_HOME": "data"]) == "/h/.local/share/cdntop/probes.sqlite")
    }

    @Test func tildeExpandsToHome() {
        #expect(DefaultLocations.expandingTilde("~/db.sqlite", environment: ["HOME": "/h"]) == "/h/db.sqlite")
        #expect(DefaultLocations.expandingTilde("/abs/~/x", environment: ["HOME": "/h"]) == "/abs/~/x")
    }
}
