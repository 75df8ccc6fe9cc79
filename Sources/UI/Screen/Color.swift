import Foundation

/// A colour as a theme names it. The terminal backend lowers it to what the terminal can
/// show (`ColorDepth`): themes are written once, in truecolor if they like, and still read
/// on an 8-colour console.
public enum Color: Sendable, Hashable {
    /// The terminal's own foreground or background: what a light or dark terminal already uses.
    case terminalDefault
    /// One of the 16 ANSI colours (0–7 normal, 8–15 bright).
    case ansi(UInt8)
    /// The xterm 256-colour palette.
    case indexed(UInt8)
    case rgb(UInt8, UInt8, UInt8)

    /// ANSI names, as theme files may write them.
    static let names: [String: UInt8] = [
        "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6, "white": 7,
        "bright_black": 8, "gray": 8, "grey": 8, "bright_red": 9, "bright_green": 10, "bright_yellow": 11,
        "bright_blue": 12, "bright_magenta": 13, "bright_cyan": 14, "bright_white": 15,
    ]

    /// Reads "default", an ANSI name, a palette index "0"–"255" or "#rrggbb".
    public init?(themeValue text: String) {
        let value = text.trimmingCharacters(in: .whitespaces).lowercased()
        if value == "default" || value == "none" {
            self = .terminalDefault
        } else if let ansi = Self.names[value] {
            self = .ansi(ansi)
        } else if let index = UInt8(value) {
            self = .indexed(index)
        } else if value.hasPrefix("#"), value.count == 7, let rgb = UInt32(value.dropFirst(), radix: 16) {
            self = .rgb(UInt8(rgb >> 16 & 0xFF), UInt8(rgb >> 8 & 0xFF), UInt8(rgb & 0xFF))
        } else {
            return nil
        }
    }

    /// This colour as the terminal can show it; nil means "no colour at all" (monochrome).
    public func lowered(to depth: ColorDepth) -> Color? {
        switch (depth, self) {
        case (.monochrome, _): nil
        case (_, .terminalDefault): self
        case (.truecolor, _): self
        case (.palette256, .rgb(let r, let g, let b)): .indexed(Self.nearest256(r, g, b))
        case (.palette256, _): self
        case (.ansi8, .ansi(let n)): .ansi(n % 8)
        case (.ansi8, .indexed(let n)): .ansi(Self.nearestANSI(Self.rgbOfIndex(n)))
        case (.ansi8, .rgb(let r, let g, let b)): .ansi(Self.nearestANSI((r, g, b)))
        }
    }

    /// The RGB value of a palette index, for lowering and for the direct-colour backend.
    public var rgb: (UInt8, UInt8, UInt8)? {
        switch self {
        case .terminalDefault: nil
        case .ansi(let n): Self.rgbOfIndex(n)
        case .indexed(let n): Self.rgbOfIndex(n)
        case .rgb(let r, let g, let b): (r, g, b)
        }
    }

    private static let ansiRGB: [(UInt8, UInt8, UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]
    private static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    static func rgbOfIndex(_ index: UInt8) -> (UInt8, UInt8, UInt8) {
        switch index {
        case 0..<16: return ansiRGB[Int(index)]
        case 16..<232:
            let n = Int(index) - 16
            return (UInt8(cubeLevels[n / 36]), UInt8(cubeLevels[n / 6 % 6]), UInt8(cubeLevels[n % 6]))
        default:
            let level = UInt8(8 + (Int(index) - 232) * 10)
            return (level, level, level)
        }
    }

    /// The closest entry of the 6×6×6 cube or the grey ramp, by squared distance.
    static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        func level(_ value: UInt8) -> Int {
            cubeLevels.indices.min { abs(cubeLevels[$0] - Int(value)) < abs(cubeLevels[$1] - Int(value)) } ?? 0
        }
        let cube = UInt8(16 + 36 * level(r) + 6 * level(g) + level(b))
        let average = (Int(r) + Int(g) + Int(b)) / 3
        let grey = UInt8(232 + min(23, max(0, (average - 3) / 10)))
        return distance(rgbOfIndex(cube), (r, g, b)) <= distance(rgbOfIndex(grey), (r, g, b)) ? cube : grey
    }

    static func nearestANSI(_ rgb: (UInt8, UInt8, UInt8)) -> UInt8 {
        UInt8((0..<8).min { distance(ansiRGB[$0], rgb) < distance(ansiRGB[$1], rgb) } ?? 7)
    }

    private static func distance(_ a: (UInt8, UInt8, UInt8), _ b: (UInt8, UInt8, UInt8)) -> Int {
        let dr = Int(a.0) - Int(b.0), dg = Int(a.1) - Int(b.1), db = Int(a.2) - Int(b.2)
        return dr * dr + dg * dg + db * db
    }
}

/// How many colours the terminal can show, decided once at start-up by the backend.
public enum ColorDepth: String, Sendable, CaseIterable {
    /// `NO_COLOR`, or a terminal without colours: attributes (bold, reverse, underline) only.
    case monochrome
    case ansi8
    case palette256
    /// `COLORTERM=truecolor` on a terminal whose description takes direct RGB colours.
    case truecolor
}
