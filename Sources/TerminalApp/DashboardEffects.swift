import CDNTopCore
import Dispatch
import Foundation
import Report
import UI

/// Carries out what a key asked beyond changing the view: switch themes, probe now, write
/// the snapshot report. Runs on the UI loop; anything slow goes to another thread.
final class DashboardEffects {
    private let terminal: CursesTerminal
    private let catalog: ThemeCatalog
    private let prober: LiveProber?
    private let notices: NoticeBoard
    private let reportsDirectory: String
    private var theme: Theme

    init(terminal: CursesTerminal, catalog: ThemeCatalog, prober: LiveProber?, notices: NoticeBoard,
         reportsDirectory: String, theme: Theme) {
        self.terminal = terminal
        self.catalog = catalog
        self.prober = prober
        self.notices = notices
        self.reportsDirectory = reportsDirectory
        self.theme = theme
    }

    /// Does what `effect` asks; false when it asks to quit.
    func perform(_ effect: ViewState.Effect, state: inout DashboardState) -> Bool {
        switch effect {
        case .quit:
            return false
        case .cycleTheme:
            theme = catalog.next(after: theme.name)
            state.view.themeName = theme.name
            terminal.setTheme(theme)
            notices.post("theme: \(theme.name)" + (terminal.depth == .monochrome ? " (no colours on this terminal)" : ""))
        case .probe(let endpoints):
            guard let prober else {
                notices.post("read-only view: probing needs a config (and no --no-probe)", problem: true)
                break
            }
            prober.probe(endpoints.map { names in names.compactMap { state.key($0) } })
            notices.post(endpoints.map { "probing \($0.joined(separator: ", "))…" } ?? "probing every endpoint…")
        case .writeReport:
            writeReport(state)
        case .reload, .none:
            break
        }
        return true
    }

    /// Writes the report of the analysis on screen — frozen or not, the report says what the
    /// screen says — off the UI thread, and posts its path (or why it failed).
    private func writeReport(_ state: DashboardState) {
        guard let analysis = state.data?.analysis else {
            notices.post("no report: no probes of this site in the \(state.view.window.phrase)", problem: true)
            return
        }
        let frozen = state.view.frozen ? "the frozen picture, " : ""
        let directory = reportsDirectory, notices = notices
        notices.post("writing the report of \(frozen)\(analysis.window.phrase)…", seconds: 30)
        DispatchQueue.global().async {
            do {
                let path = try SnapshotWriter.write(analysis, to: directory)
                notices.post("report of \(frozen)\(analysis.window.phrase) written to \(path)", seconds: 15)
            } catch {
                notices.post("report not written to \(directory): \(FileProblem.describe(error)): choose a reports directory you can write",
                             problem: true, seconds: 15)
            }
        }
    }
}
