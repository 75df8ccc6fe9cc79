import CDNTopCore
import Foundation

/// Enter on an endpoint: where its time goes (a phase bar), its last probe, the POPs and
/// protocols that served it, the headers the verdict was read from, and its recent errors.
enum DetailOverlay {
    /// The response headers worth showing: the ones cdntop classifies from, and the caching
    /// headers a person checks next.
    static let headersThatMatter: Set<String> = [
        "age", "cache-control", "cache-status", "cdn-cache", "cdn-pullzone", "cdn-requestid", "cf-cache-status",
        "cf-ray", "etag", "expires", "fly-request-id", "last-modified", "location", "server", "server-timing",
        "surrogate-control", "vary", "via", "x-akamai-request-id", "x-amz-cf-id", "x-amz-cf-pop", "x-cache",
        "x-cache-status", "x-edge-location", "x-nf-request-id", "x-served-by", "x-tigris-served-from", "x-timer",
        "x-varnish", "x-vercel-cache", "x-vercel-id",
    ]

    static func draw(_ state: DashboardState, in rect: Rect, on screen: inout Screen) {
        guard let name = state.selected else { return }
        let summary = state.data?.summary(of: name)
        let latest = state.latest(name)
        let headers = (state.data?.detailHeaders ?? []).filter { headersThatMatter.contains($0.name.lowercased()) }
        let trailers = state.data?.detailTrailers ?? []
        let loaded = state.data?.detailEndpoint == name
        let errors = loaded ? state.data?.detailErrors ?? [] : []
        let failure = state.data?.failures.first { $0.endpoint == name }
        // url, phases (3), last probe (2), POPs and protocols (2), headers, errors: with titles.
        let wanted = 1 + (summary?.phases == nil ? 0 : 3) + (latest == nil ? 0 : 2) + (summary == nil ? 0 : 2)
            + 1 + max(1, min(12, headers.count)) + (trailers.isEmpty ? 0 : 1 + min(4, trailers.count))
            + 1 + (failure == nil ? 0 : 1) + max(1, min(6, errors.count)) + 2
        let box = Overlay.box(width: 110, height: wanted, in: rect)
        Overlay.frame(box, title: name + (summary?.provider.map { " · \($0.displayName)" } ?? ""), on: &screen)
        let inner = box.inset(dx: 2, dy: 1)
        var y = inner.y
        func line(_ text: String, _ role: Role = .overlay, indent: Int = 0) {
            guard y < inner.maxY else { return }
            screen.put(text, x: inner.x + indent, y: y, role: role, clip: inner)
            y += 1
        }
        line(summary?.endpoint.url ?? latest?.url ?? "", .muted)
        if let phases = summary?.phases {
            line("Where the time goes (medians of \(NumberText.count(phases.samples)) ok probes, \(state.view.window.rawValue))", .section)
            drawPhaseBar(phases, x: inner.x, y: y, width: inner.width, on: &screen)
            y += 2
        }
        if let latest {
            line("Last probe", .section)
            line(lastProbeText(latest), latest.ok ? .overlay : .bad)
        }
        if let summary {
            let provider = summary.provider
            let pops = summary.pops.prefix(6).map { pop in
                (POPMetros.metro(provider: provider, pop: pop.label)?.label(pop: pop.label) ?? pop.label) + " \(NumberText.count(pop.count))"
            }.joined(separator: ", ")
            line("POPs: " + (pops.isEmpty ? "none reported" : pops))
            let versions = summary.httpVersions.map { "HTTP/\($0.label) \(NumberText.count($0.count))" }.joined(separator: ", ")
            line("Protocols: " + (versions.isEmpty ? "—" : versions) + " · success " + (summary.successRatio.map(NumberText.percent) ?? "—")
                 + " of \(NumberText.count(summary.probes))")
        }
        line("Headers that mattered" + (latest.map { " (latest from \($0.vantage.label))" } ?? ""), .section)
        if headers.isEmpty {
            line(loaded ? "none recorded" : "loading…", .muted, indent: 2)
        }
        for header in headers.prefix(max(0, min(12, inner.maxY - y - 3))) {
            line("\(header.name.lowercased()): \(Sanitizer.clean(header.value))", indent: 2)
        }
        if !trailers.isEmpty {
            line("Trailers (after the body, not classified)", .section)
            for trailer in trailers.prefix(max(0, min(4, inner.maxY - y - 2))) {
                line("\(trailer.name.lowercased()): \(Sanitizer.clean(trailer.value))", indent: 2)
            }
        }
        line("Recent errors", .section)
        if let failure { line("\(failure.vantage): \(failure.text)", .bad, indent: 2) }
        if errors.isEmpty { line(loaded ? "no failed probe recorded" : "loading…", .muted, indent: 2) }
        for probe in errors.prefix(max(0, inner.maxY - y)) {
            let detail = probe.errorDetail.map { ": \($0)" } ?? ""
            line("\(PanelText.clock(probe.timestamp)) \(probe.vantage.label) \(probe.error?.rawValue ?? "failed")\(detail)",
                 .bad, indent: 2)
        }
    }

