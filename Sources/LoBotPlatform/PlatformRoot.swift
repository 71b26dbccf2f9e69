// The platform's TPM, of either family, behind the operations LSP, LSM and platform-rooted vTPMs
// use: open what was bound to the platform's bind key, sign a message digest with its signing key,
// certify both with the AIK (TPM 1.2) or AK (TPM 2.0) for a session nonce, read and extend the PCRs
// of the family's bank (SHA-1, SHA-256), quote them, and the monotonic counter the version store is
// anchored to. Which family a platform has is fixed at enrollment: its key blobs say it
// (PlatformDirectory.family), and the TPM reached must be of that family.
//
// Each TPM 2.0 operation lets go of its connection when it is done (PlatformTPM2.disconnect): a
// swtpm socket serves one client at a time, so a process holding it between operations would
// stall every other -- the guest TPM's server checkpointing while `migrate send` saves the aDom,
// say. Holding it for one whole operation keeps another process's commands from interleaving
// with its loaded keys and sessions.
import LoBotCore

public enum PlatformRoot {
    case tpm12(PlatformTPM)
    case tpm20(PlatformTPM2)

    public var family: TPMFamily {
        switch self {
        case .tpm12: return .tpm12
        case .tpm20: return .tpm2
        }
    }

    /// Data bound to the platform's bind key (PlatformPublicKey.bind), opened by its TPM once per
    /// process (UnboundSecrets). The caller wipes its copy.
    public func unbind(_ data: [UInt8], platform: PlatformDirectory) throws(LoBotError) -> [UInt8] {
        let blob = try platform.bindBlob()
        switch self {
        case .tpm12(let tpm):
            return try tpm.unbound.plain(keyBlob: blob, data: data) { () throws(LoBotError) in try tpm.unbind(keyBlob: blob, data: data) }
        case .tpm20(let tpm):
            return try tpm.unbound.plain(keyBlob: blob, data: data) { () throws(LoBotError) in
                defer { tpm.disconnect() }
                return try tpm.rsaDecrypt(bind: try TPM2KeyBlob(bytes: blob), ciphertext: data, label: PlatformPublicKey.tpm2BindLabel)
            }
        }
    }

    /// An RSA PKCS#1 v1.5 SHA-256 signature over `digest` (32 bytes) by the platform's signing key.
    public func sign(sha256 digest: [UInt8], platform: PlatformDirectory) throws(LoBotError) -> [UInt8] {
        switch self {
        case .tpm12(let tpm): return try tpm.sign(digest: digest, keyBlob: try platform.signingBlob())
        case .tpm20(let tpm):
            defer { tpm.disconnect() }
            let signature = try tpm.sign(key: try TPM2KeyBlob(bytes: try platform.signingBlob()), digest: digest)
            guard case .rsassa(let value) = signature.signature else { throw .tpmRule("the TPM 2.0 signed with another scheme than RSASSA") }
            return value.buffer
        }
    }

    /// Steps 2-4: the bind and signing keys certified by the AIK (AK) with `nonce`, and the AIK's
    /// certificate from the factory.
    public func certifiedKeys(platform: PlatformDirectory, nonce: TPMNonce) throws(LoBotError) -> DestinationKeysBody {
        let certificate = try platform.read(platform.aikCertificatePath, "AIK certificate")
        switch self {
        case .tpm12(let tpm):
            let aik = try platform.aikBlob()
            return DestinationKeysBody(
                keys: .tpm12(bind: try tpm.certifiedKey(keyBlob: try platform.bindBlob(), aikBlob: aik, nonce: nonce),
                             signing: try tpm.certifiedKey(.signing, keyBlob: try platform.signingBlob(), aikBlob: aik, nonce: nonce)),
                aikCertificate: certificate)
        case .tpm20(let tpm):
            defer { tpm.disconnect() }
            let ak = try TPM2KeyBlob(bytes: try platform.aikBlob())
            let bind = try tpm.certify(key: try TPM2KeyBlob(bytes: try platform.bindBlob()), as: .bind, ak: ak, nonce: nonce.value)
            let signing = try tpm.certify(key: try TPM2KeyBlob(bytes: try platform.signingBlob()), as: .signing, ak: ak, nonce: nonce.value)
            return DestinationKeysBody(keys: .tpm20(bind: bind, signing: signing, ak: ak.publicArea), aikCertificate: certificate)
        }
    }

    /// The PCRs `indices` of the family's bank, in order.
    public func readPCRs(_ indices: [Int]) throws(LoBotError) -> [[UInt8]] {
        switch self {
        case .tpm12(let tpm):
            var values: [[UInt8]] = []
            for index in indices { values.append(try tpm.readPCR(index).value) }
            return values
        case .tpm20(let tpm):
            defer { tpm.disconnect() }
            let read = try tpm.readPCRs(indices)
            var values: [[UInt8]] = []
            for index in indices {
                guard let value = read.first(where: { $0.pcr == index })?.value else { throw .tpmRule("the TPM did not read PCR \(index)") }
                values.append(value)
            }
            return values
        }
    }

    /// Extends PCR `index` of the family's bank with `digest` (20 or 32 bytes).
    public func extend(_ index: Int, with digest: [UInt8]) throws(LoBotError) {
        switch self {
        case .tpm12(let tpm):
            guard let value = SHA1Digest(digest) else { throw .invalidArgument("a TPM 1.2 extend takes 20 bytes, not \(digest.count)") }
            _ = try tpm.extend(index, with: value)
        case .tpm20(let tpm):
            defer { tpm.disconnect() }
            try tpm.extend(pcr: index, digest: digest)
        }
    }

    /// The PCRs `indices` quoted by the enrolled AIK (AK) with `nonce`.
    public func quote(platform: PlatformDirectory, indices: [Int], nonce: TPMNonce) throws(LoBotError) -> PlatformQuote {
        switch self {
        case .tpm12(let tpm): return .tpm12(try tpm.quote(aikBlob: try platform.aikBlob(), indices: indices, nonce: nonce))
        case .tpm20(let tpm):
            defer { tpm.disconnect() }
            return .tpm20(try tpm.quote(ak: try TPM2KeyBlob(bytes: try platform.aikBlob()), pcrs: indices, nonce: nonce.value).file)
        }
    }

    /// The platform's monotonic counter (TPM 1.2: the one LoBot created, PLATFORM/counter; TPM 2.0:
    /// the NV counter index 0x01804C42, defined at first use).
    public func counter(platform: PlatformDirectory) throws(LoBotError) -> TPMCounter {
        try TPMCounter(tpm: self, directory: platform)
    }
}
