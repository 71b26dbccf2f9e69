// Writes the guest TPM fixtures (Fixtures/guest-tpm): real responses of libtpms 0.9.2 to the
// commands LoBot sends, captured through the engine. Runs only when asked:
//
//   LOBOT_CAPTURE_GUEST_TPM_FIXTURES=$PWD/Tests/LoBotCoreTests/Fixtures/guest-tpm \
//       swift test --filter GuestTPMEngineTests.FixtureCapture
//
// It starts libtpms on no state at all (so that it manufactures, as the engine's manufacture does
// before its own set-up commands), sends each command and writes the response it got.
import Foundation
import LoBotCore
@testable import LoBotGuestTPM
import Testing
import TestSupport

extension GuestTPMEngineTests {
    @Suite struct FixtureCapture {
        static let directory = ProcessInfo.processInfo.environment["LOBOT_CAPTURE_GUEST_TPM_FIXTURES"]

        /// Runs `command` and writes its response to NAME.bin, which must say success.
        static func capture(_ engine: LibTPMSEngine, _ command: [UInt8], _ name: String, success: Bool = true) throws {
            let response = engine.process(command, locality: 0)
            #expect((responseHeader(response)?.code == 0) == success, "\(name): \(response.hexString)")
            guard let directory else { return }
            try Data(response).write(to: URL(fileURLWithPath: directory + "/" + name + ".bin"))
        }

        @Test(.enabled(if: directory != nil)) func captureTPM12() throws {
            let engine = try LibTPMSEngine(family: .tpm12)
            try engine.initialize(permanent: nil, saveState: nil, volatile: nil)
            try Self.capture(engine, [], "tpm12-error-response", success: false)
            try Self.capture(engine, TPM12StartupCommand(.clear).bytes, "tpm12-startup-response")
            try Self.capture(engine, TSCPhysicalPresenceCommand(.commandEnable).bytes, "tpm12-physical-presence-response")
            try Self.capture(engine, TSCPhysicalPresenceCommand(.present).bytes, "tpm12-physical-presence-response")
            try Self.capture(engine, TPM12PhysicalEnableCommand().bytes, "tpm12-physical-enable-response")
            try Self.capture(engine, TPM12PhysicalSetDeactivatedCommand(deactivated: false).bytes, "tpm12-physical-set-deactivated-response")
            let nonce = [UInt8](repeating: 0x4E, count: 20)
            let create = TPM12CreateEndorsementKeyPairCommand(antiReplay: try #require(TPMNonce(nonce)))
            try Self.capture(engine, create.bytes, "tpm12-create-endorsement-key-pair-response")
            try Self.capture(engine, TPM12ExtendCommand(pcrNum: 9, inDigest: try #require(SHA1Digest([UInt8](repeating: 0x11, count: 20)))).bytes,
                             "tpm12-extend-response")
            try Self.capture(engine, TPM12PCRReadCommand(pcrIndex: 9).bytes, "tpm12-pcrread-response")
            try Self.capture(engine, TPM12GetRandomCommand(bytesRequested: 16).bytes, "tpm12-getrandom-response")
        }

        @Test(.enabled(if: directory != nil)) func captureTPM20() throws {
            let engine = try LibTPMSEngine(family: .tpm20)
            try engine.initialize(permanent: nil, saveState: nil, volatile: nil)
            try Self.capture(engine, [], "tpm2-error-response", success: false)
            try Self.capture(engine, TPM2StartupCommand(.clear).bytes, "tpm2-startup-response")
            try Self.capture(engine, TPM2GetCapabilityCommand.pcrAllocation.bytes, "tpm2-getcapability-pcrs-response")
            var allocation: [TPMSPCRSelection] = []
            for algorithm in [DigestAlgorithm.sha1, .sha256, .sha384, .sha512] {
                allocation.append(TPMSPCRSelection(algorithm, pcrs: algorithm == .sha1 || algorithm == .sha256 ? Array(0..<24) : []))
            }
            try Self.capture(engine, TPM2PCRAllocateCommand(pcrAllocation: TPMLPCRSelection(allocation)).bytes, "tpm2-pcr-allocate-response")
            let digests = TPMLDigestValues([
                try #require(TPMTHA(.sha1, [UInt8](repeating: 0x11, count: 20))),
                try #require(TPMTHA(.sha256, [UInt8](repeating: 0x22, count: 32))),
                try #require(TPMTHA(.sha384, [UInt8](repeating: 0x33, count: 48))),
                try #require(TPMTHA(.sha512, [UInt8](repeating: 0x44, count: 64))),
            ])
            try Self.capture(engine, TPM2PCRExtendCommand(pcrHandle: 9, digests: digests).bytes, "tpm2-pcr-extend-response")
            let read = TPM2PCRReadCommand(TPMLPCRSelection([TPMSPCRSelection(.sha1, pcrs: [9]), TPMSPCRSelection(.sha256, pcrs: [9])]))
            try Self.capture(engine, read.bytes, "tpm2-pcr-read-response")
            try Self.capture(engine, TPM2GetRandomCommand(bytesRequested: 16).bytes, "tpm2-getrandom-response")
            try Self.capture(engine, TPM2ShutdownCommand(.clear).bytes, "tpm2-shutdown-response")
        }
    }
}
