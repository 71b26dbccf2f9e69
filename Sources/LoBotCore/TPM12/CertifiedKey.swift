// A platform key and the AIK's word for it: the key's TPM_PUBKEY, the TPM_CERTIFY_INFO the
// platform TPM produced for it with a verifier's nonce, and the AIK's signature over that. This
// is "DP's certified bind public key" of LSM step 4; `verify` is the one check every receiver
// runs on it.
//
//   LoBot certified key:  BYTE magic[4] = "LBCK";  UINT8 version = 1;
//                         TPM_PUBKEY key;  UINT16 infoSize;  BYTE info[infoSize] (TPM_CERTIFY_INFO);
//                         UINT16 signatureSize;  BYTE signature[signatureSize]

public struct CertifiedKey: WireStructure, Equatable, Sendable {
    public static var wireName: String { "LoBot certified key" }
    static let magic: [UInt8] = Array("LBCK".utf8)

    public var key: PubKey
    /// The TPM_CERTIFY_INFO bytes exactly as signed.
    public var info: [UInt8]
    public var signature: [UInt8]

    public init(key: PubKey, info: [UInt8], signature: [UInt8]) {
        self.key = key
        self.info = info
        self.signature = signature
    }

    /// Checks that `aik` signed this certify info with `nonce`, that it describes this very key
    /// (SHA-1 of the modulus), and that the key is a non-migratable TPM key for `usage`: a bind
    /// key with RSA-OAEP, or a signing key.
    public func verify(aik: RSAPublicKey, nonce: TPMNonce, usage: KeyUsage = .bind) throws(LoBotError) -> CertifyInfo {
        let parsed = try CertifyInfo(bytes: info)
        guard aik.verify(signature: signature, digest: try Digest.sha1(info), algorithm: .sha1) else {
            throw .authentication(what: "certified key signature")
        }
        guard parsed.data == nonce else {
            throw .replay("certified key nonce is \(parsed.data.hex), expected \(nonce.hex)")
        }
        guard parsed.pubkeyDigest == (try SHA1Digest.of(key.modulus)) else {
            throw .authentication(what: "certified key (the certify info names another key)")
        }
        guard parsed.keyUsage == usage, usage != .bind || key.algorithmParms.encScheme == .rsaOAEPSHA1 else {
            throw .invalidArgument(usage == .bind ? "certified key is not a TPM bind key with RSA-OAEP" : "certified key is not a TPM signing key")
        }
        // TPM_KEY_FLAGS bit 0x2 is migratable: a bind key that could leave the TPM proves nothing.
        guard parsed.keyFlags & 0x0000_0002 == 0 else { throw .invalidArgument("certified key is migratable") }
        return parsed
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expect(Self.magic, field: "magic")
        try reader.expect([1], field: "version")
        key = try PubKey.parse(from: &reader)
        info = try reader.readSized(lengthWidth: 2, maximum: 1024, field: "infoSize")
        signature = try reader.readSized(lengthWidth: 2, maximum: TPMLimits.maxModulusBytes, field: "signatureSize")
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(Self.magic)
        writer.write(UInt8(1))
        key.serialize(into: &writer)
        writer.writeSized(info, lengthWidth: 2)
        writer.writeSized(signature, lengthWidth: 2)
    }
}
