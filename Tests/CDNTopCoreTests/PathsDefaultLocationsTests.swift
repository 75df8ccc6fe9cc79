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

@Suite("Where --db points")
struct StoreAddressTests {
    @Test(arguments: [
        ("postgres://u@h/db", true), ("POSTGRESQL://u@h/db", true), ("host=db.internal dbname=probes", true),
        (" dbname=probes", true), ("/var/lib/cdntop/probes.sqlite", false), ("probes=old.sqlite", false),
        ("./host=x.sqlite", false),
    ])
    func connectionStringsAreServersEverythingElseAFile(text: String, isServer: Bool) {
        if case .postgres = StoreAddress(text) { #expect(isServer, "\(text)") } else { #expect(!isServer, "\(text)") }
    }

    @Test func theDisplayFormHasNoPassword() {
        #expect(StoreAddress("postgres://u:secret@h/db").display == "postgres://u@h/db")
        #expect(!StoreAddress("host=h password=secret dbname=db").display.contains("secret"))
    }
}
