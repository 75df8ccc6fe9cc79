import CDNTopCore
import TestSupport
import Testing

/// A seeded property test of the sanitizer: 1,020,000 generated inputs per run, the same on
/// every run (a failure names its seed and input). The rules: nothing unsafe comes out, and an
/// escape sequence goes whole, so `prefix + sequence + suffix` cleans to what
/// `prefix + suffix` cleans to.
@Suite("Sanitizer fuzz")
struct TextSanitizerFuzzTests {
    /// Eight slices of 85,000 inputs (and half as many arbitrary byte strings), run in parallel.
    static let slices: [UInt64] = Array(1...8)
    static let inputsPerSlice = 85_000

    @Test(arguments: slices)
    func sequencesGoWholeAndNothingUnsafeComesOut(slice: UInt64) {
        var random = SeededGenerator(seed: 0x5A17_0000 + slice)
        for index in 0..<Self.inputsPerSlice {
            let prefix = HostileText.plain(&random)
            let suffix = index % 7 == 0 ? [] : HostileText.plain(&random)
            let sequence = HostileText.sequence(&random, terminated: !suffix.isEmpty)
            let whole = Self.text(prefix + sequence + suffix)
            let cleaned = Sanitizer.clean(whole)
            let unsafe = cleaned.unicodeScalars.first(where: HostileText.isUnsafe)
            let withoutSequence = Sanitizer.clean(Self.text(prefix + suffix))
            guard unsafe == nil, cleaned.unicodeScalars.elementsEqual(withoutSequence.unicodeScalars) else {
                let expected = withoutSequence.debugDescription
                Issue.record("slice \(slice) input \(index): \(whole.debugDescription) → \(cleaned.debugDescription), expected \(expected)")
                return
            }
        }
    }

    /// Arbitrary bytes, sequences cut anywhere: still nothing unsafe, and cleaning is idempotent.
    @Test(arguments: slices)
    func arbitraryBytesComeOutSafe(slice: UInt64) {
        var random = SeededGenerator(seed: 0xB17E_0000 + slice)
        for index in 0..<Self.inputsPerSlice / 2 {
            let bytes = HostileText.bytes(&random)
            let cleaned = Sanitizer.clean(bytes: bytes)
            guard !cleaned.unicodeScalars.contains(where: HostileText.isUnsafe), Sanitizer.clean(cleaned) == cleaned else {
                Issue.record("slice \(slice) input \(index): \(bytes) → \(cleaned.debugDescription)")
                return
            }
        }
    }

    static func text(_ scalars: [Unicode.Scalar]) -> String {
        String(String.UnicodeScalarView(scalars))
    }
}
