// Where a platform keeps what LoBot made with its TPM: key blobs (wrapped by the TPM, useless
// elsewhere), the AIK certificate from the factory, and the monotonic counter's id and secret.
// The blobs are TPM_KEY on a TPM 1.2 platform, LoBot TPM 2.0 key blobs ("LB2B") on a TPM 2.0 one:
// they say which family the platform has.
//
//   aik.blob        the enrolled AIK (AK)             aik.pending   an AIK awaiting activation
//   aik.cert        the factory's X.509 certificate   bind.blob     the bind key
//   signing.blob    the signing key                   counter       TPM 1.2 counter id and secret (0600)
//   ca.cert         the factory CA certificate        domains/      aDoms and their LoBots
//   sessions/       provisioning and migration sessions in progress or done
import LoBotCore

public struct PlatformDirectory: Sendable {
    public let path: String

    public init(_ path: String) { self.path = path }

    public var aikBlobPath: String { Files.join(path, "aik.blob") }
    public var pendingAIKPath: String { Files.join(path, "aik.pending") }
    public var aikCertificatePath: String { Files.join(path, "aik.cert") }
    public var bindBlobPath: String { Files.join(path, "bind.blob") }
    public var counterPath: String { Files.join(path, "counter") }
    public var signingBlobPath: String { Files.join(path, "signing.blob") }
    /// The factory CA certificate this platform trusts (kept at activation).
    public var caCertificatePath: String { Files.join(path, "ca.cert") }
    public var domainsPath: String { Files.join(path, "domains") }
    public var sessionsPath: String { Files.join(path, "sessions") }

    public func signingBlob() throws(LoBotError) -> [UInt8] {
        try read(signingBlobPath, "signing key (run lobot platform bind-key first)")
    }

    /// The factory CA's public key, from the certificate kept at activation, which must still
    /// verify under its own key: a byte changed anywhere in it is refused.
    public func factoryKey() throws(LoBotError) -> RSAPublicKey {
        let certificate = try X509Certificate(der: try read(caCertificatePath, "factory CA certificate (run lobot platform activate)"))
        let key = try certificate.publicKey()
        guard certificate.isSigned(by: key) else { throw .authentication(what: "factory CA certificate \(caCertificatePath)") }
        return key
    }

    public func read(_ path: String, _ what: String) throws(LoBotError) -> [UInt8] {
        guard Files.exists(path) else { throw .notFound("\(what) \(path)") }
        return try Files.read(path, maximum: 64 << 10)
    }

    public func aikBlob() throws(LoBotError) -> [UInt8] {
        try read(aikBlobPath, "enrolled AIK (run lobot platform enroll first)")
    }

    public func bindBlob() throws(LoBotError) -> [UInt8] {
        try read(bindBlobPath, "bind key (run lobot platform bind-key first)")
    }

    /// The AIK's (AK's) public key, from its blob.
    public func aikPublicKey() throws(LoBotError) -> PlatformPublicKey { try publicKey(try aikBlob()) }

    /// The bind key's public key, from its blob: what secrets for this platform are bound to.
    public func bindPublicKey() throws(LoBotError) -> PlatformPublicKey { try publicKey(try bindBlob()) }

    /// The signing key's public key, from its blob: what this platform's messages verify with.
    public func signingPublicKey() throws(LoBotError) -> PlatformPublicKey { try publicKey(try signingBlob()) }

    /// Which TPM this platform enrolled, as its AIK's blob says.
    public func family() throws(LoBotError) -> TPMFamily { try aikPublicKey().family }

    /// The public key in a key blob of either family.
    func publicKey(_ blob: [UInt8]) throws(LoBotError) -> PlatformPublicKey {
        blob.starts(with: TPM2KeyBlob.magic) ? .tpm20(try TPM2KeyBlob(bytes: blob).publicArea) : .tpm12(try KeyBlob(bytes: blob).publicKey)
    }
}
