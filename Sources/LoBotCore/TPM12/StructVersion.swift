// TPM_STRUCT_VER (Part 2, 5.1): the version field of TPM 1.1-era structures.
//
//   typedef struct tdTPM_STRUCT_VER {
//       BYTE major;      /* 0x01 */
//       BYTE minor;      /* 0x01 */
//       BYTE revMajor;   /* 0x00 */
//       BYTE revMinor;   /* 0x00 */
//   } TPM_STRUCT_VER;
//
// TPM 1.2 requires 1.1.0.0 in TPM_QUOTE_INFO, TPM_CERTIFY_INFO and TPM_BOUND_DATA; other values
// are refused.

public struct StructVersion: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM_STRUCT_VER" }
    public static let v1_1 = StructVersion()

    public init() {}

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expect([1, 1, 0, 0], field: "TPM_STRUCT_VER")
    }

    public func serialize(into writer: inout ByteWriter) { writer.write([1, 1, 0, 0] as [UInt8]) }
}
