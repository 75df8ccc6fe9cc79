/// What a piece of the screen means. Panels draw with roles, never with colours: the theme
/// decides what each role looks like, so one panel serves dark, light, mono and projector.
/// The raw values are the keys of a theme file's `[roles]` table.
public enum Role: String, Sendable, Hashable, CaseIterable {
    case text
    /// Secondary figures: sample counts, units, labels.
    case muted
    /// The top line: site, window, vantage.
    case title
    /// Panel titles.
    case section
    /// Table column headings.
    case heading
    /// Section rules and separators.
    case rule
    /// Key names in the footer and help.
    case key
    /// The selected endpoint's row.
    case selected
    case good
    case warn
    case bad
    /// Sparkline bars.
    case spark
    /// Sparkline slices whose probes all failed.
    case sparkFailure = "spark_failure"
    case gaugeFill = "gauge_fill"
    case gaugeEmpty = "gauge_empty"
    /// The best (fastest) cell of a region-table row.
    case best
    /// Probes in flight and other transient notices.
    case busy
    /// The background and text of overlays (help, detail).
    case overlay
    /// The footer line.
    case footer
    /// Badges such as FROZEN.
    case badge
    /// A figure over its configured threshold, and the alert lines of the events log: reverse
    /// video in every theme, so it stands out on a shared screen and without colour.
    case alert
}
