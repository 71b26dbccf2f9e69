// TPM_RSA_KEY_PARMS (Part 2, 5.10): the RSA part of TPM_KEY_PARMS.parms.
//
//   typedef struct tdTPM_RSA_KEY_PARMS {
//       UINT32 keyLength;      /* bits */
//       UINT32 numPrimes;      /* 2 */
//       UINT32 exponentSize;   /* 0 means the default exponent 65537 */
//       BYTE exponent[exponentSize];
//   } TPM_RSA_KEY_PARMS;

public struct RSAKeyParms: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM_RSA_KEY_PARMS" }
    public var keyLength: UInt32
    public var numPrimes: UInt32
    /// Empty for the default exponent.
    public var exponent: [UInt8]

    public init(keyLength: UInt32 = 2048, numPrimes: UInt32 = 2, exponent: [UInt8] = []) {
        self.keyLength = keyLength
        self.numPrimes = numPrimes
        self.exponent = exponent
    }

    /// The exponent a key with these parameters uses.
    public var effectiveExponent: [UInt8] { exponent.isEmpty ? [0x01, 0x00, 0x01] : exponent }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        keyLength = try reader.readUInt32()
        numPrimes = try reader.readUInt32()
        exponent = try reader.readSized(lengthWidth: 4, maximum: 8, field: "exponentSize")
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(keyLength)
        writer.write(numPrimes)
        writer.writeSized(exponent, lengthWidth: 4)
    }
}
