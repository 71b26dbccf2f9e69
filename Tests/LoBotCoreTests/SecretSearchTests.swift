// The byte search behind every secret scan (TestSupport's bytesContain): a search that missed
// would make those scans pass whatever was on disk, so it is checked on its own.
import Testing
import TestSupport

@Suite struct SecretSearchTests {
    @Test func findsANeedleWhereverItIs() {
        let needle: [UInt8] = [7, 7, 9]
        for prefix in [[], [1], [7, 7], [7, 7, 7, 1, 7]] as [[UInt8]] {
            for suffix in [[], [7], [7, 7, 8]] as [[UInt8]] {
                #expect(bytesContain(prefix + needle + suffix, needle), "after \(prefix), before \(suffix)")
            }
        }
        #expect(bytesContain(needle, needle))
    }

    @Test func missesWhatIsNotThere() {
        #expect(!bytesContain([7, 7, 8, 7, 9, 7], [7, 7, 9]))
        #expect(!bytesContain([7, 7], [7, 7, 9]))
        #expect(!bytesContain([1, 2, 3], []))
        #expect(!bytesContain([], [1]))
        // The needle's last byte past the haystack's end.
        #expect(!bytesContain([1, 2, 7, 7], [7, 7, 9]))
    }

    @Test func findsASecretInMegabytes() {
        var haystack = [UInt8](repeating: 0x41, count: 8 << 20)
        let secret: [UInt8] = (0..<32).map { UInt8($0 * 5 + 3) }
        #expect(!bytesContain(haystack, secret))
        haystack.replaceSubrange((5 << 20)..<((5 << 20) + 32), with: secret)
        #expect(bytesContain(haystack, secret))
    }
}
