import Foundation
import TestSupport
import Testing

/// `cdntop demo` as a viewer of a recording sees it: the whole terminal in use, the failing
/// CDN first in the events log, one metro per city across providers, a chart with its scale.
@Suite("cdntop demo in tmux")
struct DemoTmuxTests {
    @Test func theDemoTellsTheStoryOnAWholeScreen() async throws {
        let cli = try CLIRunner()
        let command = "env -i HOME=\(cli.directory.path) PATH=/usr/bin:/bin LANG=C.UTF-8 TERM=tmux-256color "
            + "\(CLIRunner.binary) demo --db \(cli.databasePath) 2> \(cli.directory.path)/demo.err; echo exited $?; sleep 60"
        let tmux = try TmuxSession(command: command, width: 120, height: 40)
        defer { tmux.kill() }
        let screen = await tmux.waitFor("all seven regions and the failing CDN", seconds: 40) {
            $0.contains("au-east") && $0.contains("failing since")
        }
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let events = try #require(lines.firstIndex { $0.hasPrefix("─ Events") })
        #expect(lines[events + 1].contains("cloudflare") && lines[events + 1].contains("redirect_loop"),
                "the redirect loop is the first thing the events log says:\n\(screen)")
        #expect(screen.contains("every probe failed"), "the failing CDN is not called uncached")
        #expect(screen.range(of: #"▁ [0-9,.]+ ms … █ [0-9,.]+ ms"#, options: .regularExpression) != nil, "the chart's scale is printed")
        let popColumn = lines.filter { $0.contains("200 HIT") || $0.contains("redirect_loop") }
        #expect(popColumn.allSatisfy { !$0.contains("zajn") && !$0.contains(" ZA1") }, "POPs as metros, not provider codes")
        // The rows between the first panel and the footer are all in use, but for the events
        // log's room and the chart rows of fast endpoints.
        let blank = lines.dropFirst().dropLast().prefix(events).filter { $0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(blank.count <= 10, "\(blank.count) blank rows above the events log:\n\(screen)")
        try tmux.send("q")
        await tmux.waitFor(text: "exited 0")
        let stderr = try String(contentsOfFile: cli.directory.path + "/demo.err", encoding: .utf8)
        #expect(stderr.contains(cli.databasePath), "on quit the demo says where its probes are: \(stderr)")
    }
}
