// TPM_PCR_COMPOSITE (Part 2, 8.2): the selected PCR values; its SHA-1 is the TPM_COMPOSITE_HASH
// a quote signs and a seal is bound to.
//
//   typedef struct tdTPM_PCR_COMPOSITE {
//       TPM_PCR_SELECTION select;
//       UINT32 valueSize;
//       [size_is(valueSize)] TPM_PCRVALUE pcrValue[];
//   } TPM_PCR_COMPOSITE;
//
// valueSize must be 20 times the number of selected PCRs.

public struct PCRComposite: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM_PCR_COMPOSITE" }
    public var selection: PCRSelection
    public var values: [SHA1Digest]

    public init(selection: PCRSelection, values: [SHA1Digest]) throws(LoBotError) {
        guard values.count == selection.indices.count else {
            throw .invalidArgument("PCR composite has \(values.count) values for \(selection.indices.count) selected PCRs")
        }
        self.selection = selection
        self.values = values
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        selection = try PCRSelection.parse(from: &reader)
        let expected = selection.indices.count * 20
        let at = reader.offset
        let size = try reader.readUInt32()
        guard size == UInt32(expected) else {
            throw reader.failure(.inconsistent("valueSize \(size) but \(selection.indices.count) PCRs selected"), at: at)
        }
        values = []
        for _ in 0..<selection.indices.count { values.append(try SHA1Digest(parsing: &reader)) }
    }

    public func serialize(into writer: inout ByteWriter) {
        selection.serialize(into: &writer)
        writer.write(UInt32(values.count * 20))
        for value in values { value.serialize(into: &writer) }
    }

    /// TPM_COMPOSITE_HASH: SHA-1 of the serialized composite.
    public func compositeHash() throws(LoBotError) -> SHA1Digest { try SHA1Digest.of(bytes) }

    /// The value of PCR `index`, if selected.
    public func value(of index: Int) -> SHA1Digest? {
        guard let position = selection.indices.firstIndex(of: index) else { return nil }
        return values[position]
    }
}
