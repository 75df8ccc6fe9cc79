import Foundation
import TOMLFile
import Testing
@testable import UI

@Suite("Themes")
struct ThemeTests {
    @Test(arguments: ["default", "light", "mono", "presentation"])
    func shippedThemesLoadAndSetEveryRole(name: String) throws {
        let theme = try Snapshots.theme(name)
        #expect(theme.name == name)
        #expect(Set(theme.styles.keys) == Set(Role.allCases), "\(name) leaves roles to the fallback")
    }

    @Test func shippedDefaultFileIsTheBuiltInDefault() throws {
        #expect(try Snapshots.theme("default").styles == Theme.builtinDefault.styles)
    }

    @Test func monoUsesNoColourAndStillMarksSelectionAndFailures() throws {
        let mono = try Snapshots.theme("mono")
        for role in Role.allCases {
            #expect(mono.style(role).foreground == .terminalDefault && mono.style(role).background == .terminalDefault)
        }
        for role in [Role.selected, .bad, .best, .sparkFailure, .title, .alert] {
            let style = mono.style(role)
            #expect(style.bold || style.reverse || style.underline, "\(role) is invisible without colour")
        }
    }

    @Test func missingRolesFallBackToTheDefault() throws {
        let theme = try ThemeParser.parse("[roles]\ntext = { fg = \"red\" }\n", file: "t.toml", defaultName: "t")
        #expect(theme.style(.text).foreground == .ansi(1))
        #expect(theme.style(.selected) == Theme.builtinDefault.style(.selected))
        #expect(theme.name == "t")
    }

    @Test func mistakesNameFileLineAndKey() {
        let text = "name = \"x\"\n[roles]\ntext = { fg = \"red\" }\nbest = { fg = \"pinkish\" }\n"
        #expect(throws: TOMLFileError(file: "x.toml", line: 4, key: "roles.best.fg", message: "\"pinkish\" is not a colour: use default, an ANSI name (red, bright_blue…), 0–255 or #rrggbb")) {
            try ThemeParser.parse(text, file: "x.toml", defaultName: "x")
        }
        #expect(throws: TOMLFileError.self) { try ThemeParser.parse("[roles]\ntitel = { bold = true }\n", file: "x", defaultName: "x") }
        #expect(throws: TOMLFileError.self) { try ThemeParser.parse("[roles]\ntext = { bold = \"yes\" }\n", file: "x", defaultName: "x") }
        #expect(throws: TOMLFileError.self) { try ThemeParser.parse("[roles\n", file: "x", defaultName: "x") }
    }

    @Test func coloursLowerToWhatTheTerminalHas() {
        let orange = Color.rgb(255, 135, 0)
        #expect(orange.lowered(to: .truecolor) == orange)
        #expect(orange.lowered(to: .palette256) == .indexed(208))
        #expect(Color.indexed(203).lowered(to: .ansi8) == .ansi(1))
        #expect(Color.rgb(128, 128, 128).lowered(to: .palette256) == .indexed(244))
        #expect(Color.ansi(9).lowered(to: .ansi8) == .ansi(1))
        #expect(orange.lowered(to: .monochrome) == nil)
        #expect(Color(themeValue: "#FF8700") == orange)
        #expect(Color(themeValue: "bright_blue") == .ansi(12))
        #expect(Color(themeValue: "256") == nil)
    }
}
