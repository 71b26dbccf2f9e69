// TPM_BOUND_DATA (Part 2, 9.5): the plaintext of TPM bind encryption. Tspi_Data_Bind wraps data
// in it before RSA-OAEP ("TCPA" label) to a bind key; TPM_UnBind checks it and returns the data.
//
//   typedef struct tdTPM_BOUND_DATA {
//       TPM_STRUCT_VER ver;          /* 1.1.0.0 */
//       TPM_PAYLOAD_TYPE payload;    /* TPM_PT_BIND = 0x02 */
//       BYTE* payloadData;           /* to the end */
//   } TPM_BOUND_DATA;

public struct BoundData: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM_BOUND_DATA" }
    public var payloadData: [UInt8]

    public init(payloadData: [UInt8]) { self.payloadData = payloadData }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        _ = try StructVersion.parse(from: &reader)
        let at = reader.offset
        let payload = try reader.readUInt8()
        guard payload == PayloadType.bind.rawValue else {
            throw reader.failure(.unexpectedValue(field: "payload", value: UInt64(payload)), at: at)
        }
        payloadData = try reader.readBytes(reader.remaining)
    }

    public func serialize(into writer: inout ByteWriter) {
        StructVersion.v1_1.serialize(into: &writer)
        writer.write(PayloadType.bind.rawValue)
        writer.write(payloadData)
    }

    /// Largest payload that fits one RSA-OAEP block of a key of `modulusBytes` (SHA-1 OAEP
    /// overhead 42 bytes, TPM_BOUND_DATA header 5).
    public static func maximumPayload(modulusBytes: Int) -> Int { modulusBytes - 42 - 5 }

    /// Encrypts `data` to `key` exactly as Tspi_Data_Bind does, so a TPM can unbind it.
    public static func bind(_ data: [UInt8], to key: RSAPublicKey) throws(LoBotError) -> [UInt8] {
        guard data.count <= maximumPayload(modulusBytes: key.sizeInBytes) else {
            throw .invalidArgument("bind payload of \(data.count) bytes exceeds \(maximumPayload(modulusBytes: key.sizeInBytes))")
        }
        var plain = BoundData(payloadData: data).bytes
        defer { wipe(&plain) }
        return try key.encryptOAEP(plain, label: tcpaOAEPLabel)
    }

    /// Decrypts a bound blob with the private key (the vTPM's own unbind).
    public static func unbind(_ blob: [UInt8], with key: RSAPrivateKey) throws(LoBotError) -> [UInt8] {
        var plain = try key.decryptOAEP(blob, label: tcpaOAEPLabel, what: "bound data")
        defer { wipe(&plain) }
        return try BoundData(bytes: plain).payloadData
    }
}
