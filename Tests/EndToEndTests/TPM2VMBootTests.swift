// The LoBot VM on a TPM 2.0 platform: the baked image booted under qemu with the platform's TPM
// 2.0 (its swtpm state handed to the VM's swtpm --tpm2, a tpm-crb device), the agent as PID 1
// reaching it through the kernel's resource manager (/dev/tpmrm0) with no daemon, binding vTPM and
// platform through the SHA-256 PCR 6, quoting both; the factory replays the firmware's crypto-agile
// log to the quoted SHA-256 PCRs and decides. Every boot has a deadline and qemu is always reaped.
import Foundation
import LoBotCore
import Testing
import TestSupport

@Suite(.serialized) struct TPM2VMBootTests {
    static let world = SharedFixture { try VMBootTests.World(try TPM2TestPlatform(), as: "vm2-platform", lobot: "vm2-lobot") }

    @Test func aBootOnATPM2IsTrustedThroughItsFirmwaresCryptoAgileLog() throws {
        let w = try Self.world.get()
        let (launch, result, nonces) = try w.boot()
        #expect(launch.status == 0, "\(launch.stderr)")
        let parsed = try BootResult(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: result))))
        guard case .tpm20? = parsed.platformQuote else {
            Issue.record("the LoBot VM on a TPM 2.0 reported no TPM 2.0 quote: \(parsed.message)")
            return
        }
        // The firmware (SeaBIOS, TPM 2.0 over CRB) logged in the crypto-agile format, with a SHA-256 bank.
        let log = try CryptoAgileEventLog(bytes: parsed.firmwareLog)
        #expect(log.banks.contains(.sha256), "\(log.banks)")
        // The same evidence with one SHA-256 digest of a PCR 0 firmware event changed is refused:
        // the log no longer explains the quoted PCRs.
        var events = log
        let index = try #require(events.events.firstIndex { $0.type != CryptoAgileEventLog.noAction && $0.pcr == 0 })
        for (i, digest) in events.events[index].digests.enumerated() where digest.algorithm == .sha256 {
            events.events[index].digests[i].value[0] ^= 0x01
        }
        var tampered = parsed
        tampered.firmwareLog = events.bytes
        try Data(tampered.bytes).write(to: URL(fileURLWithPath: result + ".tampered"))
        let refused = try w.verify(result + ".tampered", nonces: nonces)
        #expect(refused.status != 0 && refused.stderr.contains("SHA-256 PCR 0 is not what its firmware event log says"), "\(refused.stderr)")
        // The genuine evidence is trusted.
        let verdict = try w.verify(result, nonces: nonces)
        #expect(verdict.status == 0, "\(verdict.stderr)")
        #expect(verdict.stdout.hasPrefix("trusted: vm2-lobot booted \(w.golden) on vm2-platform (platform quote by a TPM 2.0)"), "\(verdict.stdout)")
    }
}
