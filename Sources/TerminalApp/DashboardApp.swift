import Agent
import CDNTopCore
import Dispatch
import Foundation
import Report
import Store
import Synchronization
import UI

/// How the UI was asked to run (the `cdntop` flags, resolved).
public struct DashboardOptions: Sendable {
    public var databasePath: String
    public var reportsDirectory: String
    public var window: ReportWindow
    /// Seconds between database polls.
    public var refresh: Double
    public var themeName: String?
    public var braille: Bool
    public var environment: [String: String]
    public var executablePath: String
    /// The config's alert limits by endpoint name; empty without a config.
    public var thresholds: [String: AlertThresholds]
    /// Ring the terminal bell when a breach starts (`--bell`, `[ui] bell`).
    public var bell: Bool

    public init(databasePath: String, reportsDirectory: String, window: ReportWindow, refresh: Double,
                themeName: String?, braille: Bool, environment: [String: String], executablePath: String,
                thresholds: [String: AlertThresholds] = [:], bell: Bool = false) {
        self.thresholds = thresholds
        self.bell = bell
        self.databasePath = databasePath
        self.reportsDirectory = reportsDirectory
        self.window = window
        self.refresh = refresh
        self.themeName = themeName
        self.braille = braille
        self.environment = environment
        self.executablePath = executablePath
    }
}

/// A problem that stops the UI before it draws anything, with what to do about it.
public struct DashboardError: Error, CustomStringConvertible {
    public var description: String

    /// The UI draws on a terminal: checked before anything (a database) is created.
    public static func requireTerminal() throws(DashboardError) {
        guard isatty(STDOUT_FILENO) == 1, isatty(STDIN_FILENO) == 1 else {
            throw DashboardError(description: "the UI needs a terminal; for scripts use `cdntop probe --json`, `cdntop report` or `cdntop export`")
        }
    }
}

/// The UI loop: keys in (`DashboardState.handle`), what they ask done (`DashboardEffects`),
/// snapshots from the data feed and the live prober folded in, and a frame drawn when
/// anything visible changed (at most once per key or data change, plus once a second for the
/// "last probe" clock).
public final class DashboardApp {
    private let options: DashboardOptions
    private let store: any ProbeStore
    private let prober: LiveProber?
    private let configured: [StoredEndpoint]
    private let catalog: ThemeCatalog
    private let notices = NoticeBoard()
    private let quitSignal = ReceivedSignal()
    private var signalSources: [any DispatchSourceSignal] = []

    /// `agent` nil means read-only (`--no-probe`, or no config).
    public init(options: DashboardOptions, store: any ProbeStore, agent: ProbeAgent?) throws {
        self.options = options
        self.store = store
        prober = agent.map(LiveProber.init)
        configured = agent?.endpoints.map { StoredEndpoint(name: $0.name, site: $0.site, url: $0.url, isOrigin: $0.isOrigin) } ?? []
        catalog = ThemeCatalog(directories: ThemeCatalog.searchDirectories(environment: options.environment,
                                                                            executable: options.executablePath))
        if let name = options.themeName, catalog.theme(named: name) == nil {
            throw DashboardError(description: "no theme \"\(name)\"; themes found: "
                                 + catalog.themes.map(\.name).joined(separator: ", ")
                                 + catalog.problems.map { "\n  skipped \($0)" }.joined())
        }
    }

