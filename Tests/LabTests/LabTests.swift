import CDNTopCore
import Foundation
@testable import Lab
import Probe
import TOMLFile
import Testing

/// The shipped scenario: the demo's story as data.
enum ShippedScenario {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scenarios/changelog.toml").path

    static func load() throws -> Scenario { try ScenarioFile.load(path: path) }
}

@Suite("Scenario files")
struct ScenarioFileTests {
    @Test func theShippedStoryCoversEveryContinent() throws {
        let scenario = try ShippedScenario.load()
        #expect(Set(scenario.regions.compactMap(\.continent)) == Set(Continent.allCases))
        #expect(scenario.edges.map(\.name) == ["origin", "fastly", "bunny", "cloudflare", "keycdn"])
        let fastly = try #require(scenario.edges.first { $0.name == "fastly" })
        let origin = try #require(scenario.edges.first { $0.isOrigin })
        // The story's averages follow from the data: h·hit + (1−h)·miss per region.
        func average(_ edge: Scenario.Edge) -> Double {
            let perRegion = scenario.regions.compactMap { edge.pops[$0.label] }.map { pop -> Double in
                edge.isOrigin ? pop.missMilliseconds
                    : (edge.hitRatio + edge.staleRatio) * pop.hitMilliseconds + (1 - edge.hitRatio - edge.staleRatio) * pop.missMilliseconds
            }
            return perRegion.reduce(0, +) / Double(perRegion.count)
        }
        #expect(abs(average(fastly) - 422) < 10, "Fastly averaged 422 ms across continents")
        #expect(abs(average(origin) - 263) < 5, "the origin through Fly averaged 263 ms")
        #expect(abs(average(try #require(scenario.edges.first { $0.name == "bunny" })) - 53) < 5)
    }

    /// A typo in a scenario is an error at its line, as in a config, not a silently default value.
    @Test(arguments: [
        ("hit_ratoi = 0.5\n", "f:7: edge \"x\": hit_ratoi: unknown key; allowed here:"),
        ("pops = { \"eu-west\" = { pop = \"FRA\", rtt = 1, orign_rtt = 2 } }\n", "f:7: edge \"x\": pops.eu-west.orign_rtt: unknown key"),
        ("pops = { \"eu-wset\" = { pop = \"FRA\", rtt = 1 } }\n", "f:7: edge \"x\": pops.eu-wset: unknown key; allowed here: eu-west"),
    ])
    func unknownKeysAreRejected(line: String, expected: String) {
        let text = "site = \"s.lab\"\n[regions]\n\"eu-west\" = \"Europe\"\n[[edge]]\nname = \"x\"\nprovider = \"fastly\"\n" + line
        let error = #expect(throws: TOMLFileError.self) { try ScenarioFile.parse(text, file: "f") }
        #expect(error?.description.hasPrefix(expected) == true, "got: \(error?.description ?? "nothing")")
        let top = #expect(throws: TOMLFileError.self) { try ScenarioFile.parse("sitename = \"s\"\n" + text, file: "f") }
        #expect(top?.description.hasPrefix("f:1: sitename: unknown key") == true, "got: \(top?.description ?? "nothing")")
    }

    @Test func everyCDNNamesTheSameMetroInARegionInItsOwnSpelling() throws {
        let scenario = try ShippedScenario.load()
        for region in scenario.regions {
            var metros: [String: String] = [:]
            var spellings: Set<String> = []
            for edge in scenario.edges where !edge.isOrigin {
                let pop = try #require(edge.pops[region.label])
                // What a probe reads: the edge's real headers, through the classifier.
                let headers = EdgeResponse.identity(edge, pop: pop, id: "1").map { HTTPHeader(name: $0.0, value: $0.1) }
                let classification = Classifier.classify(headers)
                #expect(classification.provider == edge.provider)
                let code = try #require(classification.pop, "\(edge.name) \(region.label)")
                metros[edge.name] = POPMetros.metro(provider: edge.provider, pop: code)?.iata
                spellings.insert(code)
            }
            #expect(Set(metros.values).count == 1 && metros.count == scenario.edges.count - 1,
                    "\(region.label): \(metros)")
            #expect(spellings.count > 1, "the providers spell \(region.label)'s POP differently")
        }
    }

    @Test func mistakesSayWhereAndWhat() {
        let base = """
            site = "s.lab"
            [regions]
            "eu-west" = "Europe"
            [[edge]]
            name = "x"
            provider = "fastly"

            """
        let noPops = #expect(throws: TOMLFileError.self) { try ScenarioFile.parse(base, file: "f") }
        #expect(noPops?.description == "f:4: edge \"x\": pops: required, one per region")
        let noRTT = #expect(throws: TOMLFileError.self) {
            try ScenarioFile.parse(base + "pops = { \"eu-west\" = { pop = \"FRA\" } }\n", file: "f")
        }
        #expect(noRTT?.description == "f:7: edge \"x\": pops.eu-west.rtt: required")
        #expect(throws: TOMLFileError.self) { try ScenarioFile.parse(base.replacingOccurrences(of: "Europe", with: "Atlantis"), file: "f") }
        #expect(throws: TOMLFileError.self) {
            try ScenarioFile.parse(base + "hit_ratio = 0.9\nstale_ratio = 0.2\npops = { \"eu-west\" = { pop = \"FRA\", rtt = 1 } }\n", file: "f")
        }
    }
}

