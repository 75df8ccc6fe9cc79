import Testing
import UI

@Suite("Screen model")
struct ScreenTests {
    @Test func textIsClippedToItsRectangle() {
        var screen = Screen(width: 10, height: 2)
        let end = screen.put("abcdefghijkl", x: 2, y: 0, clip: Rect(x: 0, y: 0, width: 6, height: 1))
        #expect(end == 6)
        #expect(screen.text == "  abc…    \n          ", "a cut ends in an ellipsis")
    }

    @Test func wideCharactersTakeTwoColumnsAndNeverHalfFit() {
        var screen = Screen(width: 5, height: 1)
        screen.put("東京x", x: 0, y: 0)
        #expect(screen.text == "東京x")
        #expect(screen[1, 0].continuation)
        var narrow = Screen(width: 3, height: 1)
        narrow.put("東京", x: 0, y: 0)
        #expect(narrow.text == "東…")
    }

    @Test func textThatFitsExactlyIsNotMarkedCut() {
        var screen = Screen(width: 6, height: 1)
        screen.put("abcdef", x: 0, y: 0)
        #expect(screen.text == "abcdef")
    }

    /// A header can carry an escape sequence; even unsanitized, it must never reach a cell.
    @Test func controlCharactersAreNeverDrawn() {
        var screen = Screen(width: 20, height: 1)
        screen.put("a\u{1B}]0;pwned\u{07}b\u{1B}[2Jc\u{202E}d", x: 0, y: 0)
        #expect(!screen.cells.contains { $0.character.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x202E } })
        #expect(screen.text.hasPrefix("abcd "), "sequences go whole, parameters included")
    }

    @Test func onlyChangedRowsAreReported() {
        var before = Screen(width: 4, height: 3)
        before.put("abcd", x: 0, y: 0)
        var after = before
        after.put("x", x: 1, y: 2)
        #expect(after.changedRows(since: before) == [2])
        #expect(after.changedRows(since: nil) == [0, 1, 2])
        #expect(after.changedRows(since: Screen(width: 5, height: 3)) == [0, 1, 2])
    }

    @Test func truncationEndsInAnEllipsisWithinTheWidth() {
        #expect(DisplayWidth.truncate("cloudflare", to: 6) == "cloud…")
        #expect(DisplayWidth.pad("東京都", to: 4) == "東… ")
        #expect(DisplayWidth.pad("53", to: 5, alignRight: true) == "   53")
    }
}

@Suite("Screen model: wide characters overwritten")
struct ScreenWideOverwriteTests {
    /// An overlay edge landing on half of a wide character must not leave the other half,
    /// which would shift the rest of the row in the terminal.
    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var screen = Screen(width: 6, height: 1)
        screen.put("東京x", x: 0, y: 0)
        screen.put("|", x: 1, y: 0)
        #expect(screen.text == " |京x ")
        screen.put("#", x: 2, y: 0)
        #expect(screen.text == " |# x ")
        #expect(!screen.cells.contains { $0.continuation })
        screen.put("東", x: 4, y: 0)
        screen.fill(Rect(x: 5, y: 0, width: 1, height: 1), role: .overlay)
        #expect(screen.text == " |#   ")
    }
}
