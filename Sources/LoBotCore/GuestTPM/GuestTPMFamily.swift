// Which TPM a domain's guest sees: the TPM 1.2 of the seeds, or the TPM 2.0 current guests expect
// (systemd-cryptenroll, Clevis, Windows 11, Keylime). A domain's config names it; the guest's TPM
// is created in that family and stays in it for life.

public enum GuestTPMFamily: UInt8, Sendable, CaseIterable {
    case tpm12 = 1
    case tpm20 = 2

    /// As users type it: `1.2` or `2.0`.
    public var name: String { self == .tpm12 ? "1.2" : "2.0" }

    public init?(name: String) {
        switch name {
        case "1.2": self = .tpm12
        case "2.0", "2": self = .tpm20
        default: return nil
        }
    }

    /// The qemu device the guest sees it through: TIS for TPM 1.2 (the only interface a 1.2 driver
    /// knows), CRB for TPM 2.0 (the interface TPM 2.0 firmware and guests expect).
    public var qemuDevice: String { self == .tpm12 ? "tpm-tis" : "tpm-crb" }

    /// The PCR banks LoBot extends its launch measurements into: SHA-1 on a TPM 1.2; on a TPM 2.0,
    /// the banks its guest TPM has allocated (LoBot creates it with SHA-1 and SHA-256).
    public var defaultBanks: [DigestAlgorithm] {
        // One array literal only: Embedded Swift 6.3 numbers a function's static arrays one way in
        // the module that defines it and may number them another way in a module that inlines it,
        // which then reads the wrong one (`lobot` saw [.sha1, .sha1] for a TPM 2.0 from
        // `self == .tpm12 ? [.sha1] : [.sha1, .sha256]`).
        var banks: [DigestAlgorithm] = [.sha1]
        if self == .tpm20 { banks.append(.sha256) }
        return banks
    }
}
