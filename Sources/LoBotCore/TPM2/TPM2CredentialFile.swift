// The credential file of tpm2-tools (`tpm2_makecredential -o`, read by `tpm2_activatecredential
// -i`): TPM2_MakeCredential's two outputs behind a header of tpm2-tools' own (lib/files.c,
// files_save_credential / files_load_credential in tpm2-tools 5.x). Big-endian throughout.
//
//   UINT32 magic;                      /* 0xBADCC0DE */
//   UINT32 version;                    /* 1 */
//   TPM2B_ID_OBJECT credentialBlob;    /* integrityHMAC and encIdentity */
//   TPM2B_ENCRYPTED_SECRET secret;     /* the seed, encrypted to the EK (RSA-OAEP, label "IDENTITY") */

public struct TPM2CredentialFile: WireStructure, Equatable, Sendable {
    public static var wireName: String { "tpm2-tools credential file" }
    public static let magic: UInt32 = 0xBADC_C0DE
    public static let version: UInt32 = 1

    public var credentialBlob: TPM2BIDObject
    public var secret: TPM2BEncryptedSecret

    public init(credentialBlob: TPM2BIDObject, secret: [UInt8]) {
        self.credentialBlob = credentialBlob
        self.secret = TPM2BEncryptedSecret(secret)
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expectUInt32(Self.magic, field: "magic")
        try reader.expectUInt32(Self.version, field: "version")
        credentialBlob = try TPM2BIDObject.parse(from: &reader)
        secret = try TPM2BEncryptedSecret.parse(from: &reader)
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(Self.magic)
        writer.write(Self.version)
        credentialBlob.serialize(into: &writer)
        secret.serialize(into: &writer)
    }
}
