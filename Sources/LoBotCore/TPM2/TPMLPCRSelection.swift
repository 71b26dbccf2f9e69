// TPML_PCR_SELECTION (TPM 2.0 Part 2, 10.9.7): a selection per bank.
//
//   UINT32 count;                      /* at most HASH_COUNT */
//   TPMS_PCR_SELECTION pcrSelections[count];

public struct TPMLPCRSelection: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPML_PCR_SELECTION" }
    /// More banks than any TPM implements hashes is refused before allocating.
    public static let maximumCount = 16

    public var pcrSelections: [TPMSPCRSelection]

    public init(_ pcrSelections: [TPMSPCRSelection]) { self.pcrSelections = pcrSelections }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let count = try reader.readCount(lengthWidth: 4, maximum: Self.maximumCount, field: "count")
        pcrSelections = []
        for _ in 0..<count { pcrSelections.append(try TPMSPCRSelection.parse(from: &reader)) }
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(UInt32(pcrSelections.count))
        for selection in pcrSelections { selection.serialize(into: &writer) }
    }
}
