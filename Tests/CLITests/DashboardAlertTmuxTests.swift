import Foundation
import TestSupport
import Testing

/// Thresholds end to end: the UI in tmux probes a loopback endpoint the test turns slow, shows
/// the ALERT badge and the alert line, and clears both when the endpoint is fast again. Each
/// phase waits for a minute end (that is when thresholds are judged), so this takes 1–3 minutes.
@Suite("cdntop UI alerts in tmux, end to end", .serialized)
struct DashboardAlertTmuxTests {
    static func config(_ server: LoopbackHTTPServer) -> String {
        """
        [agent]
        region = "eu-west"

        [[site]]
        name = "loopback"
        max_p95 = "500ms"
        alert_window = "1m"
        alert_min_probes = 3

        [[endpoint]]
        name = "slowpoke"
        site = "loopback"
        url = "\(server.url("/adjustable"))"
        interval = "100ms"

        [[endpoint]]
        name = "steady"
        site = "loopback"
        url = "\(server.url("/delay/1"))"
        interval = "100ms"
        max_p95 = "5s"
        """
    }

    @Test func aThresholdFiresAndRecoversOnScreen() async throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        // Far over the line, and the line far over what a loaded machine adds to a fast probe.
        server.setAdjustableDelay(milliseconds: 1500)
        let cli = try CLIRunner()
        try cli.writeConfig(Self.config(server))
        let tmux = try TmuxSession(command: DashboardTmuxTests.command(cli, extra: "--refresh 200ms --window 5m"),
                                   width: 120, height: 40)
        defer { tmux.kill() }

        // Judged at minute ends: the first whole minute of slow probes fires within 60 s.
        let firing = await tmux.waitFor("the ALERT badge and the alert line", seconds: 90) {
            $0.contains("ALERT 1") && $0.contains("slowpoke") && $0.contains("> 500 ms (n=") && $0.contains(", 1m) since ")
        }
        let line = try #require(firing.split(separator: "\n").first { $0.contains("> 500 ms (n=") })
        #expect(line.contains("alert"), "the vantage column says the line is an alert: \(line)")
        #expect(!firing.split(separator: "\n").contains { $0.contains("steady") && $0.contains(" alert ") },
                "the fast endpoint is within its line")

        server.setAdjustableDelay(milliseconds: 0)
        // The minute the delay changed in still holds slow probes: recovery comes at the next
        // minute end but one at the latest.
        let recovered = await tmux.waitFor("the badge to clear and the recovery line", seconds: 150) {
            !$0.contains("ALERT") && $0.contains("p95 back within 500 ms after")
        }
        #expect(recovered.contains("p95 > 500 ms, worst "), "the breach that ended stays in the log")

        try tmux.send("q")
        await tmux.waitFor(text: "exited 0")
    }
}
