/// A named mapping from roles to styles. Theme files override any subset of roles; every
/// role they leave out keeps the built-in default's style, so an old theme file keeps working
/// when a new role appears.
public struct Theme: Sendable, Hashable {
    public var name: String
    public var styles: [Role: Style]

    public init(name: String, styles: [Role: Style]) {
        self.name = name
        self.styles = styles
    }

    public func style(_ role: Role) -> Style {
        styles[role] ?? Self.builtinDefault.styles[role] ?? .plain
    }

    /// The style of a cell: its role's, on its backdrop's background (and reverse video, which
    /// is how monochrome themes draw bars) when the role sets no background of its own.
    public func style(_ role: Role, on backdrop: Role?) -> Style {
        var result = style(role)
        guard let backdrop, backdrop != role else { return result }
        let area = style(backdrop)
        if result.background == .terminalDefault { result.background = area.background }
        if area.reverse, result.background == .terminalDefault { result.reverse = true }
        return result
    }

    /// The dark default, built in so cdntop draws well with no theme files installed.
    /// 256-colour values; every distinction colour makes is also made by an attribute, so it
    /// still reads on a monochrome terminal.
    public static let builtinDefault = Theme(name: "default", styles: [
        .text: Style(),
        .muted: Style(foreground: .indexed(245)),
        .title: Style(foreground: .indexed(255), background: .indexed(24), bold: true),
        .section: Style(foreground: .indexed(110), bold: true),
        .heading: Style(foreground: .indexed(250), underline: true),
        .rule: Style(foreground: .indexed(239)),
        .key: Style(foreground: .indexed(222), bold: true),
        .selected: Style(foreground: .indexed(255), background: .indexed(237), bold: true),
        .good: Style(foreground: .indexed(114)),
        .warn: Style(foreground: .indexed(221), bold: true),
        .bad: Style(foreground: .indexed(203), bold: true),
        .spark: Style(foreground: .indexed(81)),
        .sparkFailure: Style(foreground: .indexed(203), bold: true),
        .gaugeFill: Style(foreground: .indexed(114)),
        .gaugeEmpty: Style(foreground: .indexed(238)),
        .best: Style(foreground: .indexed(114), bold: true, underline: true),
        .busy: Style(foreground: .indexed(179), bold: true),
        .overlay: Style(foreground: .indexed(252), background: .indexed(235)),
        .footer: Style(foreground: .indexed(250), background: .indexed(236)),
        .badge: Style(foreground: .indexed(16), background: .indexed(221), bold: true),
        .alert: Style(foreground: .indexed(255), background: .indexed(160), bold: true),
    ])
}
