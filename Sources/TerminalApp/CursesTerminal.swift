import CNCursesW
import Foundation
import UI

/// The only file that calls curses. It sets the terminal up and puts it back, reads keys,
/// and turns the screen model into curses cells — redrawing only the rows that changed.
///
/// Colour depth is decided here, once: `NO_COLOR` or a terminal without colours →
/// monochrome; `COLORTERM=truecolor|24bit` with a direct-colour terminal description →
/// truecolor; otherwise 256 or 8 colours as the terminal reports.
final class CursesTerminal {
    private(set) var depth: ColorDepth
    private var pairs: [ColorPairKey: Int32] = [:]
    private var previous: Screen?
    private var theme: Theme
    private var attributeCache: [StyleKey: (attr_t, Int32)] = [:]

    private struct StyleKey: Hashable {
        var role: Role
        var backdrop: Role?
    }

    private struct ColorPairKey: Hashable {
        var foreground: Int32
        var background: Int32
    }

    /// Throws when the terminal cannot be driven (TERM unknown to terminfo, say): curses'
    /// own `initscr` would print to stderr and exit instead.
    init(theme: Theme, environment: [String: String]) throws(DashboardError) {
        self.theme = theme
        setlocale(LC_ALL, "")
        Self.acceptWindowSizeChanges()
        CrashRestore.rememberTerminal()
        let wantsTruecolor = ["truecolor", "24bit"].contains(environment["COLORTERM"]?.lowercased() ?? "")
        var direct = false
        if wantsTruecolor, let name = Self.directTerminalName(environment["TERM"]),
           newterm(name, cdntop_stdout(), cdntop_stdin()) != nil {
            direct = true
        } else if newterm(nil, cdntop_stdout(), cdntop_stdin()) == nil {
            throw DashboardError(description: "cannot drive this terminal (TERM=\(environment["TERM"] ?? "unset")): "
                                 + "terminfo has no such entry; try TERM=xterm-256color")
        }
        cbreak()
        noecho()
        nonl()
        keypad(cdntop_stdscr(), true)
        curs_set(0)
        set_escdelay(25)
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        if has_colors() && !noColor {
            start_color()
            use_default_colors()
            let colors = cdntop_colors()
            depth = direct && colors >= 0x100_0000 ? .truecolor : colors >= 256 ? .palette256 : colors >= 8 ? .ansi8 : .monochrome
        } else {
            depth = .monochrome
        }
        CrashRestore.install()
    }

