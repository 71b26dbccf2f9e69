// TPMS_ECC_POINT (Part 2, 11.2.5.2): an ECC public key, the `unique` field of an ECC key's
// public area.
//
//   TPM2B_ECC_PARAMETER x;             /* UINT16 size; BYTE buffer[size], big-endian */
//   TPM2B_ECC_PARAMETER y;

public struct TPMSECCPoint: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPMS_ECC_POINT" }

    public var x: TPM2BECCParameter
    public var y: TPM2BECCParameter

    public init(x: [UInt8], y: [UInt8]) {
        self.x = TPM2BECCParameter(x)
        self.y = TPM2BECCParameter(y)
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        x = try TPM2BECCParameter.parse(from: &reader)
        y = try TPM2BECCParameter.parse(from: &reader)
    }

    public func serialize(into writer: inout ByteWriter) {
        x.serialize(into: &writer)
        y.serialize(into: &writer)
    }
}
