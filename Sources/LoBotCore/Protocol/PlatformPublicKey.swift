// A platform TPM's key as LoBot's protocol carries it, of either TPM family: the one type the
// messages, journals and the factory's key database use for a platform's AIK/AK, bind key and
// signing key, so that a TPM 1.2 and a TPM 2.0 platform can be each other's peers. The family
// decides the bind format: what is bound to a TPM 1.2 bind key is a TPM_BOUND_DATA under
// RSA-OAEP-SHA1 with the label "TCPA" (Tspi_Data_Bind, opened by TPM_UnBind); what is bound to a
// TPM 2.0 bind key is the secret itself under RSA-OAEP-SHA256 with the label "LOBOT BIND\0"
// (opened by TPM2_RSA_Decrypt with that label; the bind key's scheme is OAEP-SHA256).
//
//   platform public key:  TPM_PUBKEY (TPM 1.2; starts 00 00 00 01: TPM_KEY_PARMS.algorithmID = TPM_ALG_RSA)
//                       | TPM2B_PUBLIC (TPM 2.0; starts with its UINT16 size, never 0)
//
// A key of a TPM 2.0 is kept as TPM2B_PUBLIC, as tpm2-tools writes it, so both forms describe
// themselves: no tag byte, and a TPM 1.2 key's bytes are what they were before TPM 2.0 arrived.

public enum PlatformPublicKey: WireStructure, Equatable, Sendable {
    case tpm12(PubKey)
    case tpm20(TPMTPublic)

    public static var wireName: String { "platform public key" }
    static let tpm12Prefix: [UInt8] = [0, 0, 0, 1]
    /// The OAEP label of a secret bound to a TPM 2.0 bind key (the TPM adds no terminator to a
    /// label that has one).
    public static let tpm2BindLabel: [UInt8] = Array("LOBOT BIND\0".utf8)

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        if try reader.startsWith(Self.tpm12Prefix) {
            self = .tpm12(try PubKey.parse(from: &reader))
        } else {
            self = .tpm20(try TPM2BPublic.parse(from: &reader).publicArea)
        }
    }

    public func serialize(into writer: inout ByteWriter) {
        switch self {
        case .tpm12(let key): key.serialize(into: &writer)
        case .tpm20(let key): TPM2BPublic(key).serialize(into: &writer)
        }
    }

    /// A key in a sized field (UINT16 size; bytes); none when the field is empty.
    public static func parseSized(from reader: inout ByteReader, field: String) throws(LoBotError) -> PlatformPublicKey? {
        let bytes = try reader.readSized(lengthWidth: 2, maximum: 1024, field: field)
        return bytes.isEmpty ? nil : try PlatformPublicKey(bytes: bytes)
    }

    public static func serializeSized(_ key: PlatformPublicKey?, into writer: inout ByteWriter) {
        writer.writeSized(key?.bytes ?? [], lengthWidth: 2)
    }

    public var family: TPMFamily {
        switch self {
        case .tpm12: return .tpm12
        case .tpm20: return .tpm2
        }
    }

    public func rsaPublicKey() throws(LoBotError) -> RSAPublicKey {
        switch self {
        case .tpm12(let key): return try key.rsaPublicKey()
        case .tpm20(let key): return try key.rsaPublicKey()
        }
    }

    /// The modulus, which the factory's key database keys on.
    public var modulus: [UInt8] {
        get throws(LoBotError) { try rsaPublicKey().modulus }
    }

    /// `secret` bound to this key (a bind key), so that only its TPM can open it.
    public func bind(_ secret: [UInt8]) throws(LoBotError) -> [UInt8] {
        switch self {
        case .tpm12(let key): return try BoundData.bind(secret, to: try key.rsaPublicKey())
        case .tpm20(let key): return try key.rsaPublicKey().encryptOAEP(secret, label: Self.tpm2BindLabel, hash: .sha256)
        }
    }
}