    /// "200 HIT · POP SJC (North America) · HTTP/2 · ttfb 53 ms · 19:22:03 UTC from eu-west".
    static func lastProbeText(_ probe: ProbeResult) -> String {
        var parts: [String] = []
        if let error = probe.error {
            parts.append(error.rawValue + (probe.errorDetail.map { ": \($0)" } ?? ""))
        } else {
            parts.append([probe.status.map(String.init), probe.cache?.rawValue].compactMap { $0 }.joined(separator: " "))
        }
        if let pop = probe.pop {
            // The metro for comparing providers, the provider's own code beside it.
            parts.append("POP " + (probe.popMetro?.label(pop: pop) ?? pop) + (probe.popRegion.map { ", \($0.rawValue)" } ?? ""))
        }
        if let version = probe.httpVersion { parts.append("HTTP/\(version)") }
        if probe.ok { parts.append("ttfb \(NumberText.milliseconds(Double(probe.timings.ttfb) / 1000)) ms") }
        if let age = probe.age { parts.append("age \(age) s") }
        parts.append("\(PanelText.clock(probe.timestamp)) UTC from \(probe.vantage.label)")
        return parts.joined(separator: " · ")
    }

    /// A stacked bar of the median phases (dns, connect, tls, waiting for the first byte,
    /// transfer) with its legend on the line below.
    static func drawPhaseBar(_ phases: PhaseMedians, x: Int, y: Int, width: Int, on screen: inout Screen) {
        let wait = max(0, phases.ttfb - phases.dns - phases.connect - phases.tls)
        let parts: [(String, Double, Character, Role)] = [
            ("dns", phases.dns, "░", .muted), ("connect", phases.connect, "▒", .warn), ("tls", phases.tls, "▓", .busy),
            ("wait", wait, "█", .spark), ("transfer", phases.transfer, "▚", .good),
        ]
        let total = parts.reduce(0) { $0 + $1.1 }
        var column = x
        if total > 0 {
            for (_, value, character, role) in parts {
                let cells = Int((value / total * Double(width)).rounded())
                let text = String(repeating: character, count: max(0, min(cells, x + width - column)))
                column = screen.put(text, x: column, y: y, role: role)
            }
        }
        var legend = x
        for (label, value, character, role) in parts {
            legend = screen.put("\(character) ", x: legend, y: y + 1, role: role, clip: Rect(x: x, y: y + 1, width: width, height: 1))
            legend = screen.put("\(label) \(NumberText.milliseconds(value))  ", x: legend, y: y + 1, role: .overlay,
                                clip: Rect(x: x, y: y + 1, width: width, height: 1))
        }
        screen.put("ms", x: legend, y: y + 1, role: .muted, clip: Rect(x: x, y: y + 1, width: width, height: 1))
    }
}