@Suite("The lab, probed by the real engine")
struct LabProbeTests {
    /// Every region's agent reaches its own region's POPs through its resolve pins, and every
    /// edge answers in its provider's dialect: the classifier finds provider, cache and POP.
    @Test func eachRegionIsServedByItsOwnPOPs() throws {
        let scenario = try ShippedScenario.load()
        let lab = try LabServer.start(scenario)
        defer { lab.stop() }
        let engine = ProbeEngine()
        for region in scenario.regions {
            let results = engine.run(lab.layout.endpoints(for: region), vantage: region)
            for result in results {
                let edge = try #require(scenario.edges.first { $0.name == result.endpoint })
                let pop = try #require(edge.pops[region.label])
                if edge.redirectLoop {
                    #expect(result.error == .redirectLoop, "\(result.endpoint) from \(region.label)")
                    continue
                }
                #expect(result.ok, "\(result.endpoint) from \(region.label): \(result.errorDetail ?? "")")
                #expect(result.provider == edge.provider, "\(result.endpoint) from \(region.label)")
                #expect(result.pop?.lowercased() == pop.code.lowercased(), "\(result.endpoint) from \(region.label)")
                #expect(edge.isOrigin ? result.cache == nil : result.cache != nil)
                if edge.provider == .fastly { #expect(result.popRegion == region.continent) }
                // The delay is injected by the server: a lower bound the probe cannot beat.
                let least = edge.isOrigin ? pop.missMilliseconds : pop.hitMilliseconds
                #expect(Double(result.timings.ttfb) / 1000 >= least * 0.85)
            }
        }
    }

    /// The lab speaks HTTPS: every probe pays a real TLS handshake (a phase > 0) and, told
    /// http/1.1 through ALPN, talks HTTP/1.1; the redirect loop keeps to https.
    @Test func everyProbePaysARealTLSHandshake() throws {
        let scenario = try ShippedScenario.load()
        let lab = try LabServer.start(scenario)
        defer { lab.stop() }
        let engine = ProbeEngine()
        for region in scenario.regions {
            for result in engine.run(lab.layout.endpoints(for: region), vantage: region) {
                let what = "\(result.endpoint) from \(region.label)"
                #expect(result.url.hasPrefix("https://"), "\(what)")
                #expect(result.timings.tls > 0, "\(what): a handshake was measured")
                #expect(result.httpVersion == "1.1", "\(what): \(result.httpVersion ?? "none")")
                #expect(result.ok || result.error == .redirectLoop, "\(what): \(result.errorDetail ?? "")")
            }
        }
    }

    /// The throwaway certificate names every edge's host and every POP address, so a client
    /// given it as its CA verifies the lab by name and by address (curl, the real tool); it is
    /// gone when the lab stops.
    @Test func theCertificateVerifiesForEveryHostAndAddressAndGoesAwayOnStop() throws {
        let scenario = try ShippedScenario.load()
        let europe = try #require(scenario.regions.first { $0.label == "eu-west" })
        let lab = try LabServer.start(scenario)
        // Checked before the one stop (a stopped lab cannot be stopped again), thrown after it.
        let checked = Result { () throws -> Void in
            for endpoint in lab.layout.endpoints(for: europe) {
                let pin = try #require(endpoint.resolve.first)
                let address = String(try #require(pin.split(separator: ":").last))
                let byName = try curl(["--cacert", lab.certificatePath, "--resolve", pin, endpoint.url])
                #expect(byName.status == 0, "\(endpoint.url): \(byName.stderr)")
                let byAddress = try curl(["--cacert", lab.certificatePath, "https://\(address):\(lab.port)/"])
                #expect(byAddress.status == 0, "\(address): \(byAddress.stderr)")
            }
            let unknownName = try curl(["--cacert", lab.certificatePath, "--resolve", "elsewhere.lab:\(lab.port):127.0.10.1",
                                        "https://elsewhere.lab:\(lab.port)/"])
            #expect(unknownName.status != 0, "a name the certificate does not list is refused")
        }
        let directory = URL(fileURLWithPath: lab.certificatePath).deletingLastPathComponent().path
        lab.stop()
        try checked.get()
        #expect(!FileManager.default.fileExists(atPath: directory), "the temp directory is removed on stop")
    }

    @Test func withoutOpensslTheLabSaysWhatToInstall() {
        let error = #expect(throws: LabStartError.self) {
            try LabCertificate.make(commonName: "x", hostNames: ["x.lab"], addresses: ["127.0.10.1"], searchPath: "/nonexistent")
        }
        #expect(error?.description.hasPrefix("openssl not found on PATH") == true, "\(error?.description ?? "nothing")")
        #expect(error?.description.contains("apt-get install openssl") == true)
    }

    /// Runs the curl tool quietly, the body thrown away; its exit status and what it said.
    private func curl(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "--silent", "--show-error", "--noproxy", "*", "--max-time", "10", "--output", "/dev/null"] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let said = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: said, as: UTF8.self))
    }

    @Test func missesAreSlowerThanHitsAndBothHappen() throws {
        let scenario = try ShippedScenario.load()
        let lab = try LabServer.start(scenario)
        defer { lab.stop() }
        let europe = try #require(scenario.regions.first { $0.label == "eu-west" })
        let fastly = try #require(lab.layout.endpoints(for: europe).first { $0.name == "fastly" })
        let results = ProbeEngine().run(Array(repeating: fastly, count: 40), vantage: europe)
        let hits = results.filter { $0.cache == .hit }, misses = results.filter { $0.cache == .miss }
        #expect(!hits.isEmpty && !misses.isEmpty, "a 50% hit ratio over 40 probes")
        #expect(misses.allSatisfy { $0.timings.ttfb >= 221_000 }, "a miss waits for the origin fetch (260 ms −15%)")
        #expect(results.allSatisfy { $0.cacheRaw?.hasPrefix("MISS, ") == true }, "the shield is listed first")
    }
}
