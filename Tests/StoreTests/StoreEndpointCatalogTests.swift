import CDNTopCore
import Foundation
import Store
import TestSupport
import Testing

@Suite("The endpoint catalog")
struct StoreEndpointCatalogTests {
    private func probe(_ name: String, site: String = "changelog.com", url: String? = nil,
                       isOrigin: Bool = false, at offset: Double = 0) -> ProbeResult {
        ProbeResult(timestamp: referenceTime + offset, endpoint: name, site: site,
                    url: url ?? "https://\(name).example/", vantage: Vantage(label: "eu-west"),
                    isOrigin: isOrigin, ok: true, status: 200)
    }

    @Test("an empty database has no endpoints")
    func empty() throws {
        let directory = try TemporaryDirectory()
        #expect(try SQLiteProbeStore(path: directory.file("probes.sqlite")).endpoints().isEmpty)
    }

    @Test("each endpoint once, sorted by site then name, with its origin flag")
    func sortedWithFlags() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteProbeStore(path: directory.file("probes.sqlite"))
        try store.record([probe("origin", isOrigin: true), probe("fastly"), probe("bunny", site: "bunny.net"),
                          probe("fastly", at: 60)])
        // The same name under two sites is two endpoints: names are unique per config, not forever.
        try store.record([probe("origin", site: "bunny.net", url: "http://origin.bunny.example/", isOrigin: true,
                                at: 120)])
        #expect(try store.endpoints() == [
            StoredEndpoint(name: "bunny", site: "bunny.net", url: "https://bunny.example/", isOrigin: false),
            StoredEndpoint(name: "origin", site: "bunny.net", url: "http://origin.bunny.example/", isOrigin: true),
            StoredEndpoint(name: "fastly", site: "changelog.com", url: "https://fastly.example/", isOrigin: false),
            StoredEndpoint(name: "origin", site: "changelog.com", url: "https://origin.example/", isOrigin: true),
        ])
    }

    @Test("a flag changed in the config wins; a late write of an older round does not undo it")
    func flagFollowsTheNewestProbe() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteProbeStore(path: directory.file("probes.sqlite"))
        try store.record([probe("fly", at: 0)])
        #expect(try store.endpoints().map(\.isOrigin) == [false])
        try store.record([probe("fly", isOrigin: true, at: 60)])
        #expect(try store.endpoints().map(\.isOrigin) == [true])
        try store.record([probe("fly", isOrigin: false, at: 30)])
        #expect(try store.endpoints().map(\.isOrigin) == [true])
        // The flag is kept per endpoint: every probe reads back with the current one.
        #expect(try allProbes(in: store).map(\.isOrigin) == [true, true, true])
        // Within one round, the newest probe's flag wins whatever the order.
        try store.record([probe("fly", isOrigin: false, at: 180), probe("fly", isOrigin: true, at: 120)])
        #expect(try store.endpoints().map(\.isOrigin) == [false])
    }

    @Test("of an endpoint whose URL was edited, the URL with the newest probe is current")
    func urlFollowsTheNewestProbe() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteProbeStore(path: directory.file("probes.sqlite"))
        try store.record([probe("fastly", url: "https://old.example/", at: 0)])
        try store.record([probe("fastly", url: "https://new.example/", isOrigin: true, at: 60)])
        #expect(try store.endpoints() == [StoredEndpoint(name: "fastly", site: "changelog.com",
                                                         url: "https://new.example/", isOrigin: true)])
        try store.record([probe("fastly", url: "https://old.example/", at: 30)])
        #expect(try store.endpoints().map(\.url) == ["https://new.example/"])
        // Edited back: the old entry is current again, with the flag its newest probe carried.
        try store.record([probe("fastly", url: "https://old.example/", at: 120)])
        #expect(try store.endpoints() == [StoredEndpoint(name: "fastly", site: "changelog.com",
                                                         url: "https://old.example/", isOrigin: false)])
        // Old probes keep the URL they were sent to.
        #expect(try allProbes(in: store).map(\.url)
                == ["https://old.example/", "https://old.example/", "https://new.example/", "https://old.example/"])
    }

    @Test("another process reading the file sees the catalog")
    func readFromAnotherStore() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("probes.sqlite")
        try SQLiteProbeStore(path: path).record(syntheticProbes(from: referenceTime, count: 30))
        #expect(try SQLiteProbeStore.openReadOnly(path: path).endpoints() == [
            StoredEndpoint(name: "bunny", site: "changelog.com", url: "https://bunny.example/", isOrigin: false),
            StoredEndpoint(name: "fastly", site: "changelog.com", url: "https://fastly.example/", isOrigin: false),
            StoredEndpoint(name: "origin", site: "changelog.com", url: "http://origin.example/", isOrigin: true),
        ])
    }
}
