// The public-key file of tpm-quote-tools (tpm_mkaik): Tspi_EncodeDER_TssBlob's DER wrapping of a
// TPM_PUBKEY,
//
//   TssBlob ::= SEQUENCE { structVersion INTEGER (1), blobType INTEGER (2 = public key),
//                          blobLength INTEGER, blob OCTET STRING }
//
// LoBot's patched libtspi writes minimal DER. Stock TrouSerS 0.3.15 pads the three INTEGERs to
// four bytes; that one known deviation is accepted on input (such files exist), nothing else.
// `AIKPublicKey.read` takes any of the three forms an AIK arrives in.

public enum TSSPublicKeyFile {
    public static func parse(_ bytes: [UInt8]) throws(LoBotError) -> PubKey {
        var reader = ByteReader(bytes, structure: "TSS DER public key")
        try reader.expect([0x30], field: "SEQUENCE")
        let length = try readLength(&reader)
        guard length == reader.remaining else { throw reader.failure(.inconsistent("SEQUENCE length \(length), \(reader.remaining) bytes follow")) }
        let version = try readInteger(&reader)
        let type = try readInteger(&reader)
        let blobLength = try readInteger(&reader)
        guard version == 1 else { throw reader.failure(.unexpectedValue(field: "structVersion", value: version)) }
        guard type == 2 else { throw reader.failure(.unexpectedValue(field: "blobType", value: type)) }
        try reader.expect([0x04], field: "OCTET STRING")
        let octets = try readLength(&reader)
        guard UInt64(octets) == blobLength, octets == reader.remaining else {
            throw reader.failure(.inconsistent("blobLength \(blobLength) does not match the OCTET STRING"))
        }
        return try PubKey(bytes: try reader.readBytes(octets))
    }

    /// DER length: short form, or long form with minimal octets.
    static func readLength(_ reader: inout ByteReader) throws(LoBotError) -> Int {
        let at = reader.offset
        let first = try reader.readUInt8()
        if first < 0x80 { return Int(first) }
        let count = Int(first & 0x7f)
        guard count >= 1, count <= 2 else { throw reader.failure(.unexpectedValue(field: "DER length", value: UInt64(first)), at: at) }
        var value = 0
        for _ in 0..<count { value = value << 8 | Int(try reader.readUInt8()) }
        guard value >= 0x80, count == 1 || value > 0xff else {
            throw reader.failure(.inconsistent("non-minimal DER length"), at: at)
        }
        return value
    }

    /// A small non-negative INTEGER: minimal, or zero-padded to four bytes (TrouSerS 0.3.15).
    static func readInteger(_ reader: inout ByteReader) throws(LoBotError) -> UInt64 {
        try reader.expect([0x02], field: "INTEGER")
        let at = reader.offset
        let length = try readLength(&reader)
        guard length >= 1, length <= 4 else { throw reader.failure(.unexpectedValue(field: "INTEGER length", value: UInt64(length)), at: at) }
        let content = try reader.readBytes(length)
        guard content[0] & 0x80 == 0 else { throw reader.failure(.inconsistent("negative INTEGER"), at: at) }
        let minimal = length == 1 || !(content[0] == 0 && content[1] & 0x80 == 0)
        guard minimal || length == 4 else { throw reader.failure(.inconsistent("non-minimal INTEGER"), at: at) }
        var value: UInt64 = 0
        for byte in content { value = value << 8 | UInt64(byte) }
        return value
    }
}

public enum AIKPublicKey {
    /// An AIK public key given as TPM_PUBKEY, as a TPM key blob (TPM_KEY/TPM_KEY12), or as a
    /// tpm-quote-tools DER file.
    public static func read(_ bytes: [UInt8]) throws(LoBotError) -> PubKey {
        if bytes.first == 0x30 { return try TSSPublicKeyFile.parse(bytes) }
        if bytes.count >= 4, (bytes[0] == 0x00 && bytes[1] == 0x28) || (bytes[0] == 0x01 && bytes[1] == 0x01) {
            return try KeyBlob(bytes: bytes).publicKey
        }
        return try PubKey(bytes: bytes)
    }
}
