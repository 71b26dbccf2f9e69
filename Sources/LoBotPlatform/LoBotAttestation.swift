// LSM steps 8 and 9 wherever LoBot_D runs -- as PID 1 of the LoBot VM or as a process on the
// platform host: its vTPM starts afresh and takes the LoBot's measurements into PCRs 0-5; the
// platform's PCR 6 takes LoBot_D's identity (those PCRs); the vTPM's PCR 6 takes the platform's
// PCRs 0-6 (PlatformBinding says how, per TPM family); then the platform quotes its PCRs 0-15 for
// the factory and the vTPM quotes its PCRs for LoBot_S.
import LoBotCore

public enum LoBotAttestation {
    /// Steps 8 and 8's binding, on a vTPM just opened; returns the platform's PCR 6 before.
    public static func measure(vtpm: VTPM, tpm: PlatformRoot, events: [Event]) throws(LoBotError) -> [UInt8] {
        vtpm.startup()
        for event in events {
            if case .measurement(let digest) = event.kind { try vtpm.measure(pcr: event.pcr, sha256: digest, name: event.name) }
        }
        let identity = try vtpm.pcrs.composite(try PCRSelection(BootMeasurements.identityPCRs))
        let before = try tpm.readPCRs([BootMeasurements.bindingPCR])[0]
        try tpm.extend(BootMeasurements.bindingPCR, with: try PlatformBinding.platformExtension(identity: identity, family: tpm.family))
        let platform = try PlatformBinding.vtpmExtension(platformValues: try tpm.readPCRs(PlatformBinding.platformPCRs), family: tpm.family)
        try vtpm.extend(pcr: BootMeasurements.bindingPCR, digest: platform, name: "platform-pcrs-0-6")
        return before
    }

    /// Step 9's platform quote: PCRs 0-15 by the platform's AIK (AK).
    public static func platformQuote(tpm: PlatformRoot, platform: PlatformDirectory, nonce: TPMNonce) throws(LoBotError) -> PlatformQuote {
        try tpm.quote(platform: platform, indices: Array(0...15), nonce: nonce)
    }
}
