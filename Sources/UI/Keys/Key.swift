/// A key press as the UI understands it, decoupled from curses key codes so the key
/// handling is testable without a terminal.
public enum Key: Sendable, Hashable {
    case character(Character)
    case up
    case down
    case left
    case right
    case backspace
    case enter
    case tab
    case escape
    case resize

    /// How the help overlay and the footer write it.
    public var label: String {
        switch self {
        case .character(let character): String(character)
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .backspace: "Backspace"
        case .enter: "Enter"
        case .tab: "Tab"
        case .escape: "Esc"
        case .resize: "resize"
        }
    }
}

/// What a key asks for.
public enum Command: Sendable, Hashable, CaseIterable {
    case probeAll
    case probeSelected
    case writeReport
    case cycleWindow
    case selectPrevious
    case selectNext
    case openDetail
    case toggleTraffic
    case switchRegionView
    case scrollRegionsLeft
    case scrollRegionsRight
    case cycleSort
    case editFilter
    case switchSite
    case toggleFreeze
    case cycleTheme
    case toggleHelp
    case closeOverlay
    case quit
}
