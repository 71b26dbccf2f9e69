// The guest TPM engine in the static musl `lobot`: libtpms linked with the trimmed libcrypto and
// the fortify shims manufactures, starts and answers a TPM 2.0 and a TPM 1.2
// (`lobot guest-tpm selftest`).
import Testing
import TestSupport

@Suite struct GuestTPMSelfTestTests {
    @Test func theStaticAgentRunsBothFamilies() throws {
        let result = try runProcess(try Binaries.lobot(), ["guest-tpm", "selftest"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdoutLines
        #expect(lines.count == 2)
        // "TPM 2.0: ok, banks sha1,sha256, manufactured in N ms, random <32 hex digits>"
        for (line, prefix) in zip(lines, ["TPM 2.0: ok, banks sha1,sha256, manufactured in ", "TPM 1.2: ok, banks sha1, manufactured in "]) {
            #expect(line.hasPrefix(prefix), "\(line)")
            let random = line.split(separator: " ").last.map(String.init) ?? ""
            #expect(random.count == 32 && random.allSatisfy(\.isHexDigit), "\(line)")
            #expect(random != String(repeating: "0", count: 32))
        }
    }
}
