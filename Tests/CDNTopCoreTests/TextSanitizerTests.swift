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
