// TPM2B_ID_OBJECT holding a TPMS_ID_OBJECT (Part 2, 12.4.3 and 12.4.2): the credential blob
// TPM2_MakeCredential makes for an object's Name, and TPM2_ActivateCredential opens with the EK.
//
//   UINT16 size;                       /* of what follows */
//   TPMS_ID_OBJECT credential:
//       TPM2B_DIGEST integrityHMAC;    /* HMAC(encIdentity || Name), key from the seed */
//       TPM2B_DIGEST encIdentity;      /* the credential (a TPM2B_DIGEST) AES-CFB encrypted, its
//                                         size field included, so its length is not on the wire:
//                                         it is the rest of the TPM2B_ID_OBJECT */
//
// A TPMS_ID_OBJECT is never on the wire without its size, so this one type reads both; the
// encrypted credential is capped at a sized digest's length.

public struct TPM2BIDObject: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM2B_ID_OBJECT" }
    /// sizeof(TPM2B_DIGEST): the longest encIdentity.
    public static let maximumEncIdentity = 2 + TPM2Limits.maxDigestBytes

    public var integrityHMAC: TPM2BDigest
    /// encIdentity, encrypted with its size field.
    public var encIdentity: [UInt8]

    public init(integrityHMAC: [UInt8], encIdentity: [UInt8]) {
        self.integrityHMAC = TPM2BDigest(integrityHMAC)
        self.encIdentity = encIdentity
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let at = reader.offset
        let size = Int(try reader.readUInt16())
        let maximum = 2 + TPM2Limits.maxDigestBytes + Self.maximumEncIdentity
        guard size <= maximum else {
            throw reader.failure(.lengthTooLarge(field: "size", value: UInt64(size), maximum: UInt64(maximum)), at: at)
        }
        let start = reader.offset
        integrityHMAC = try TPM2BDigest.parse(from: &reader)
        let rest = size - (reader.offset - start)
        guard rest >= 2, rest <= Self.maximumEncIdentity else {
            throw reader.failure(.inconsistent("size \(size) leaves \(rest) bytes for encIdentity"), at: at)
        }
        encIdentity = try reader.readBytes(rest)
    }

    public func serialize(into writer: inout ByteWriter) {
        var inner = ByteWriter()
        integrityHMAC.serialize(into: &inner)
        inner.write(encIdentity)
        writer.writeSized(inner.bytes, lengthWidth: 2)
    }
}
