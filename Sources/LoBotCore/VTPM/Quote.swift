// A quote as LoBot stores and ships it: the PCR composite, the nonce and the signature, from
// which the signed TPM_QUOTE_INFO (TPM_Quote) or TPM_QUOTE_INFO2 (TPM_Quote2) is rebuilt, so a
// verifier checks the signature over bytes it computed itself. The same type and the same
// `verify` serve vTPM quotes and platform TPM quotes.
//
//   LoBot quote file:  BYTE magic[4] = "LBQT";  UINT8 version = 1;
//                      UINT8 form (1 = TPM_QUOTE_INFO, 2 = TPM_QUOTE_INFO2);
//                      UINT8 localityAtRelease (0 for form 1);
//                      TPM_NONCE externalData;  TPM_PCR_COMPOSITE composite;
//                      UINT16 signatureSize;  BYTE signature[signatureSize]

public struct Quote: WireStructure, Equatable, Sendable {
    public static var wireName: String { "LoBot quote" }
    static let magic: [UInt8] = Array("LBQT".utf8)

    public enum Form: UInt8, Sendable {
        /// TPM_Quote: TPM_QUOTE_INFO.
        case quote = 1
        /// TPM_Quote2: TPM_QUOTE_INFO2.
        case quote2 = 2
    }

    public var form: Form
    public var localityAtRelease: UInt8
    public var nonce: TPMNonce
    public var composite: PCRComposite
    public var signature: [UInt8]

    public init(form: Form, localityAtRelease: UInt8, nonce: TPMNonce, composite: PCRComposite, signature: [UInt8]) {
        self.form = form
        self.localityAtRelease = form == .quote ? 0 : localityAtRelease
        self.nonce = nonce
        self.composite = composite
        self.signature = signature
    }

    /// The exact bytes the quoting TPM signed.
    public func signedBytes() throws(LoBotError) -> [UInt8] {
        let hash = try composite.compositeHash()
        switch form {
        case .quote:
            return QuoteInfo(digestValue: hash, externalData: nonce).bytes
        case .quote2:
            let info = PCRInfoShort(
                pcrSelection: composite.selection, localityAtRelease: localityAtRelease, digestAtRelease: hash)
            return QuoteInfo2(externalData: nonce, infoShort: info).bytes
        }
    }

    /// Checks the nonce and the AIK signature; throws a one-line reason when either is wrong.
    public func verify(aik: RSAPublicKey, expectedNonce: TPMNonce) throws(LoBotError) {
        guard nonce == expectedNonce else {
            throw .replay("quote nonce is \(nonce.hex), expected \(expectedNonce.hex)")
        }
        try Self.verifySignature(signature, over: try signedBytes(), aik: aik)
    }

    /// The AIK signature check shared by every kind of quote: PKCS#1 v1.5 SHA-1 over the
    /// TPM_QUOTE_INFO(2) bytes.
    public static func verifySignature(_ signature: [UInt8], over signed: [UInt8], aik: RSAPublicKey) throws(LoBotError) {
        guard aik.verify(signature: signature, digest: try Digest.sha1(signed), algorithm: .sha1) else {
            throw .authentication(what: "quote signature")
        }
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expect(Self.magic, field: "magic")
        try reader.expect([1], field: "version")
        let at = reader.offset
        let rawForm = try reader.readUInt8()
        guard let form = Form(rawValue: rawForm) else {
            throw reader.failure(.unexpectedValue(field: "form", value: UInt64(rawForm)), at: at)
        }
        self.form = form
        let localityAt = reader.offset
        localityAtRelease = try reader.readUInt8()
        guard form == .quote2 || localityAtRelease == 0 else {
            throw reader.failure(.unexpectedValue(field: "localityAtRelease", value: UInt64(localityAtRelease)), at: localityAt)
        }
        nonce = try TPMNonce(parsing: &reader)
        composite = try PCRComposite.parse(from: &reader)
        signature = try reader.readSized(lengthWidth: 2, maximum: TPMLimits.maxModulusBytes, field: "signatureSize")
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(Self.magic)
        writer.write(UInt8(1))
        writer.write(form.rawValue)
        writer.write(localityAtRelease)
        nonce.serialize(into: &writer)
        composite.serialize(into: &writer)
        writer.writeSized(signature, lengthWidth: 2)
    }
}
