import CDNTopCore
import Foundation

/// Everything one frame is drawn from. Panels are pure functions of it.
public struct DashboardState: Sendable {
    public var data: DashboardData?
    public var view: ViewState
    public var live: LiveStatus
    public var notice: Notice?
    public var now: Date
    /// Braille sparklines (two slices per character) instead of blocks.
    public var braille: Bool
    /// Data that arrived while the picture was frozen, shown when it thaws.
    public var held: DashboardData?

    public init(data: DashboardData?, view: ViewState, live: LiveStatus, notice: Notice? = nil,
                now: Date, braille: Bool = false) {
        self.data = data
        self.view = view
        self.live = live
        self.notice = notice
        self.now = now
        self.braille = braille
    }

    /// The chart scale every endpoint's line is drawn on. It is kept from frame to frame and
    /// only refitted when a median leaves it or the site or window changes (`receive(_:)`).
    public var chartScale: ChartScale?

    /// The endpoint rows in the chosen order, filtered.
    public var endpoints: [String] {
        let names = data?.endpointNames ?? []
        let needle = view.filter.lowercased()
        let shown = needle.isEmpty ? names : names.filter { name in
            name.lowercased().contains(needle)
                || PanelText.provider(data?.summary(of: name)?.provider ?? latest(name)?.provider).lowercased().contains(needle)
        }
        return EndpointOrder.sorted(shown, by: view.sort, data: data)
    }

    public var selected: String? { view.selectedName(in: endpoints) }

    /// Takes new data from the feed (held back while frozen), keeping the chart scale while
    /// the data stays inside it.
    public mutating func receive(_ new: DashboardData) {
        guard !view.frozen else {
            held = new
            return
        }
        let sameView = data?.site == new.site && data?.window == new.window
        let series = new.analysis?.endpoints.map(\.series) ?? []
        if sameView, let kept = chartScale {
            chartScale = kept.keeping(series)
        } else {
            chartScale = ChartScale(fitting: series)
        }
        data = new
    }

    /// The key of an endpoint of the site on screen.
    public func key(_ endpoint: String) -> EndpointKey? {
        data?.site.map { EndpointKey(site: $0, name: endpoint) }
    }

    /// The newest probe of an endpoint, from this process' prober or the database.
    public func latest(_ endpoint: String) -> ProbeResult? {
        let stored = data?.latest[endpoint]
        guard let key = key(endpoint), let landed = live.landed[key] else { return stored }
        guard let stored else { return landed }
        return landed.timestamp >= stored.timestamp ? landed : stored
    }

    /// A key press: typed into the filter while one is being written, else the registry's
    /// command applied to the view. Returns what the app must do in return.
    public mutating func handle(_ key: Key) -> ViewState.Effect {
        if view.editingFilter {
            if view.typeIntoFilter(key) { return .none }
        }
        guard let command = KeyBindings.command(for: key) else { return .none }
        // Switching goes on from the site on screen; pinning it on any other key would change
        // the request and reload data the feed already has.
        if command == .switchSite, view.site == nil { view.site = data?.site }
        let wasFrozen = view.frozen
        let effect = view.apply(command, endpoints: endpoints, sites: data?.sites ?? [])
        if wasFrozen, !view.frozen, let thawed = held {
            held = nil
            receive(thawed)
        }
        return effect
    }
}
