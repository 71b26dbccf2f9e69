// TPM2_PCR_Extend (TPM 2.0 Part 3, 22.2): extends one PCR in each bank named, with that bank's
// digest: PCR[bank] = H_bank(PCR[bank] || digest). How LoBot measures into a guest's TPM 2.0, a
// digest for every allocated bank.
//
//   TPMI_ST_COMMAND_TAG tag = TPM_ST_SESSIONS (0x8002);  UINT32 commandSize;
//   TPM_CC commandCode = TPM_CC_PCR_Extend (0x00000182);
//   TPMI_DH_PCR pcrHandle;             /* UINT32: the PCR's number */
//   (authorisation area: TPM2PasswordAuthorization, the PCR's empty authValue)
//   TPML_DIGEST_VALUES digests;
//
// Response: TPM2PCRExtendResponse.
import LoBotCore

public struct TPM2PCRExtendCommand: TPMCommand, Equatable, Sendable {
    public typealias Response = TPM2PCRExtendResponse
    public static var wireName: String { "TPM2_PCR_Extend" }
    public static var commandName: String { "TPM2_PCR_Extend" }
    public static let commandCode: UInt32 = 0x0000_0182

    public var pcrHandle: UInt32
    public var authorization: TPM2PasswordAuthorization
    public var digests: TPMLDigestValues

    public init(pcrHandle: UInt32, digests: TPMLDigestValues, authorization: TPM2PasswordAuthorization = .init()) {
        self.pcrHandle = pcrHandle
        self.authorization = authorization
        self.digests = digests
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let start = try TPMFrame.read(&reader, tag: TPMTag.tpm2Sessions, code: Self.commandCode, codeField: "commandCode")
        pcrHandle = try reader.readUInt32()
        authorization = try TPM2PasswordAuthorization.parse(from: &reader)
        digests = try TPMLDigestValues.parse(from: &reader)
        try TPMFrame.finish(reader, start)
    }

    public func serialize(into writer: inout ByteWriter) {
        TPMFrame.write(tag: TPMTag.tpm2Sessions, code: Self.commandCode, into: &writer) {
            $0.write(pcrHandle)
            authorization.serialize(into: &$0)
            digests.serialize(into: &$0)
        }
    }
}
