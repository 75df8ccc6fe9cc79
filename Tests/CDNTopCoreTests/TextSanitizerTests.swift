import CDNTopCore
import Testing

@Suite("Sanitizer")
struct TextSanitizerTests {
    @Test(arguments: [
        "\u{1B}]0;title\u{07}", "\u{9B}31m", "\u{202E}", "\u{061C}", "\u{2028}", "\u{2029}",
        "\u{FEFF}", "\u{200B}", "\u{7F}", "\u{0}",
    ])
    func removesControlAndInvisibleCharacters(hostile: String) {
        let cleaned = Sanitizer.clean("a\(hostile)b")
        #expect(cleaned.unicodeScalars.allSatisfy { $0.isASCII ? $0.value >= 0x20 && $0.value != 0x7F : true })
        #expect(!cleaned.unicodeScalars.contains { ["\u{202E}", "\u{061C}", "\u{2028}", "\u{2029}", "\u{FEFF}", "\u{200B}", "\u{9B}"].contains($0) })
        #expect(cleaned.hasPrefix("a") && cleaned.hasSuffix("b"))
    }

    /// Each sequence goes whole, parameters and terminator included, whatever its form.
    @Test(arguments: [
        ("HIT\u{1B}]0;PWNED\u{07}\u{1B}[2J", "HIT"),                      // OSC with BEL, CSI
        ("a\u{1B}]8;;http://x.example\u{1B}\\link\u{1B}]8;;\u{1B}\\b", "alinkb"), // OSC 8 hyperlink, ST
        ("a\u{1B}[38;2;255;0;0mred\u{1B}[0m", "ared"),                    // SGR
        ("a\u{1B}[?1049hb", "ab"),                                        // private CSI
        ("a\u{1B}P1$qm\u{1B}\\b", "ab"),                                  // DCS
        ("a\u{1B}_apc\u{07}still\u{1B}\\b", "ab"),                        // APC: BEL does not end it
        ("a\u{1B}^pm\u{1B}\\b", "ab"), ("a\u{1B}Xsos\u{1B}\\b", "ab"),      // PM, SOS
        ("a\u{9B}31mred", "ared"), ("a\u{9D}0;t\u{9C}b", "ab"),              // C1 CSI, OSC, ST
        ("a\u{90}dcs\u{9C}b", "ab"), ("a\u{9F}apc\u{9C}b", "ab"),
        ("a\u{9E}pm\u{9C}b", "ab"), ("a\u{98}sos\u{9C}b", "ab"),
        ("a\u{1B}(Bb", "ab"), ("a\u{1B}7b\u{1B}8", "ab"), ("a\u{1B}cb", "ab"), // two-byte escapes
        ("a\u{1B}]0;never ends", "a"), ("a\u{1B}[12;3", "a"), ("a\u{1B}", "a"), // unterminated: to the end
        ("a\u{1B}[1\u{E9}b", "a\u{E9}b"),                                   // CSI cut by a non-CSI character
        ("a\u{2066}b\u{2069}\u{202E}c\u{202C}", "abc"),                    // bidi isolates and overrides
    ])
    func removesEscapeSequencesWhole(hostile: String, expected: String) {
        #expect(Sanitizer.clean(hostile) == expected)
    }

    /// A lone byte 0x9B is CSI on an 8-bit terminal: its parameters go with it.
    @Test func loneC1BytesAreReadAsControls() {
        #expect(Sanitizer.clean(bytes: [0x61, 0x9B, 0x33, 0x31, 0x6D, 0x62]) == "ab")
        #expect(Sanitizer.clean(bytes: [0x61, 0xFF, 0x62]) == "a\u{FFFD}b")
        #expect(Sanitizer.clean(bytes: Array("caf\u{E9}".utf8)) == "caf\u{E9}")
    }

    @Test func isCleanTellsWhatCleanWouldChange() {
        #expect(Sanitizer.isClean("eu-west 東京"))
        #expect(!Sanitizer.isClean("x\u{1B}[2J"))
        #expect(!Sanitizer.isClean("a\u{202E}b"))
        #expect(!Sanitizer.isClean("a\tb"))
    }

    @Test func keepsPrintableTextAndTurnsTabsIntoSpaces() {
        #expect(Sanitizer.clean("Café 🙂 東京\tok") == "Café 🙂 東京 ok")
    }
}

@Suite("Number text")
struct NumberTextTests {
    @Test func percentNeverRoundsUpToPerfect() {
        #expect(NumberText.percent(99_996.0 / 100_000) == "99.99%")
        #expect(NumberText.percent(0.9989) == "99.89%")
        #expect(NumberText.percent(1) == "100.0%")
        #expect(NumberText.percent(0.5) == "50.0%")
    }

    @Test func counts() {
        #expect(NumberText.count(1_234_567) == "1,234,567")
        #expect(NumberText.count(1, "probe") == "1 probe")
        #expect(NumberText.count(2, "probe") == "2 probes")
    }
}
