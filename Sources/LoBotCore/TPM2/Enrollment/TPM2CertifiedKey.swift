// A TPM 2.0 key with its certification (TPM2_Certify) by the platform's AK, LoBot's own container:
// what `lobot platform key certify` writes on a TPM 2.0 platform and the factory (bind-key
// registration) checks, the counterpart of TPM 1.2's certified key ("LBCK"). The AK's signature is
// over the TPMS_ATTEST, which names the key by its Name and carries the verifier's nonce.
//
//   BYTE magic[4];                     /* "LB2K" */
//   UINT8 version;                     /* 1 */
//   TPM2B_PUBLIC key;                  /* the certified key's public area */
//   TPM2B_ATTEST certifyInfo;          /* TPMS_ATTEST of type TPM_ST_ATTEST_CERTIFY */
//   TPMT_SIGNATURE signature;          /* the AK's, over certifyInfo's TPMS_ATTEST */

public struct TPM2CertifiedKey: WireStructure, Equatable, Sendable {
    public static var wireName: String { "LoBot TPM 2.0 certified key" }
    public static let magic: [UInt8] = Array("LB2K".utf8)
    public static let version: UInt8 = 1

    public var key: TPM2BPublic
    public var certifyInfo: TPM2BAttest
    public var signature: TPMTSignature

    public init(key: TPMTPublic, certifyInfo: TPMSAttest, signature: TPMTSignature) {
        self.key = TPM2BPublic(key)
        self.certifyInfo = TPM2BAttest(certifyInfo)
        self.signature = signature
    }

    /// The checks of any verifier: the key is shaped as LoBot makes `kind`; the AK (shaped as LoBot
    /// makes AKs) signed a certification of exactly this key's Name with `nonce`. Returns the key.
    public func verify(ak: TPMTPublic, nonce: [UInt8], kind: TPM2KeyKind) throws(LoBotError) -> RSAPublicKey {
        try TPM2KeyKind.attestation.check(ak)
        try kind.check(key.publicArea)
        try checkCertification(by: ak, nonce: nonce, what: kind.name)
        return try key.publicArea.rsaPublicKey()
    }

    /// The certification alone, whatever the keys' shapes: a TPMS_ATTEST of a certification of
    /// this key's Name, with `nonce`, signed by `ak`.
    public func checkCertification(by ak: TPMTPublic, nonce: [UInt8], what: String) throws(LoBotError) {
        let attest = certifyInfo.attestationData
        guard let certified = attest.certify else { throw .invalidArgument("the \(what)'s attestation is not a certification") }
        guard certified.name.buffer == (try key.name()) else {
            throw .authentication(what: "the \(what)'s certification (it names another key)")
        }
        guard attest.extraData.buffer == nonce else { throw .authentication(what: "the \(what)'s certification (another nonce)") }
        try signature.verify(attest.bytes, key: ak)
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expect(Self.magic, field: "magic")
        try reader.expect([Self.version], field: "version")
        key = try TPM2BPublic.parse(from: &reader)
        certifyInfo = try TPM2BAttest.parse(from: &reader)
        signature = try TPMTSignature.parse(from: &reader)
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(Self.magic)
        writer.write(Self.version)
        key.serialize(into: &writer)
        certifyInfo.serialize(into: &writer)
        signature.serialize(into: &writer)
    }
}
