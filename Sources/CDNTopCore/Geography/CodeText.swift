/// Character classes for codes read from headers and labels (IATA, ISO, POP names).
///
/// Codes are ASCII: a look-alike letter from another script ("ЅJC" with a Cyrillic Ѕ) must not
/// pass for one, and `Character.isLetter` alone would let it.
enum CodeText {
    static func isLetter(_ character: Character) -> Bool { character.isASCII && character.isLetter }
    static func isDigit(_ character: Character) -> Bool { character.isASCII && character.isNumber }

    /// The leading ASCII letters of a code: "sfo1" → "sfo", "FRA56-P5" → "FRA".
    static func letterPrefix<S: StringProtocol>(_ code: S) -> String {
        String(code.prefix(while: isLetter))
    }

    /// POP codes are short ASCII tokens. Anything else is garbage or an attack, and is
    /// dropped rather than stored or looked up.
    static func isPlausiblePOPCode<S: StringProtocol>(_ code: S) -> Bool {
        !code.isEmpty && code.count <= 64 && code.allSatisfy { character in
            isLetter(character) || isDigit(character) || "-_.".contains(character)
        }
    }
}
