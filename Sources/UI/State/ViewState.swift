import CDNTopCore
import Foundation

/// What the person chose: window, site, selection, view, overlays. Changed only by keys,
/// through `apply(_:)`, which says what the app must do in return (probe, write a report…).
public struct ViewState: Sendable, Hashable {
    public enum RegionView: String, Sendable, Hashable {
        case vantage
        case popRegion
    }

    public enum Overlay: Sendable, Hashable {
        case help
        case detail
    }

    /// What the body of the screen shows: the probes' dashboard, or the real traffic from
    /// CDN access logs (`l`).
    public enum Page: Sendable, Hashable {
        case probes
        case traffic
    }

    /// The orders `o` cycles the endpoint rows through.
    public enum EndpointSort: String, Sendable, Hashable, CaseIterable {
        case configured = "as configured"
        case p50
        case p95
        case hitRatio = "hit ratio"
        case failures
    }

    /// Windows the `w` key cycles through.
    public static let windows: [ReportWindow] = [.fiveMinutes, .hour, .day, .week, .month]

    public var window: ReportWindow
    /// The site shown; nil means "the first one".
    public var site: String?
    /// The selected endpoint, by name so the selection survives new data reordering rows.
    public var selected: String?
    public var regionView: RegionView = .vantage
    public var overlay: Overlay?
    public var page: Page = .probes
    public var frozen = false
    public var themeName: String
    public var sort: EndpointSort = .configured
    /// Rows whose endpoint name or provider contain this text (case-insensitive); empty: all.
    public var filter = ""
    /// True while `/` is taking the filter's text: keys type into it instead of commanding.
    public var editingFilter = false
    /// The region table's first scrolled endpoint column (the origin's column stays put).
    public var regionOffset = 0

    public init(window: ReportWindow = .hour, site: String? = nil, themeName: String = "default") {
        self.window = window
        self.site = site
        self.themeName = themeName
    }

    /// What a command asks of the app beyond changing this state.
    public enum Effect: Sendable, Hashable {
        case none
        /// The data request changed (window, site): load again now.
        case reload
        case probe(endpoints: [String]?)
        case writeReport
        case cycleTheme
        case quit
    }

    /// Applies a command; `endpoints` are the rows on screen, `sites` the database's sites.
    public mutating func apply(_ command: Command, endpoints: [String], sites: [String]) -> Effect {
        switch command {
        case .quit:
            return .quit
        case .closeOverlay:
            if overlay == nil { page = .probes }
            overlay = nil
        case .toggleTraffic:
            page = page == .traffic ? .probes : .traffic
            overlay = nil
        case .toggleHelp:
            overlay = overlay == .help ? nil : .help
        case .openDetail:
            guard selectedName(in: endpoints) != nil else { return .none }
            selected = selectedName(in: endpoints)
            overlay = overlay == .detail ? nil : .detail
            return .reload
        case .selectPrevious, .selectNext:
            guard !endpoints.isEmpty else { return .none }
            let current = selected.flatMap { endpoints.firstIndex(of: $0) }
            let step = command == .selectNext ? 1 : -1
            let index = current.map { min(endpoints.count - 1, max(0, $0 + step)) } ?? 0
            selected = endpoints[index]
            return overlay == .detail ? .reload : .none
        case .cycleWindow:
            let index = Self.windows.firstIndex(of: window) ?? 0
            window = Self.windows[(index + 1) % Self.windows.count]
            return .reload
        case .switchRegionView:
            regionView = regionView == .vantage ? .popRegion : .vantage
        case .scrollRegionsLeft:
            regionOffset = max(0, regionOffset - 1)
        case .scrollRegionsRight:
            // The panel clamps it to the columns that exist at the width it draws.
            regionOffset = min(regionOffset + 1, max(0, endpoints.count - 1))
        case .cycleSort:
            let all = EndpointSort.allCases
            sort = all[((all.firstIndex(of: sort) ?? 0) + 1) % all.count]
        case .editFilter:
            editingFilter = true
        case .switchSite:
            guard sites.count > 1 else { return .none }
            let index = site.flatMap { sites.firstIndex(of: $0) } ?? 0
            site = sites[(index + 1) % sites.count]
            selected = nil
            overlay = nil
            return .reload
        case .toggleFreeze:
            frozen.toggle()
        case .cycleTheme:
            return .cycleTheme
        case .probeAll:
            return .probe(endpoints: nil)
        case .probeSelected:
            guard let name = selectedName(in: endpoints) else { return .none }
            return .probe(endpoints: [name])
        case .writeReport:
            return .writeReport
        }
        return .none
    }

    /// A key while the filter is being typed: characters extend it, Backspace shortens it,
    /// Enter keeps it, Esc clears it. Returns false for keys that mean nothing there.
    public mutating func typeIntoFilter(_ key: Key) -> Bool {
        switch key {
        case .character(let character) where !character.isNewline:
            filter.append(character)
        case .backspace:
            if !filter.isEmpty { filter.removeLast() }
        case .enter:
            editingFilter = false
        case .escape:
            filter = ""
            editingFilter = false
        default:
            return false
        }
        return true
    }

    /// The selection if it is still on screen, else the first row.
    public func selectedName(in endpoints: [String]) -> String? {
        if let selected, endpoints.contains(selected) { return selected }
        return endpoints.first
    }
}
