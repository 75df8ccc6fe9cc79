import CDNTopCore
import Foundation
import Store
import TestSupport
import Testing

/// Real servers write the logs: the ingested figures must equal the traffic the test sent.
@Suite(.serialized) struct LogsIngestServerTests {
    @Test func nginxWithProxyCacheAndACustomLogFormat() throws {
        let servers = try LogServers.shared.get()
        let host = "nginx-\(UUID().uuidString.prefix(8).lowercased()).test"
        let secretQuery = "/logo.png?v=1&token=SECRETQUERY"
        // First request of each path misses, the next ones hit; 404s are not cached.
        try LogServers.curl(port: servers.cachePort, host: host, [
            "/index.html", "/index.html", "/style.css", "/style.css", "/style.css",
            secretQuery, secretQuery, secretQuery, "/data.json", "/data.json", "/data.json", "/missing", "/missing",
        ])
        try LogServers.curl(port: servers.cachePort, host: host, ["/index.html"], extra: ["--http1.0"])
        try LogServers.waitForLines(servers.nginxLog, host: host, count: 14)

        let cli = try CLIRunner()
        let outcome = try cli.run(["logs", "ingest", "--format", "nginx", "--log-format", LogServers.nginxLogFormat,
                                   "--db", cli.databasePath, servers.nginxLog])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("0 malformed"))
        let traffic = try storedTraffic(cli.databasePath, site: host)
        #expect(traffic.count == 1)
        let total = try #require(traffic.first)
        #expect(total.provider == .nginx)
        #expect(total.requests == 14)
        #expect(total.cache.count(.miss) == 6)
        #expect(total.cache.count(.hit) == 8)
        #expect(total.byContent[.html]?.count(.miss) == 3)   // index once, /missing twice
        #expect(total.byContent[.html]?.count(.hit) == 2)
        #expect(total.byContent[.cssJS]?.requests == 3)
        #expect(total.byContent[.image]?.count(.hit) == 2)
        #expect(total.byContent[.jsonXML]?.count(.miss) == 1)
        #expect(total.byHTTPVersion == ["1.1": 13, "1.0": 1])
        #expect(total.byStatusClass == [2: 12, 4: 2])
        #expect(total.ttfb.count == 14)
        #expect(total.topMisses.top(1).first?.key == "/missing")
        #expect(total.topMisses.top(1).first?.count == 2)
        #expect(Set(total.topMisses.counts.keys) == ["/missing", "/index.html", "/style.css", "/logo.png", "/data.json"])
        let stored = try Data(contentsOf: URL(fileURLWithPath: cli.databasePath))
        for secret in ["SECRETQUERY", "SECRET-UA", "127.0.0.1 ["] {
            #expect(stored.range(of: Data(secret.utf8)) == nil, "\(secret) reached the database")
        }
    }

    @Test func varnishWithVarnishncsaWritingAFile() throws {
        let servers = try LogServers.shared.get()
        let host = "varnish-\(UUID().uuidString.prefix(8).lowercased()).test"
        try LogServers.curl(port: servers.varnishPort, host: host, [
            "/index.html", "/index.html", "/index.html", "/style.css", "/style.css", "/logo.png", "/logo.png", "/logo.png",
        ])
        // A POST is passed to the backend by the built-in VCL.
        try LogServers.curl(port: servers.varnishPort, host: host, ["/index.html"], extra: ["-X", "POST", "-d", "x=1"])
        try LogServers.waitForLines(servers.varnishLog, host: host, count: 9)

        let cli = try CLIRunner()
        let outcome = try cli.run(["logs", "ingest", "--format", "varnishncsa", "--log-format", LogServers.varnishFormat,
                                   "--db", cli.databasePath, servers.varnishLog])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let total = try #require(try storedTraffic(cli.databasePath, site: host).first)
        #expect(total.provider == .varnish)
        #expect(total.requests == 9)
        #expect(total.cache.count(.miss) == 3)
        #expect(total.cache.count(.hit) == 5)
        #expect(total.cache.count(.bypass) == 1)
        #expect(total.byContent[.html]?.requests == 4)
        #expect(total.byContent[.cssJS]?.count(.hit) == 1)
        #expect(total.byContent[.image]?.count(.miss) == 1)
        #expect(total.byHTTPVersion == ["1.1": 9])
        #expect(total.ttfb.count == 9)
    }
}
