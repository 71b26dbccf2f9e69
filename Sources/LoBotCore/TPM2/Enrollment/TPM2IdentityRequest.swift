// A TPM 2.0 platform's enrollment request to the factory's privacy CA, LoBot's own format: what
// `lobot platform enroll` writes on a TPM 2.0 platform and `lobot-factory enroll` reads (the TPM 1.2
// form is TrouSerS' TPM_IDENTITY_REQ). TPM 2.0 has no identity request of its own: the CA proves the
// AK lives in the TPM of the EK by TPM2_MakeCredential, whose secret only that TPM releases, and
// only for the AK's Name. So the request carries public keys and the EK certificate, in the clear.
//
//   BYTE magic[4];                     /* "LB2I" */
//   UINT8 version;                     /* 1 */
//   UINT8 labelSize;                   /* 1 to 64 */
//   BYTE label[labelSize];             /* the platform's name, as the factory knows it */
//   TPM2B_PUBLIC endorsementKey;       /* the EK's public area, as the TPM made it */
//   TPM2B_PUBLIC attestationKey;       /* the AK's public area: its Name is what the CA binds to */
//   UINT16 certificateSize;            /* 1 to 4096 */
//   BYTE endorsementCertificate[certificateSize];   /* DER: the manufacturer's or the factory's */

public struct TPM2IdentityRequest: WireStructure, Equatable, Sendable {
    public static var wireName: String { "LoBot TPM 2.0 identity request" }
    public static let magic: [UInt8] = Array("LB2I".utf8)
    public static let version: UInt8 = 1
    public static let maximumCertificate = 4096

    public var label: [UInt8]
    public var endorsementKey: TPM2BPublic
    public var attestationKey: TPM2BPublic
    public var endorsementCertificate: [UInt8]

    public init(label: [UInt8], endorsementKey: TPMTPublic, attestationKey: TPMTPublic, endorsementCertificate: [UInt8]) {
        self.label = label
        self.endorsementKey = TPM2BPublic(endorsementKey)
        self.attestationKey = TPM2BPublic(attestationKey)
        self.endorsementCertificate = endorsementCertificate
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expect(Self.magic, field: "magic")
        try reader.expect([Self.version], field: "version")
        let labelAt = reader.offset
        label = try reader.readSized(lengthWidth: 1, maximum: PartyName.maximumBytes, field: "labelSize")
        guard !label.isEmpty else { throw reader.failure(.inconsistent("empty label"), at: labelAt) }
        endorsementKey = try TPM2BPublic.parse(from: &reader)
        attestationKey = try TPM2BPublic.parse(from: &reader)
        let certificateAt = reader.offset
        endorsementCertificate = try reader.readSized(lengthWidth: 2, maximum: Self.maximumCertificate, field: "certificateSize")
        guard !endorsementCertificate.isEmpty else { throw reader.failure(.inconsistent("no EK certificate"), at: certificateAt) }
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(Self.magic)
        writer.write(Self.version)
        writer.writeSized(label, lengthWidth: 1)
        endorsementKey.serialize(into: &writer)
        attestationKey.serialize(into: &writer)
        writer.writeSized(endorsementCertificate, lengthWidth: 2)
    }
}
