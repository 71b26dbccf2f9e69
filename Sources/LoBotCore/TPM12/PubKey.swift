// TPM_PUBKEY (Part 2, 5.5) and TPM_STORE_PUBKEY (5.4): a public key as the TPM exports it.
//
//   typedef struct tdTPM_STORE_PUBKEY {
//       UINT32 keyLength;
//       [size_is(keyLength)] BYTE key[];   /* the RSA modulus, big-endian */
//   } TPM_STORE_PUBKEY;
//
//   typedef struct tdTPM_PUBKEY {
//       TPM_KEY_PARMS algorithmParms;
//       TPM_STORE_PUBKEY pubKey;
//   } TPM_PUBKEY;

public struct PubKey: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM_PUBKEY" }
    public var algorithmParms: KeyParms
    /// TPM_STORE_PUBKEY.key: the modulus.
    public var modulus: [UInt8]

    public init(algorithmParms: KeyParms, modulus: [UInt8]) {
        self.algorithmParms = algorithmParms
        self.modulus = modulus
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        algorithmParms = try KeyParms.parse(from: &reader)
        modulus = try reader.readSized(lengthWidth: 4, maximum: TPMLimits.maxModulusBytes, field: "keyLength")
    }

    public func serialize(into writer: inout ByteWriter) {
        algorithmParms.serialize(into: &writer)
        writer.writeSized(modulus, lengthWidth: 4)
    }

    /// The key as an OpenSSL public key (RSA only).
    public func rsaPublicKey() throws(LoBotError) -> RSAPublicKey {
        let parms = try algorithmParms.rsaParms()
        // A leading zero byte would make the key shorter than keyLength says (OpenSSL drops it).
        guard modulus.first != 0 else { throw .invalidArgument("TPM_PUBKEY modulus starts with a zero byte") }
        guard parms.keyLength == UInt32(modulus.count * 8) else {
            throw .invalidArgument("TPM_PUBKEY says \(parms.keyLength) bits but holds a \(modulus.count * 8)-bit modulus")
        }
        return try RSAPublicKey(modulus: modulus, exponent: parms.effectiveExponent)
    }

    /// TPM_PUBKEY of an RSA-2048 key with the given schemes.
    public static func rsa(_ key: RSAPublicKey, encScheme: EncryptionScheme, sigScheme: SignatureScheme) -> PubKey {
        let exponent = key.exponent
        let parms = RSAKeyParms(
            keyLength: UInt32(key.sizeInBytes * 8), exponent: exponent == [0x01, 0x00, 0x01] ? [] : exponent)
        return PubKey(
            algorithmParms: KeyParms(algorithmID: .rsa, encScheme: encScheme, sigScheme: sigScheme, parms: parms.bytes),
            modulus: key.modulus)
    }
}

extension PubKey {
    /// A key the protocol carries in a UINT16-sized field (at most 1024 bytes), where an empty
    /// field means no key: the open body's source signing key, the journal's peer keys.
    public static func parseSized(from reader: inout ByteReader, field: String) throws(LoBotError) -> PubKey? {
        let bytes = try reader.readSized(lengthWidth: 2, maximum: 1024, field: field)
        return bytes.isEmpty ? nil : try PubKey(bytes: bytes)
    }

    public static func serializeSized(_ key: PubKey?, into writer: inout ByteWriter) {
        writer.writeSized(key?.bytes ?? [], lengthWidth: 2)
    }
}
