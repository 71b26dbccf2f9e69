// TPMT_HA (TPM 2.0 Part 2, 10.3.2): a digest tagged with its algorithm, as TPM2_PCR_Extend takes
// one per bank.
//
//   TPMI_ALG_HASH hashAlg;             /* UINT16 TPM_ALG_ID */
//   BYTE digest[the algorithm's digest size];
import LoBotCore

public struct TPMTHA: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPMT_HA" }

    public var algorithm: DigestAlgorithm
    public var digest: [UInt8]

    /// nil unless `digest` has the algorithm's length.
    public init?(_ algorithm: DigestAlgorithm, _ digest: [UInt8]) {
        guard digest.count == algorithm.length else { return nil }
        self.algorithm = algorithm
        self.digest = digest
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let at = reader.offset
        let id = try reader.readUInt16()
        // The digest's size comes from the algorithm: one LoBot does not know cannot be read past.
        guard let algorithm = DigestAlgorithm(tpmAlgorithmID: id) else {
            throw reader.failure(.unexpectedValue(field: "hashAlg", value: UInt64(id)), at: at)
        }
        self.algorithm = algorithm
        digest = try reader.readBytes(algorithm.length)
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(algorithm.tpmAlgorithmID)
        writer.write(digest)
    }
}
