import CDNTopCore
import Testing
import UI

@Suite("Keys and view state")
struct KeyAndViewTests {
    @Test func everyCommandHasAKeyAndNoKeyIsBoundTwice() {
        let commands = Set(KeyBindings.all.map(\.command))
        #expect(commands == Set(Command.allCases))
        let keys = KeyBindings.all.flatMap(\.keys)
        #expect(keys.count == Set(keys).count)
        #expect(KeyBindings.command(for: .character("j")) == .selectNext)
        #expect(KeyBindings.command(for: .up) == .selectPrevious)
        #expect(KeyBindings.command(for: .character("x")) == nil)
    }

    @Test func windowsCycleThroughAllFive() {
        var view = ViewState(window: .fiveMinutes)
        var seen: [ReportWindow] = []
        for _ in 0..<5 {
            #expect(view.apply(.cycleWindow, endpoints: [], sites: []) == .reload)
            seen.append(view.window)
        }
        #expect(seen == [.hour, .day, .week, .month, .fiveMinutes])
    }

    @Test func selectionMovesAndStopsAtTheEnds() {
        var view = ViewState()
        let rows = ["a", "b", "c"]
        #expect(view.selectedName(in: rows) == "a")
        _ = view.apply(.selectNext, endpoints: rows, sites: [])
        _ = view.apply(.selectNext, endpoints: rows, sites: [])
        _ = view.apply(.selectNext, endpoints: rows, sites: [])
        #expect(view.selected == "c")
        _ = view.apply(.selectPrevious, endpoints: rows, sites: [])
        #expect(view.selected == "b")
        #expect(view.selectedName(in: ["x"]) == "x")
    }

    @Test func overlaysOpenAndEscapeClosesThem() {
        var view = ViewState()
        _ = view.apply(.toggleHelp, endpoints: ["a"], sites: [])
        #expect(view.overlay == .help)
        _ = view.apply(.closeOverlay, endpoints: ["a"], sites: [])
        #expect(view.overlay == nil)
        #expect(view.apply(.openDetail, endpoints: ["a"], sites: []) == .reload)
        #expect(view.overlay == .detail)
        #expect(view.apply(.openDetail, endpoints: [], sites: []) == .none)
    }

    @Test func sitesCycleAndProbeKeysAskForTheRightEndpoints() {
        var view = ViewState()
        #expect(view.apply(.switchSite, endpoints: [], sites: ["a.example"]) == .none)
        #expect(view.apply(.switchSite, endpoints: [], sites: ["a.example", "b.example"]) == .reload)
        #expect(view.site == "b.example")
        #expect(view.apply(.probeAll, endpoints: ["x", "y"], sites: []) == .probe(endpoints: nil))
        _ = view.apply(.selectNext, endpoints: ["x", "y"], sites: [])
        #expect(view.apply(.probeSelected, endpoints: ["x", "y"], sites: []) == .probe(endpoints: ["x"]))
        #expect(view.apply(.toggleFreeze, endpoints: [], sites: []) == .none)
        #expect(view.frozen)
        #expect(view.apply(.quit, endpoints: [], sites: []) == .quit)
    }
}
