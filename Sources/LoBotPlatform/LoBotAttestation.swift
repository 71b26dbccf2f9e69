// LSM steps 8 and 9 wherever LoBot_D runs -- as PID 1 of the LoBot VM or as a process on the
// platform host: its vTPM starts afresh and takes the LoBot's measurements into PCRs 0-5; the
// platform's PCR 6 takes the composite hash of those; the vTPM's PCR 6 takes the composite hash
// of the platform's PCRs 0-6; then the platform quotes its PCRs 0-15 for the factory and the vTPM
// quotes its PCRs for LoBot_S.
import LoBotCore

public enum LoBotAttestation {
    /// Steps 8 and 8's binding, on a vTPM just opened; returns the platform's PCR 6 before.
    public static func measure(vtpm: VTPM, tpm: PlatformTPM, events: [Event]) throws(LoBotError) -> SHA1Digest {
        vtpm.startup()
        for event in events {
            if case .measurement(let digest) = event.kind { try vtpm.measure(pcr: event.pcr, sha256: digest, name: event.name) }
        }
        let identity = try vtpm.pcrs.composite(try PCRSelection(BootMeasurements.identityPCRs)).compositeHash()
        let before = try tpm.readPCR(BootMeasurements.bindingPCR)
        try tpm.extend(BootMeasurements.bindingPCR, with: identity)
        var platformValues: [SHA1Digest] = []
        for index in 0...6 { platformValues.append(try tpm.readPCR(index)) }
        let platform = try PCRComposite(selection: try PCRSelection(Array(0...6)), values: platformValues)
        try vtpm.extend(pcr: BootMeasurements.bindingPCR, digest: try platform.compositeHash(), name: "platform-pcrs-0-6")
        return before
    }

    /// Step 9's platform quote: PCRs 0-15 by the platform's AIK.
    public static func platformQuote(tpm: PlatformTPM, aikBlob: [UInt8], nonce: TPMNonce) throws(LoBotError) -> Quote {
        try tpm.quote(aikBlob: aikBlob, indices: Array(0...15), nonce: nonce)
    }
}
