// TPML_DIGEST (TPM 2.0 Part 2, 10.9.2): a list of sized digests, as TPM2_PCR_Read returns PCR
// values (in the order of the selection it returns with them).
//
//   UINT32 count;                      /* at most 8 */
//   TPM2B_DIGEST digests[count];       /* each: UINT16 size; BYTE buffer[size] */

public struct TPMLDigest: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPML_DIGEST" }
    /// TPM2_PCR_Read returns at most eight digests (Part 3, 22.4).
    public static let maximumCount = 8
    /// sizeof(TPMU_HA): the largest digest (SHA-512).
    public static let maximumDigestBytes = 64

    public var digests: [[UInt8]]

    public init(_ digests: [[UInt8]]) { self.digests = digests }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let count = try reader.readCount(lengthWidth: 4, maximum: Self.maximumCount, field: "count")
        digests = []
        for _ in 0..<count {
            digests.append(try reader.readSized(lengthWidth: 2, maximum: Self.maximumDigestBytes, field: "TPM2B_DIGEST.size"))
        }
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(UInt32(digests.count))
        for digest in digests { writer.writeSized(digest, lengthWidth: 2) }
    }
}
