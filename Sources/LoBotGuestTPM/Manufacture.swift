// A new guest TPM, left as swtpm_setup leaves one (swtpm's src/swtpm_setup: init_tpm, init_tpm2),
// so that a guest finds what it would find under swtpm and libvirt:
//
// - TPM 2.0: libtpms manufactures it at its first _TPM_Init (seeds, every PCR bank it implements:
//   SHA-1, SHA-256, SHA-384, SHA-512); then TPM2_Startup(CLEAR), TPM2_PCR_Allocate of the banks
//   asked for (default SHA-1 and SHA-256; the change takes effect at the next _TPM_Init) and
//   TPM2_Shutdown(CLEAR). Its EK is the guest's to create from the endorsement seed (tpm2_createek).
// - TPM 1.2: libtpms manufactures it without an EK (and, as Debian builds it with
//   TPM_ENABLE_ACTIVATE, enabled and activated); then TPM_Startup(ST_CLEAR),
//   TSC_PhysicalPresence(CMD_ENABLE), TSC_PhysicalPresence(PRESENT), TPM_PhysicalEnable,
//   TPM_PhysicalSetDeactivated(FALSE) (in effect from the next TPM_Startup; with that build option
//   these two change nothing, and they keep the result the same without it) and
//   TPM_CreateEndorsementKeyPair (RSA-2048): enabled, activated, an EK, no owner, so a guest's
//   tcsd and `tpm_takeownership -y -z` can take it.
import LoBotCore

extension LibTPMSEngine {
    /// Manufactures a new TPM of the engine's family on a stopped engine and returns its state
    /// (permanent state only), ready for `start`. `banks` are a TPM 2.0's PCR banks (nil: the
    /// family's default); a TPM 1.2 has SHA-1 only.
    public func manufacture(banks: [DigestAlgorithm]? = nil) throws(LoBotError) -> GuestTPMBlobs {
        guard !isRunning else { throw .tpmRule("a guest TPM is manufactured on a stopped engine") }
        let wanted = banks ?? family.defaultBanks
        if family == .tpm12 && wanted != [.sha1] { throw .invalidArgument("a TPM 1.2 has one PCR bank, SHA-1") }
        guard !wanted.isEmpty else { throw .invalidArgument("a guest TPM needs at least one PCR bank") }
        // No permanent state: libtpms answers TPM_RETRY for it, and manufactures.
        try initialize(permanent: nil, saveState: nil, volatile: nil)
        do throws(LoBotError) {
            switch family {
            case .tpm12: try setUpTPM12()
            case .tpm20: try setUpTPM20(banks: wanted)
            }
        } catch {
            stop()
            _ = takeStoredChanges()
            throw error
        }
        stop()
        _ = takeStoredChanges()
        return try state(includingVolatile: false)
    }

    private func setUpTPM12() throws(LoBotError) {
        _ = try run(TPM12StartupCommand(.clear))
        _ = try run(TSCPhysicalPresenceCommand(.commandEnable))
        _ = try run(TSCPhysicalPresenceCommand(.present))
        _ = try run(TPM12PhysicalEnableCommand())
        _ = try run(TPM12PhysicalSetDeactivatedCommand(deactivated: false))
        let antiReplay = try TPMNonce.random()
        let created = try run(TPM12CreateEndorsementKeyPairCommand(antiReplay: antiReplay))
        guard try created.checksumMatches(antiReplay) else {
            throw .authentication(what: "the checksum of the guest TPM's new endorsement key")
        }
    }

    private func setUpTPM20(banks wanted: [DigestAlgorithm]) throws(LoBotError) {
        _ = try run(TPM2StartupCommand(.clear))
        let implemented = try run(TPM2GetCapabilityCommand.pcrAllocation).assignedPCR.pcrSelections
        var allocation: [TPMSPCRSelection] = []
        for selection in implemented {
            let keep = selection.algorithm.map { wanted.contains($0) } ?? false
            allocation.append(TPMSPCRSelection(hash: selection.hash, pcrs: keep ? Array(0..<Self.pcrCount) : []))
        }
        for bank in wanted where !implemented.contains(where: { $0.algorithm == bank }) {
            throw .invalidArgument("the guest TPM has no \(bank.name) PCR bank")
        }
        let allocated = try run(TPM2PCRAllocateCommand(pcrAllocation: TPMLPCRSelection(allocation)))
        guard allocated.allocationSuccess else {
            throw .tpmRule("TPM2_PCR_Allocate refused the banks asked for (needs \(allocated.sizeNeeded) bytes, has \(allocated.sizeAvailable))")
        }
        _ = try run(TPM2ShutdownCommand(.clear))
    }
}
