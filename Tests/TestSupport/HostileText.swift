/// Generated hostile text for the fuzz tests: ordinary text laced with controls and invisible
/// characters, and terminal escape sequences of every kind in their 7-bit and C1 forms.
public enum HostileText {
    /// Text without an escape-sequence introducer (ESC, CSI, OSC, DCS, SOS, PM, APC): letters,
    /// spaces, tabs, other C0 and C1 controls, DEL, bidi and zero-width characters, non-ASCII.
    public static func plain(_ random: inout SeededGenerator) -> [Unicode.Scalar] {
        (0..<Int.random(in: 0...12, using: &random)).map { _ in plainScalar(&random) }
    }

    /// One escape sequence; an unterminated one (cut anywhere after its introducer) only when
    /// `terminated` is false, as nothing may follow it.
    public static func sequence(_ random: inout SeededGenerator, terminated: Bool) -> [Unicode.Scalar] {
        let c1 = Bool.random(using: &random)
        var scalars: [Unicode.Scalar]
        switch Int.random(in: 0..<4, using: &random) {
        case 0: // CSI: parameters, intermediates, final byte
            scalars = c1 ? ["\u{9B}"] : ["\u{1B}", "["]
            scalars += run(&random, 0...8) { ascii(0x30...0x3F, &$0) }
            scalars += run(&random, 0...2) { ascii(0x20...0x2F, &$0) }
            scalars.append(ascii(0x40...0x7E, &random))
        case 1: // OSC: ends with BEL or ST
            scalars = c1 ? ["\u{9D}"] : ["\u{1B}", "]"]
            scalars += run(&random, 0...16) { stringBodyScalar(&$0, belEnds: true) }
            scalars += oscTerminators.randomElement(using: &random)!
        case 2: // DCS, SOS, PM, APC: end with ST only
            let kind = stringIntroducers.randomElement(using: &random)!
            scalars = c1 ? [kind.1] : ["\u{1B}", kind.0]
            scalars += run(&random, 0...16) { stringBodyScalar(&$0, belEnds: false) }
            scalars += oscTerminators.dropFirst().randomElement(using: &random)!
        default: // two-byte escape, with optional intermediates
            scalars = ["\u{1B}"] + run(&random, 0...2) { ascii(0x20...0x2F, &$0) }
            var final = ascii(0x30...0x7E, &random)
            while scalars.count == 1, "[]PX^_".unicodeScalars.contains(final) { final = ascii(0x30...0x7E, &random) }
            scalars.append(final)
        }
        if !terminated, Bool.random(using: &random) {
            let introducer = scalars[0] == "\u{1B}" ? 2 : 1
            scalars = Array(scalars.prefix(Int.random(in: min(introducer, scalars.count)...scalars.count, using: &random)))
        }
        return scalars
    }

    /// Arbitrary bytes biased towards the interesting ones: ESC, C1, introducers, terminators.
    public static func bytes(_ random: inout SeededGenerator) -> [UInt8] {
        (0..<Int.random(in: 0...40, using: &random)).map { _ in
            Bool.random(using: &random) ? interestingBytes.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random)
        }
    }

    private static let interestingBytes: [UInt8] = [0x1B, 0x5B, 0x5D, 0x50, 0x5F, 0x5E, 0x58, 0x5C, 0x07, 0x9B, 0x9D,
                                                    0x9C, 0x90, 0x9F, 0xC2, 0xE2, 0x80, 0xAE, 0x0D, 0x0A, 0x3A, 0x20, 0x09]
    private static let oscTerminators: [[Unicode.Scalar]] = [["\u{07}"], ["\u{1B}", "\\"], ["\u{9C}"]]
    private static let stringIntroducers: [(Unicode.Scalar, Unicode.Scalar)] = [("P", "\u{90}"), ("X", "\u{98}"), ("^", "\u{9E}"), ("_", "\u{9F}")]

    /// What must never leave the sanitizer: controls (C0, DEL, C1), format characters (bidi,
    /// zero-width), line and paragraph separators.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }

    // MARK: Pieces

    private static let invisible: [Unicode.Scalar] = [
        "\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}",
        "\u{200B}", "\u{200E}", "\u{FEFF}", "\u{061C}", "\u{2028}", "\u{2029}", "\u{85}",
    ]
    private static let visible: [Unicode.Scalar] = ["é", "東", "🙂", "\u{301}", "\u{FFFD}", "ß", "Ж"]
    private static let otherControls: [Unicode.Scalar] = ["\u{1C}", "\u{1D}", "\u{1E}", "\u{1F}", "\u{7F}", "\t", "\u{9C}"]
    /// C1 controls that introduce no sequence.
    private static let inertC1: [Unicode.Scalar] = (0x80...0x9A).filter { $0 != 0x90 && $0 != 0x98 }.map { Unicode.Scalar(UInt8($0)) }

    private static func plainScalar(_ random: inout SeededGenerator) -> Unicode.Scalar {
        switch Int.random(in: 0..<10, using: &random) {
        case 0..<5: return ascii(0x20...0x7E, &random)
        case 5: return ascii(0x00...0x1A, &random) // C0 below ESC
        case 6: return otherControls.randomElement(using: &random)!
        case 7: return inertC1.randomElement(using: &random)!
        case 8: return invisible.randomElement(using: &random)!
        default: return visible.randomElement(using: &random)!
        }
    }

    /// Inside an OSC or a DCS-like string: anything but ESC and ST (and BEL, where it ends the string).
    private static func stringBodyScalar(_ random: inout SeededGenerator, belEnds: Bool) -> Unicode.Scalar {
        while true {
            let scalar = Bool.random(using: &random) ? ascii(0x20...0x7E, &random) : plainScalar(&random)
            if scalar == "\u{1B}" || scalar == "\u{9C}" || (belEnds && scalar == "\u{07}") { continue }
            return scalar
        }
    }

    private static func ascii(_ range: ClosedRange<UInt8>, _ random: inout SeededGenerator) -> Unicode.Scalar {
        Unicode.Scalar(UInt8.random(in: range, using: &random))
    }

    private static func run(_ random: inout SeededGenerator, _ count: ClosedRange<Int>,
                            _ element: (inout SeededGenerator) -> Unicode.Scalar) -> [Unicode.Scalar] {
        (0..<Int.random(in: count, using: &random)).map { _ in element(&random) }
    }
}
