// TPM_KEY12 (Part 2, 10.3) and TPM_KEY (10.2): a TPM-wrapped key blob, as TrouSerS stores keys
// (the AIK, the bind key). LoBot reads the public half and PCR binding; encData is the TPM's
// and stays opaque.
//
//   typedef struct tdTPM_KEY12 {                typedef struct tdTPM_KEY {
//       TPM_STRUCTURE_TAG tag;  /* 0x0028 */        TPM_STRUCT_VER ver;     /* 1.1.0.0 */
//       UINT16 fill;            /* 0 */
//       TPM_KEY_USAGE keyUsage;                     TPM_KEY_USAGE keyUsage;
//       TPM_KEY_FLAGS keyFlags;                     TPM_KEY_FLAGS keyFlags;
//       TPM_AUTH_DATA_USAGE authDataUsage;          TPM_AUTH_DATA_USAGE authDataUsage;
//       TPM_KEY_PARMS algorithmParms;               TPM_KEY_PARMS algorithmParms;
//       UINT32 PCRInfoSize;                         UINT32 PCRInfoSize;
//       BYTE* PCRInfo;          /* PCR_INFO_LONG */ BYTE* PCRInfo;          /* TPM_PCR_INFO */
//       TPM_STORE_PUBKEY pubKey;                    TPM_STORE_PUBKEY pubKey;
//       UINT32 encSize;                             UINT32 encSize;
//       BYTE* encData;                              BYTE* encData;
//   } TPM_KEY12;                                } TPM_KEY;
//
// Both forms are accepted; `is12` remembers which was read so it serializes back the same.

public struct KeyBlob: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM_KEY12" }
    public var is12: Bool
    public var keyUsage: KeyUsage
    public var keyFlags: UInt32
    public var authDataUsage: UInt8
    public var algorithmParms: KeyParms
    public var pcrInfo: [UInt8]
    public var modulus: [UInt8]
    public var encData: [UInt8]

    public init(
        is12: Bool, keyUsage: KeyUsage, keyFlags: UInt32, authDataUsage: UInt8, algorithmParms: KeyParms,
        pcrInfo: [UInt8], modulus: [UInt8], encData: [UInt8]
    ) {
        self.is12 = is12
        self.keyUsage = keyUsage
        self.keyFlags = keyFlags
        self.authDataUsage = authDataUsage
        self.algorithmParms = algorithmParms
        self.pcrInfo = pcrInfo
        self.modulus = modulus
        self.encData = encData
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let at = reader.offset
        let first = try reader.readUInt16()
        let second = try reader.readUInt16()
        if first == StructureTag.key12.rawValue {
            guard second == 0 else { throw reader.failure(.unexpectedValue(field: "fill", value: UInt64(second)), at: at + 2) }
            is12 = true
        } else if first == 0x0101 && second == 0x0000 {
            is12 = false
        } else {
            throw reader.failure(.unexpectedValue(field: "tag/ver", value: UInt64(first)), at: at)
        }
        keyUsage = KeyUsage(rawValue: try reader.readUInt16())
        keyFlags = try reader.readUInt32()
        authDataUsage = try Self.readAuthDataUsage(&reader)
        algorithmParms = try KeyParms.parse(from: &reader)
        pcrInfo = try reader.readSized(lengthWidth: 4, maximum: 256, field: "PCRInfoSize")
        modulus = try reader.readSized(lengthWidth: 4, maximum: TPMLimits.maxModulusBytes, field: "keyLength")
        encData = try reader.readSized(lengthWidth: 4, maximum: TPMLimits.maxBlobBytes, field: "encSize")
    }

    /// TPM_AUTH_DATA_USAGE (Part 2, 5.9): TPM_AUTH_NEVER, TPM_AUTH_ALWAYS or TPM_AUTH_PRIV_USE_ONLY.
    /// Anything else is refused here: a TPM that gets one answers with TPM_AUTHFAIL, and a few of
    /// those put it into its dictionary-attack lockout (the tamper matrix saw it).
    static func readAuthDataUsage(_ reader: inout ByteReader) throws(LoBotError) -> UInt8 {
        let at = reader.offset
        let value = try reader.readUInt8()
        guard [Self.authNever, Self.authAlways, Self.authPrivUseOnly].contains(value) else {
            throw reader.failure(.unexpectedValue(field: "authDataUsage", value: UInt64(value)), at: at)
        }
        return value
    }

    public static let authNever: UInt8 = 0x00
    public static let authAlways: UInt8 = 0x01
    public static let authPrivUseOnly: UInt8 = 0x11

    public func serialize(into writer: inout ByteWriter) {
        if is12 {
            writer.write(StructureTag.key12.rawValue)
            writer.write(UInt16(0))
        } else {
            StructVersion.v1_1.serialize(into: &writer)
        }
        writer.write(keyUsage.rawValue)
        writer.write(keyFlags)
        writer.write(authDataUsage)
        algorithmParms.serialize(into: &writer)
        writer.writeSized(pcrInfo, lengthWidth: 4)
        writer.writeSized(modulus, lengthWidth: 4)
        writer.writeSized(encData, lengthWidth: 4)
    }

    /// The public half as TPM_PUBKEY.
    public var publicKey: PubKey { PubKey(algorithmParms: algorithmParms, modulus: modulus) }
}