    /// Runs until `q` or SIGINT/SIGTERM/SIGHUP; the terminal is restored on every way out.
    public func run() throws(DashboardError) -> Int32 {
        let monochrome = !(options.environment["NO_COLOR"] ?? "").isEmpty
        let theme = catalog.theme(named: options.themeName ?? (monochrome ? "mono" : "default")) ?? Theme.builtinDefault
        let terminal = try CursesTerminal(theme: theme, environment: options.environment)
        // From here on stderr goes to the log: nothing may write over the screen.
        Log.open(path: DefaultLocations.logFile(environment: options.environment))
        Log.write("cdntop UI started: db \(options.databasePath)")
        installSignalHandlers()
        defer {
            terminal.restore()
            Log.restoreStandardError()
        }
        var state = DashboardState(data: nil, view: ViewState(window: options.window, themeName: theme.name),
                                   live: prober?.status ?? LiveStatus(probing: false), now: Date(), braille: options.braille)
        for problem in catalog.problems { notices.post("theme skipped: \(problem)", problem: true, seconds: 8) }
        let feed = DataFeed(store: store, configured: configured, thresholds: options.thresholds,
                            request: request(for: state, terminal.size),
                            refresh: options.refresh)
        let effects = DashboardEffects(terminal: terminal, catalog: catalog, prober: prober, notices: notices,
                                       reportsDirectory: options.reportsDirectory, theme: theme)
        feed.start()
        prober?.start()
        defer {
            prober?.stop(waitSeconds: 1)
            feed.stop()
        }

        var bell = AlertBell()
        var drawnSecond = -1
        var dirty = true
        while quitSignal.number == 0 {
            if let key = terminal.readKey(milliseconds: feed.isBehind ? 10 : 200) {
                dirty = true
                if key == .resize {
                    terminal.invalidate()
                } else if !effects.perform(state.handle(key), state: &state) {
                    return 0
                }
            }
            feed.update(request(for: state, terminal.size))
            if let data = feed.take() {
                state.receive(data)
                if bell.ringsFor(data), options.bell { terminal.beep() }
                dirty = true
            }
            if let prober, !state.view.frozen {
                let live = prober.status
                if live != state.live { state.live = live; dirty = true }
                for problem in prober.takeProblems() { notices.post(problem, problem: true, seconds: 10) }
            }
            if let notice = notices.take() {
                state.notice = notice
                dirty = true
            }
            // Frozen means frozen: the clock behind "last probe 12 s ago" stops too.
            let now = Date()
            let second = Int(now.timeIntervalSince1970)
            if second != drawnSecond, !state.view.frozen {
                state.now = now
                drawnSecond = second
                dirty = true
            }
            if dirty {
                let size = terminal.size
                terminal.draw(DashboardRenderer.render(state, width: size.width, height: size.height))
                dirty = false
            }
        }
        let number = quitSignal.number
        Log.write("stopping on signal \(number)")
        return 128 + number
    }

    private func request(for state: DashboardState, _ size: (width: Int, height: Int)) -> DashboardRequest {
        DashboardRequest(site: state.view.site, window: state.view.window,
                         chartSlices: DashboardLayout.chartSlices(width: size.width, endpointNames: state.data?.endpointNames ?? [],
                                                                  braille: state.braille),
                         detailEndpoint: state.view.overlay == .detail ? state.selected : nil)
    }

    /// SIGINT, SIGTERM and SIGHUP (a dropped ssh, a killed tmux) end the loop, which restores
    /// the terminal; a second signal restores it and exits at once.
    private func installSignalHandlers() {
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [quitSignal] in
                if quitSignal.receive(number) {
                    CrashRestore.restoreNow()
                    exit(128 + number)
                }
            }
            source.resume()
            signalSources.append(source)
        }
        signal(SIGPIPE, SIG_IGN)
    }
}

/// Decides when the bell rings: when a breach starts that the previous snapshot of the same
/// site did not show; never for the breaches already lasting when the UI opened or the site
/// was switched to (whoever looks has them on screen).
struct AlertBell {
    private var site: String?
    private var seen: Set<AlertKey>?

    private struct AlertKey: Hashable {
        var endpoint: String
        var kind: AlertKind
        var start: Date
    }

    mutating func ringsFor(_ data: DashboardData) -> Bool {
        let firing = Set((data.analysis?.alerts.firing ?? []).map { AlertKey(endpoint: $0.endpoint, kind: $0.kind, start: $0.start) })
        let previous = data.site == site ? seen : nil
        (site, seen) = (data.site, firing)
        guard let previous else { return false }
        return !firing.subtracting(previous).isEmpty
    }
}

/// Messages for the footer from any thread. The newest replaces the one on screen at once:
/// a notice that waited its turn showed the state before the key that caused the next one
/// (the previous theme's name). Every notice also goes to the log.
final class NoticeBoard: Sendable {
    private let newest = Mutex<Notice?>(nil)

    func post(_ text: String, problem: Bool = false, seconds: Double = 6) {
        Log.write((problem ? "problem: " : "notice: ") + text)
        newest.withLock { $0 = Notice(text: text, isProblem: problem, until: Date().addingTimeInterval(seconds)) }
    }

    /// The notice posted since the last call, if any.
    func take() -> Notice? {
        newest.withLock { notice in
            defer { notice = nil }
            return notice
        }
    }
}

/// The signal that asked the UI to stop (0: none yet).
final class ReceivedSignal: Sendable {
    private let received = Mutex<Int32>(0)

    var number: Int32 { received.withLock { $0 } }

    /// Records `number`; true when a signal had already been received (the second one).
    func receive(_ number: Int32) -> Bool {
        received.withLock { current in
            defer { current = number }
            return current != 0
        }
    }
}
