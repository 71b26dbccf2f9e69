// What LoBot does with a guest TPM's PCRs itself: find the banks it has allocated, extend a PCR in
// every one of them (measured launch), and read a PCR back. TPM 1.2 has one bank, SHA-1; a TPM
// 2.0 has the banks its PCR allocation names (TPM2_GetCapability(TPM_CAP_PCRS)).
import LoBotCore

extension LibTPMSEngine {
    /// The PCRs both families have (TPM 1.2: 24; libtpms' TPM 2.0: IMPLEMENTATION_PCR 24).
    public static let pcrCount = 24

    /// The banks the running TPM has allocated, in the order it reports them (asked once per
    /// start). A TPM 2.0 bank LoBot has no hash for is `.tpmRule`: LoBot could not measure into
    /// it, and a bank left unmeasured would let a guest's policy on it pass for any launch.
    public func allocatedBanks() throws(LoBotError) -> [DigestAlgorithm] {
        guard family == .tpm20 else { return [.sha1] }
        if let banks { return banks }
        let capability = try run(TPM2GetCapabilityCommand.pcrAllocation)
        var allocated: [DigestAlgorithm] = []
        for selection in capability.assignedPCR.pcrSelections where !selection.pcrs.isEmpty {
            guard let algorithm = selection.algorithm else {
                throw .tpmRule("the guest TPM has a PCR bank LoBot cannot measure into (TPM_ALG_ID 0x\(Hex.string(UInt(selection.hash))))")
            }
            allocated.append(algorithm)
        }
        banks = allocated
        return allocated
    }

    /// Extends `pcr` with one digest per allocated bank (TPM_Extend; TPM2_PCR_Extend), from
    /// locality 0. The digests must name every allocated bank exactly once, and nothing else.
    public func extend(pcr: Int, digests: [(algorithm: DigestAlgorithm, value: [UInt8])]) throws(LoBotError) {
        try checkPCR(pcr)
        switch family {
        case .tpm12:
            guard digests.count == 1, digests[0].algorithm == .sha1, let digest = SHA1Digest(digests[0].value) else {
                throw .invalidArgument("a TPM 1.2 PCR is extended with one SHA-1 digest")
            }
            _ = try run(TPM12ExtendCommand(pcrNum: UInt32(pcr), inDigest: digest))
        case .tpm20:
            let banks = try allocatedBanks()
            var values: [TPMTHA] = []
            for bank in banks {
                let matching = digests.filter { $0.algorithm == bank }
                guard matching.count == 1 else {
                    throw .invalidArgument("PCR \(pcr) needs exactly one \(bank.name) digest, one per allocated bank")
                }
                guard let value = TPMTHA(bank, matching[0].value) else {
                    throw .invalidArgument("a \(bank.name) digest is \(bank.length) bytes, not \(matching[0].value.count)")
                }
                values.append(value)
            }
            guard values.count == digests.count else {
                throw .invalidArgument("PCR \(pcr) is extended in the allocated banks only")
            }
            _ = try run(TPM2PCRExtendCommand(pcrHandle: UInt32(pcr), digests: TPMLDigestValues(values)))
        }
    }

    /// Measures `data` into `pcr`: its digest in every allocated bank, extended at once. Returns
    /// the digests, for the event log.
    @discardableResult
    public func extend(pcr: Int, measuring data: [UInt8]) throws(LoBotError) -> [(algorithm: DigestAlgorithm, value: [UInt8])] {
        try checkPCR(pcr)
        var digests: [(algorithm: DigestAlgorithm, value: [UInt8])] = []
        for bank in try allocatedBanks() { digests.append((bank, try Digest.hash(bank, data))) }
        try extend(pcr: pcr, digests: digests)
        return digests
    }

    /// `pcr`'s value in every allocated bank (TPM_PCRRead; TPM2_PCR_Read).
    public func readPCR(_ pcr: Int) throws(LoBotError) -> [(algorithm: DigestAlgorithm, value: [UInt8])] {
        try checkPCR(pcr)
        switch family {
        case .tpm12:
            let response = try run(TPM12PCRReadCommand(pcrIndex: UInt32(pcr)))
            return [(.sha1, response.outDigest.value)]
        case .tpm20:
            let banks = try allocatedBanks()
            var selections: [TPMSPCRSelection] = []
            for bank in banks { selections.append(TPMSPCRSelection(bank, pcrs: [pcr])) }
            let response = try run(TPM2PCRReadCommand(TPMLPCRSelection(selections)))
            // The TPM leaves out what it could not read: anything but the whole selection is a failure.
            guard response.pcrSelectionOut == TPMLPCRSelection(selections), response.pcrValues.digests.count == banks.count else {
                throw .tpmRule("TPM2_PCR_Read did not return PCR \(pcr) in every allocated bank")
            }
            var values: [(algorithm: DigestAlgorithm, value: [UInt8])] = []
            for (bank, value) in zip(banks, response.pcrValues.digests) {
                guard value.count == bank.length else {
                    throw .tpmRule("TPM2_PCR_Read returned a \(value.count)-byte \(bank.name) value")
                }
                values.append((bank, value))
            }
            return values
        }
    }

    private func checkPCR(_ pcr: Int) throws(LoBotError) {
        guard pcr >= 0 && pcr < Self.pcrCount else { throw .tpmRule("PCR \(pcr) is not one of 0-\(Self.pcrCount - 1)") }
    }
}
