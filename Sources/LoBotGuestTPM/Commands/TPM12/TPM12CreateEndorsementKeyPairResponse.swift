// The successful response to TPM_CreateEndorsementKeyPair (TPM 1.2 Part 3, 14.1): the EK's public
// part and a checksum that binds it to the command's nonce.
//
//   UINT16 tag = TPM_TAG_RSP_COMMAND (0x00C4);  UINT32 paramSize;  TPM_RESULT returnCode = 0;
//   TPM_PUBKEY pubEndorsementKey;
//   TPM_DIGEST checksum;               /* SHA-1(pubEndorsementKey || antiReplay) */
import LoBotCore

public struct TPM12CreateEndorsementKeyPairResponse: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM_CreateEndorsementKeyPair response" }

    public var pubEndorsementKey: PubKey
    public var checksum: SHA1Digest

    public init(pubEndorsementKey: PubKey, checksum: SHA1Digest) {
        self.pubEndorsementKey = pubEndorsementKey
        self.checksum = checksum
    }

    /// Whether the checksum is the one the TPM must compute for this nonce.
    public func checksumMatches(_ antiReplay: TPMNonce) throws(LoBotError) -> Bool {
        try Digest.sha1(pubEndorsementKey.bytes + antiReplay.value) == checksum.value
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let start = try TPMFrame.read(&reader, tag: TPMTag.tpm12Response, code: 0, codeField: "returnCode")
        pubEndorsementKey = try PubKey.parse(from: &reader)
        checksum = try SHA1Digest.parse(from: &reader)
        try TPMFrame.finish(reader, start)
    }

    public func serialize(into writer: inout ByteWriter) {
        TPMFrame.write(tag: TPMTag.tpm12Response, code: 0, into: &writer) {
            pubEndorsementKey.serialize(into: &$0)
            checksum.serialize(into: &$0)
        }
    }
}
