/// One entry of the key registry: the keys, what they do, and how the footer abbreviates it.
public struct KeyBinding: Sendable, Hashable {
    public var keys: [Key]
    public var command: Command
    /// The help overlay's sentence.
    public var help: String
    /// The footer's word; nil keeps the binding out of the footer (help only).
    public var footer: String?
    /// Two or three words, for the help overlay on a small screen.
    public var short: String
}

/// The one registry of key bindings. The key handler, the footer and the `?` help overlay are
/// all read from it, so they cannot disagree.
public enum KeyBindings {
    public static let all: [KeyBinding] = [
        KeyBinding(keys: [.character("p")], command: .probeAll,
                   help: "probe every endpoint now; results appear as they land", footer: "probe", short: "probe all"),
        KeyBinding(keys: [.character("P")], command: .probeSelected,
                   help: "probe the selected endpoint now", footer: nil, short: "probe selected"),
        KeyBinding(keys: [.character("r")], command: .writeReport,
                   help: "write a markdown snapshot report of this site and window", footer: "report", short: "write report"),
        KeyBinding(keys: [.character("w")], command: .cycleWindow,
                   help: "cycle the window: 5m, 1h, 24h, 7d, 30d", footer: "window", short: "cycle window"),
        KeyBinding(keys: [.up, .character("k")], command: .selectPrevious,
                   help: "select the previous endpoint", footer: nil, short: "previous endpoint"),
        KeyBinding(keys: [.down, .character("j")], command: .selectNext,
                   help: "select the next endpoint", footer: "select", short: "next endpoint"),
        KeyBinding(keys: [.enter], command: .openDetail,
                   help: "detail of the selected endpoint: phases, headers, POPs, errors", footer: "detail", short: "detail view"),
        KeyBinding(keys: [.character("l")], command: .toggleTraffic,
                   help: "traffic view: the hit ratio users got, from CDN access logs, beside the probes'", footer: "traffic",
                   short: "traffic view"),
        KeyBinding(keys: [.tab], command: .switchRegionView,
                   help: "region table by vantage region or by the POP region that served", footer: "regions", short: "region view"),
        KeyBinding(keys: [.left], command: .scrollRegionsLeft,
                   help: "scroll the region table's endpoint columns left (the origin stays)", footer: nil, short: "regions left"),
        KeyBinding(keys: [.right], command: .scrollRegionsRight,
                   help: "scroll the region table's endpoint columns right", footer: nil, short: "regions right"),
        KeyBinding(keys: [.character("o")], command: .cycleSort,
                   help: "sort endpoints: as configured, p50, p95, hit ratio, failures", footer: "sort", short: "sort endpoints"),
        KeyBinding(keys: [.character("/")], command: .editFilter,
                   help: "filter endpoints by name or provider; Enter keeps it, Esc clears", footer: "filter", short: "filter"),
        KeyBinding(keys: [.character("s")], command: .switchSite,
                   help: "switch to the next site", footer: "site", short: "next site"),
        KeyBinding(keys: [.character("f")], command: .toggleFreeze,
                   help: "freeze the picture (new data is held back until unfrozen)", footer: "freeze", short: "freeze"),
        KeyBinding(keys: [.character("t")], command: .cycleTheme,
                   help: "cycle themes", footer: "theme", short: "cycle themes"),
        KeyBinding(keys: [.character("?")], command: .toggleHelp,
                   help: "this help", footer: "help", short: "help"),
        KeyBinding(keys: [.escape], command: .closeOverlay,
                   help: "close help or detail, else leave the traffic view", footer: nil, short: "close / back"),
        KeyBinding(keys: [.character("q")], command: .quit,
                   help: "quit (also Ctrl-C)", footer: "quit", short: "quit"),
    ]

    private static let byKey: [Key: Command] = {
        var map: [Key: Command] = [:]
        for binding in all {
            for key in binding.keys { map[key] = binding.command }
        }
        return map
    }()

    public static func command(for key: Key) -> Command? {
        byKey[key]
    }

    /// "↑/k", as the help overlay lists a binding's keys.
    public static func keysLabel(_ binding: KeyBinding) -> String {
        binding.keys.map(\.label).joined(separator: "/")
    }
}
