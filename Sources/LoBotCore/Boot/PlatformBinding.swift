// How LoBot_D and its platform bind each other at step 8, in either TPM family: the platform's
// PCR 6 is extended with LoBot_D's identity (its vTPM's PCRs 0-5), and LoBot_D's vTPM PCR 6 with
// the platform's PCRs 0-6. The agent computes these to extend; the factory to check (step 10).
//
//   TPM 1.2 platform (SHA-1 bank):   platform PCR 6 += SHA-1(TPM_PCR_COMPOSITE of vTPM PCRs 0-5)
//                                    vTPM PCR 6     += SHA-1(TPM_PCR_COMPOSITE of platform PCRs 0-6)
//   TPM 2.0 platform (SHA-256 bank): platform PCR 6 += SHA-256(TPM_PCR_COMPOSITE of vTPM PCRs 0-5)
//                                    vTPM PCR 6     += SHA-1(platform PCR 0 || ... || PCR 6), 32 bytes each
//
// (An extension of PCR p by d sets it to H(p || d), H the bank's hash.)

public enum PlatformBinding {
    /// The PCRs of the platform that LoBot_D's vTPM PCR 6 takes in.
    public static let platformPCRs = Array(0...6)

    public static func pcrLength(_ family: TPMFamily) -> Int {
        switch family {
        case .tpm12: return 20
        case .tpm2: return 32
        }
    }

    /// What the platform's PCR 6 is extended with: LoBot_D's identity, its vTPM's PCRs 0-5.
    public static func platformExtension(identity: PCRComposite, family: TPMFamily) throws(LoBotError) -> [UInt8] {
        switch family {
        case .tpm12: return try identity.compositeHash().value
        case .tpm2: return try Digest.sha256(identity.bytes)
        }
    }

    /// A PCR's value after one extension by `digest`, in the family's bank.
    public static func extended(_ before: [UInt8], by digest: [UInt8], family: TPMFamily) throws(LoBotError) -> [UInt8] {
        switch family {
        case .tpm12: return try SHA1Digest.of(before + digest).value
        case .tpm2: return try Digest.sha256(before + digest)
        }
    }

    /// What LoBot_D's vTPM PCR 6 is extended with: the platform's PCRs 0-6, in order.
    public static func vtpmExtension(platformValues: [[UInt8]], family: TPMFamily) throws(LoBotError) -> SHA1Digest {
        guard platformValues.count == platformPCRs.count, platformValues.allSatisfy({ $0.count == pcrLength(family) }) else {
            throw .invalidArgument("the platform's PCRs 0-6 are not seven \(family.name) values")
        }
        switch family {
        case .tpm12:
            return try PCRComposite(selection: try PCRSelection(platformPCRs), values: platformValues.map { SHA1Digest(unchecked: $0) })
                .compositeHash()
        case .tpm2:
            var all: [UInt8] = []
            for value in platformValues { all += value }
            return try SHA1Digest.of(all)
        }
    }
}
