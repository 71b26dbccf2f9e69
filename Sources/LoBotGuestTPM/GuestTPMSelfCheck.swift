// The check `lobot guest-tpm selftest` runs: that the libtpms linked into this very binary (on
// musl, with its fortify shims and LoBot's trimmed libcrypto) manufactures a TPM of a family,
// starts it, and answers a Startup and a GetRandom through the engine.
import LoBotCore

public enum GuestTPMSelfCheck {
    public struct Result: Sendable {
        public var family: GuestTPMFamily
        /// How long the manufacture took (milliseconds).
        public var manufactureMilliseconds: Int
        /// The PCR banks the manufactured TPM has allocated.
        public var banks: [DigestAlgorithm]
        /// What TPM_GetRandom / TPM2_GetRandom returned.
        public var randomBytes: [UInt8]
    }

    /// How many bytes the check asks the TPM's RNG for.
    public static let randomCount = 16

    public static func run(_ family: GuestTPMFamily) throws(LoBotError) -> Result {
        let engine = try LibTPMSEngine(family: family)
        let began = monotonicMilliseconds()
        let state = try engine.manufacture()
        let manufactured = monotonicMilliseconds() - began
        try engine.start(state, resumingVolatile: false)
        defer { engine.stop() }
        let random: [UInt8]
        switch family {
        case .tpm12:
            _ = try engine.run(TPM12StartupCommand(.clear))
            random = try engine.run(TPM12GetRandomCommand(bytesRequested: UInt32(randomCount))).randomBytes
        case .tpm20:
            _ = try engine.run(TPM2StartupCommand(.clear))
            random = try engine.run(TPM2GetRandomCommand(bytesRequested: UInt16(randomCount))).randomBytes
        }
        guard random.count == randomCount else {
            throw .tpmRule("the guest TPM returned \(random.count) random bytes, not \(randomCount)")
        }
        return Result(family: family, manufactureMilliseconds: manufactured, banks: try engine.allocatedBanks(), randomBytes: random)
    }
}
