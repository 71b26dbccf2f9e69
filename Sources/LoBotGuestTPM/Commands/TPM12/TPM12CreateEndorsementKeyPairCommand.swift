// TPM_CreateEndorsementKeyPair (TPM 1.2 Part 3, 14.1): makes the TPM's endorsement key, once.
// LoBot sends it when it manufactures a guest's TPM 1.2 (as swtpm_setup does), asking for the EK
// every TPM 1.2 client expects: RSA-2048, OAEP with SHA-1, no signature scheme, 65537.
//
//   UINT16 tag = TPM_TAG_RQU_COMMAND (0x00C1);  UINT32 paramSize = 54 (with RSA-2048 parameters);
//   TPM_COMMAND_CODE ordinal = TPM_ORD_CreateEndorsementKeyPair (0x00000078);
//   TPM_NONCE antiReplay;              /* 20 bytes, fresh */
//   TPM_KEY_PARMS keyInfo;
//
// Response: TPM12CreateEndorsementKeyPairResponse.
import LoBotCore

public struct TPM12CreateEndorsementKeyPairCommand: TPMCommand, Equatable, Sendable {
    public typealias Response = TPM12CreateEndorsementKeyPairResponse
    public static var wireName: String { "TPM_CreateEndorsementKeyPair" }
    public static var commandName: String { "TPM_CreateEndorsementKeyPair" }
    public static let ordinal: UInt32 = 0x0000_0078

    public var antiReplay: TPMNonce
    public var keyInfo: KeyParms

    /// The EK's parameters: RSA-2048, TPM_ES_RSAESOAEP_SHA1_MGF1, TPM_SS_NONE, default exponent.
    public static var endorsementKeyParms: KeyParms { .rsa2048(encScheme: .rsaOAEPSHA1, sigScheme: .none) }

    public init(antiReplay: TPMNonce, keyInfo: KeyParms = Self.endorsementKeyParms) {
        self.antiReplay = antiReplay
        self.keyInfo = keyInfo
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let start = try TPMFrame.read(&reader, tag: TPMTag.tpm12Command, code: Self.ordinal, codeField: "ordinal")
        antiReplay = try TPMNonce.parse(from: &reader)
        keyInfo = try KeyParms.parse(from: &reader)
        try TPMFrame.finish(reader, start)
    }

    public func serialize(into writer: inout ByteWriter) {
        TPMFrame.write(tag: TPMTag.tpm12Command, code: Self.ordinal, into: &writer) {
            antiReplay.serialize(into: &$0)
            keyInfo.serialize(into: &$0)
        }
    }
}