    /// curses learns of resizes through SIGWINCH, installing its handler only over the default
    /// disposition. A parent that ignored or blocked the signal (both are inherited across exec)
    /// would leave the layout stuck at the first size, so both are undone before curses starts.
    private static func acceptWindowSizeChanges() {
        signal(SIGWINCH, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGWINCH)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// "tmux-direct" for TERM=tmux-256color, "xterm-direct" for xterm-256color: the terminfo
    /// entry that takes 24-bit colours, when this system has it.
    private static func directTerminalName(_ term: String?) -> String? {
        guard let family = term?.split(separator: "-").first else { return nil }
        let candidate = "\(family)-direct"
        let paths = ["/usr/share/terminfo", "/lib/terminfo", "/etc/terminfo"].map { "\($0)/\(family.prefix(1))/\(candidate)" }
        return paths.contains(where: FileManager.default.fileExists(atPath:)) ? candidate : nil
    }

    var size: (width: Int, height: Int) { (Int(cdntop_cols()), Int(cdntop_lines())) }

    func setTheme(_ theme: Theme) {
        self.theme = theme
        attributeCache = [:]
        previous = nil
    }

    /// The terminal bell (or its visible flash where the terminal has no bell).
    func beep() {
        _ = CNCursesW.beep()
    }

    /// Waits up to `milliseconds` for a key; nil on timeout or an unknown key.
    func readKey(milliseconds: Int32) -> Key? {
        wtimeout(cdntop_stdscr(), milliseconds)
        var code: wint_t = 0
        let result = wget_wch(cdntop_stdscr(), &code)
        if result == KEY_CODE_YES {
            switch Int32(code) {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_BACKSPACE: return .backspace
            case KEY_ENTER: return .enter
            case KEY_RESIZE:
                previous = nil
                return .resize
            default: return nil
            }
        }
        guard result == OK, let scalar = Unicode.Scalar(UInt32(code)) else { return nil }
        switch scalar {
        case "\r", "\n": return .enter
        case "\t": return .tab
        case "\u{1B}": return .escape
        case "\u{7F}", "\u{08}": return .backspace
        default: return .character(Character(scalar))
        }
    }

    /// Draws the rows of `screen` that differ from the last frame and refreshes.
    func draw(_ screen: Screen) {
        let rows = screen.changedRows(since: previous)
        guard !rows.isEmpty else { return }
        if previous == nil || previous?.width != screen.width || previous?.height != screen.height {
            werase(cdntop_stdscr())
        }
        var buffer: [wchar_t] = []
        for y in rows {
            var x = 0
            while x < screen.width {
                let key = StyleKey(role: screen[x, y].role, backdrop: screen[x, y].backdrop)
                let start = x
                buffer.removeAll(keepingCapacity: true)
                while x < screen.width, screen[x, y].role == key.role, screen[x, y].backdrop == key.backdrop {
                    let cell = screen[x, y]
                    if !cell.continuation {
                        for scalar in cell.character.unicodeScalars { buffer.append(wchar_t(bitPattern: scalar.value)) }
                    }
                    x += 1
                }
                let (attributes, pair) = style(for: key)
                _ = cdntop_set_style(attributes, pair)
                _ = cdntop_put(Int32(y), Int32(start), buffer, Int32(buffer.count))
            }
        }
        _ = cdntop_set_style(cdntop_attr_normal(), 0)
        wrefresh(cdntop_stdscr())
        previous = screen
    }

    /// Forgets the last frame so the next draw repaints everything (after a resize or theme change).
    func invalidate() {
        previous = nil
        clearok(cdntop_stdscr(), true)
    }

    /// Puts the terminal back as it was. Safe to call more than once.
    func restore() {
        if isendwin() { return }
        curs_set(1)
        endwin()
    }

    private func style(for key: StyleKey) -> (attr_t, Int32) {
        if let cached = attributeCache[key] { return cached }
        let style = theme.style(key.role, on: key.backdrop)
        var attributes = cdntop_attr_normal()
        if style.bold { attributes |= cdntop_attr_bold() }
        if style.dim { attributes |= cdntop_attr_dim() }
        if style.underline { attributes |= cdntop_attr_underline() }
        if style.reverse { attributes |= cdntop_attr_reverse() }
        let foreground = curses(style.foreground.lowered(to: depth))
        let background = curses(style.background.lowered(to: depth))
        var pair: Int32 = 0
        if depth != .monochrome, foreground != -1 || background != -1 {
            let key = ColorPairKey(foreground: foreground, background: background)
            if let known = pairs[key] {
                pair = known
            } else if Int32(pairs.count + 1) < cdntop_color_pairs() {
                pair = Int32(pairs.count + 1)
                init_extended_pair(pair, foreground, background)
                pairs[key] = pair
            }
        }
        attributeCache[key] = (attributes, pair)
        return (attributes, pair)
    }

    /// A colour as curses numbers it: -1 for the terminal's default, a palette index, or,
    /// on a direct-colour terminal, the 24-bit RGB value (there every number is read as RGB,
    /// so palette colours are converted too).
    private func curses(_ color: Color?) -> Int32 {
        guard let color, color != .terminalDefault else { return -1 }
        if depth == .truecolor, let (r, g, b) = color.rgb { return Int32(r) << 16 | Int32(g) << 8 | Int32(b) }
        switch color {
        case .ansi(let n), .indexed(let n): return Int32(n)
        // Below truecolor `lowered(to:)` has already turned RGB into the palette, and the
        // default was answered above: neither reaches here.
        case .rgb, .terminalDefault: return -1
        }
    }
}

/// If cdntop crashes (a trap, a segfault, an abort) the terminal must not be left raw, in the
/// alternate screen, with the cursor hidden. Before curses starts this keeps the terminal
/// settings exactly as the shell left them, and once it has started the terminal's own "leave
/// full-screen mode" strings; a fatal signal writes them back with async-signal-safe calls
/// only, then lets the signal kill the process as it would have.
enum CrashRestore {
    nonisolated(unsafe) private static var resetBytes: [UInt8] = []
    nonisolated(unsafe) private static var cooked = termios()
    nonisolated(unsafe) private static var haveCooked = false

    /// Called before curses touches the terminal.
    static func rememberTerminal() {
        haveCooked = tcgetattr(STDIN_FILENO, &cooked) == 0
    }

    static func install() {
        var bytes: [UInt8] = []
        for capability in ["sgr0", "cnorm", "rmkx", "rmcup"] {
            if let value = cdntop_terminfo_string(capability) { bytes += Array(String(cString: value).utf8) }
        }
        resetBytes = bytes
        for number in [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE] {
            signal(number) { received in
                CrashRestore.restoreNow()
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }

    /// Async-signal-safe: write(2) and tcsetattr(3) only.
    static func restoreNow() {
        if !resetBytes.isEmpty {
            _ = resetBytes.withUnsafeBufferPointer { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
        }
        if haveCooked { _ = tcsetattr(STDIN_FILENO, TCSANOW, &cooked) }
    }
}
