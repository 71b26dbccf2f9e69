// TPML_DIGEST_VALUES (TPM 2.0 Part 2, 10.9.6): one tagged digest per bank, as TPM2_PCR_Extend
// takes them.
//
//   UINT32 count;                      /* at most HASH_COUNT */
//   TPMT_HA digests[count];
import LoBotCore

public struct TPMLDigestValues: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPML_DIGEST_VALUES" }
    /// More digests than any TPM implements hashes is refused before allocating.
    public static let maximumCount = 16

    public var digests: [TPMTHA]

    public init(_ digests: [TPMTHA]) { self.digests = digests }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let count = try reader.readCount(lengthWidth: 4, maximum: Self.maximumCount, field: "count")
        digests = []
        for _ in 0..<count { digests.append(try TPMTHA.parse(from: &reader)) }
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(UInt32(digests.count))
        for digest in digests { digest.serialize(into: &writer) }
    }
}
