// TPM_CERTIFY_INFO (Part 2, 11.1): what TPM_CertifyKey signs with an AIK to vouch that a key
// (a platform's bind key) lives in this TPM with these properties.
//
//   typedef struct tdTPM_CERTIFY_INFO {
//       TPM_STRUCT_VER version;              /* 1.1.0.0 */
//       TPM_KEY_USAGE keyUsage;
//       TPM_KEY_FLAGS keyFlags;
//       TPM_AUTH_DATA_USAGE authDataUsage;
//       TPM_KEY_PARMS algorithmParms;
//       TPM_DIGEST pubkeyDigest;             /* SHA-1 of the certified key's TPM_STORE_PUBKEY */
//       TPM_NONCE data;                      /* the caller's anti-replay nonce */
//       TPM_BOOL parentPCRStatus;
//       UINT32 PCRInfoSize;
//       [size_is(PCRInfoSize)] BYTE* PCRInfo;
//   } TPM_CERTIFY_INFO;

public struct CertifyInfo: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM_CERTIFY_INFO" }
    public var keyUsage: KeyUsage
    public var keyFlags: UInt32
    public var authDataUsage: UInt8
    public var algorithmParms: KeyParms
    public var pubkeyDigest: SHA1Digest
    public var data: TPMNonce
    public var parentPCRStatus: UInt8
    public var pcrInfo: [UInt8]

    public init(
        keyUsage: KeyUsage, keyFlags: UInt32, authDataUsage: UInt8, algorithmParms: KeyParms,
        pubkeyDigest: SHA1Digest, data: TPMNonce, parentPCRStatus: UInt8, pcrInfo: [UInt8]
    ) {
        self.keyUsage = keyUsage
        self.keyFlags = keyFlags
        self.authDataUsage = authDataUsage
        self.algorithmParms = algorithmParms
        self.pubkeyDigest = pubkeyDigest
        self.data = data
        self.parentPCRStatus = parentPCRStatus
        self.pcrInfo = pcrInfo
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        _ = try StructVersion.parse(from: &reader)
        keyUsage = KeyUsage(rawValue: try reader.readUInt16())
        keyFlags = try reader.readUInt32()
        authDataUsage = try KeyBlob.readAuthDataUsage(&reader)
        algorithmParms = try KeyParms.parse(from: &reader)
        pubkeyDigest = try SHA1Digest(parsing: &reader)
        data = try TPMNonce(parsing: &reader)
        let at = reader.offset
        parentPCRStatus = try reader.readUInt8()
        guard parentPCRStatus <= 1 else {
            throw reader.failure(.unexpectedValue(field: "parentPCRStatus", value: UInt64(parentPCRStatus)), at: at)
        }
        pcrInfo = try reader.readSized(lengthWidth: 4, maximum: 256, field: "PCRInfoSize")
    }

    public func serialize(into writer: inout ByteWriter) {
        StructVersion.v1_1.serialize(into: &writer)
        writer.write(keyUsage.rawValue)
        writer.write(keyFlags)
        writer.write(authDataUsage)
        algorithmParms.serialize(into: &writer)
        pubkeyDigest.serialize(into: &writer)
        data.serialize(into: &writer)
        writer.write(parentPCRStatus)
        writer.writeSized(pcrInfo, lengthWidth: 4)
    }
}
