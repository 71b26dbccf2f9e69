// TPM_PCR_SELECTION (Part 2, 8.1): which PCRs a composite, quote or seal covers.
//
//   typedef struct tdTPM_PCR_SELECTION {
//       UINT16 sizeOfSelect;
//       [size_is(sizeOfSelect)] BYTE pcrSelect[];
//   } TPM_PCR_SELECTION;
//
// Bit n of byte n/8 (least significant bit first) selects PCR n. With 24 PCRs sizeOfSelect is at
// most 3; a larger size is refused before anything is allocated. A shorter mask (1 or 2 bytes)
// is kept as given so the structure round-trips.

public struct PCRSelection: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM_PCR_SELECTION" }
    public private(set) var mask: [UInt8]

    /// A selection of `indices` (each 0..<24) in a `byteCount`-byte mask (3 covers all 24 PCRs;
    /// TrouSerS sizes some masks to the highest PCR selected).
    public init(_ indices: [Int], byteCount: Int = TPMLimits.selectionBytes) throws(LoBotError) {
        guard byteCount >= 1, byteCount <= TPMLimits.selectionBytes else {
            throw .tpmRule("PCR selection of \(byteCount) bytes: at most \(TPMLimits.selectionBytes)")
        }
        var mask = [UInt8](repeating: 0, count: byteCount)
        for index in indices {
            guard index >= 0, index < min(TPMLimits.pcrCount, byteCount * 8) else {
                throw .tpmRule("PCR \(index) does not exist: PCRs are 0 to \(TPMLimits.pcrCount - 1)")
            }
            mask[index / 8] |= 1 << UInt8(index % 8)
        }
        self.mask = mask
    }

    public init(mask: [UInt8]) throws(LoBotError) {
        guard mask.count <= TPMLimits.selectionBytes else {
            throw .tpmRule("PCR selection of \(mask.count) bytes: at most \(TPMLimits.selectionBytes)")
        }
        self.mask = mask
    }

    /// Selected PCR indices in ascending order (the order of values in a composite).
    public var indices: [Int] {
        var out: [Int] = []
        for (byteIndex, byte) in mask.enumerated() {
            for bit in 0..<8 where byte & (1 << UInt8(bit)) != 0 { out.append(byteIndex * 8 + bit) }
        }
        return out
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        mask = try reader.readSized(lengthWidth: 2, maximum: TPMLimits.selectionBytes, field: "sizeOfSelect")
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.writeSized(mask, lengthWidth: 2)
    }
}
