import Foundation
import Lab
import Testing

/// `cdntop demo --no-ui` then `cdntop report`: the offline story from a fresh database.
@Suite("cdntop demo, headless")
struct DemoCommandTests {
    @Test func headlessDemoFillsADatabaseWhoseReportTellsTheStory() throws {
        let cli = try CLIRunner()
        let demo = try cli.run(["demo", "--no-ui", "--duration", "3s", "--db", cli.databasePath])
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stderr.contains("from 7 regions"))
        let report = try cli.run(["report", "--db", cli.databasePath, "--format", "json"])
        #expect(report.status == 0, "\(report.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
        let endpoints = try #require(json["endpoints"] as? [[String: Any]])
        #expect(Set(endpoints.compactMap { $0["endpoint"] as? String }) == ["origin", "fastly", "bunny", "cloudflare", "keycdn"])
        #expect((json["regions"] as? [Any])?.count == 7)
        let cloudflare = try #require(endpoints.first { $0["endpoint"] as? String == "cloudflare" })
        #expect((cloudflare["errors"] as? [String: Int])?.keys.sorted() == ["redirect_loop"])
        let comparisons = try #require(json["origin_comparison"] as? [[String: Any]])
        let bunny = try #require(comparisons.first { $0["endpoint"] as? String == "bunny" })
        #expect(bunny["faster"] as? Bool == true, "Bunny at ~99.9% hits beats the origin")

        // The lab speaks HTTPS: every stored probe went to an https URL, and every one answered
        // paid a handshake and spoke HTTP/1.1.
        let export = try cli.run(["export", "--db", cli.databasePath, "--format", "jsonl"])
        #expect(export.status == 0, "\(export.stderr)")
        let probes = try export.lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(probes.allSatisfy { ($0["url"] as? String)?.hasPrefix("https://") == true })
        let answered = probes.filter { $0["status"] as? Int != nil }
        #expect(answered.count > probes.count / 2, "\(answered.count) of \(probes.count) probes answered")
        for probe in answered {
            #expect((probe["tls_ms"] as? Double ?? 0) > 0, "\(probe["endpoint"] ?? "?"): tls_ms \(probe["tls_ms"] ?? "null")")
            #expect(probe["http_version"] as? String == "1.1", "\(probe["endpoint"] ?? "?")")
        }
    }

    @Test func theUIRefusesWithoutATerminalAndSaysWhatToDo() throws {
        let cli = try CLIRunner()
        let outcome = try cli.run(["demo", "--db", cli.databasePath])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("--no-ui"))
        #expect(!FileManager.default.fileExists(atPath: cli.databasePath), "nothing created before the refusal")
    }
}

/// `cdntop lab --print-config` answers for a lab that is already running: it must not try to
/// listen on the addresses that lab holds.
@Suite("cdntop lab --print-config")
struct LabPrintConfigTests {
    @Test func printsTheRunningLabsConfigWithoutBindingItsPorts() throws {
        let scenarioPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scenarios/changelog.toml").path
        let lab = try LabServer.start(try ScenarioFile.load(path: scenarioPath))
        defer { lab.stop() }
        let cli = try CLIRunner()
        let printed = try cli.run(["lab", "--scenario", scenarioPath, "--print-config", "eu-west", "--port", String(lab.port)])
        #expect(printed.status == 0, "\(printed.stderr)")
        let euWest = try #require(lab.scenario.regions.first { $0.label == "eu-west" })
        #expect(printed.stdout.trimmingCharacters(in: .newlines) == lab.layout.config(for: euWest).trimmingCharacters(in: .newlines))
        #expect(printed.stdout.contains(":\(lab.port):127.0."), "the POPs on the running lab's port")
        #expect(printed.stdout.contains("url = \"https://fastly.changelog.lab:\(lab.port)/\""), "\(printed.stdout)")
        #expect(printed.stdout.contains("insecure = true"), "the throwaway certificate verifies against no CA")
        let portless = try cli.run(["lab", "--scenario", scenarioPath, "--print-config", "eu-west"])
        #expect(portless.status == 64, "\(portless.stderr)")
        #expect(portless.stderr.contains("--print-config needs --port"), "\(portless.stderr)")
        #expect(portless.stderr.contains("Usage: cdntop lab"), "the lab's usage, not the top level's: \(portless.stderr)")
    }
}
