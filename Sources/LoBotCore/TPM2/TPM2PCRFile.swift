// The PCR file `tpm2_quote -o` writes (tpm2-tools 5.4, its default `-F serialized` form, read back
// by `tpm2_checkquote -f`): the quote's PCR selection and the PCR values, as tpm2-tools' C
// structures dumped with fwrite, so fixed-size, padded and little-endian (the x86/arm64 host's
// order). The factory reads it to check a quote's PCR digest against the values.
//
//   TPML_PCR_SELECTION (132 bytes):  UINT32 count (LE, at most 16);
//       16 x { UINT16 hash (LE);  UINT8 sizeofSelect (at most 4);  BYTE pcrSelect[4];  BYTE pad }
//   UINT32 count (LE): how many TPML_DIGESTs follow (tpm2-tools reads 8 PCRs per TPM2_PCR_Read)
//   count x TPML_DIGEST (532 bytes):  UINT32 count (LE, at most 8);
//       8 x { UINT16 size (LE, at most 64);  BYTE buffer[64] }
//
// Unused slots and the padding are written as zero and not checked when read.

public struct TPM2PCRFile: WireStructure, Equatable, Sendable {
    public static var wireName: String { "tpm2-tools PCR file" }
    static let selectionSlots = 16
    static let selectBytes = 4
    static let digestSlots = 8
    static let digestBytes = 64
    /// tpm2-tools' `tpm2_pcrs` holds at most this many TPML_DIGESTs (TPM2_MAX_PCRS).
    public static let maximumDigestLists = 32

    /// The selection the values were read for, bank by bank.
    public var selection: TPMLPCRSelection
    /// The PCR values in selection order (bank by bank, PCR ascending), as TPML_DIGESTs.
    public var values: [TPMLDigest]

    public init(selection: TPMLPCRSelection, values: [TPMLDigest]) {
        self.selection = selection
        self.values = values
    }

    /// The values in one list, in selection order.
    public var pcrValues: [[UInt8]] { values.flatMap { $0.digests } }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let countAt = reader.offset
        let count = Int(try reader.readUInt32LE())
        guard count <= Self.selectionSlots else {
            throw reader.failure(.lengthTooLarge(field: "TPML_PCR_SELECTION.count", value: UInt64(count), maximum: UInt64(Self.selectionSlots)), at: countAt)
        }
        var selections: [TPMSPCRSelection] = []
        for slot in 0..<Self.selectionSlots {
            let hash = try reader.readUInt16LE()
            let sizeAt = reader.offset
            let size = Int(try reader.readUInt8())
            guard slot >= count || size <= Self.selectBytes else {
                throw reader.failure(.lengthTooLarge(field: "sizeofSelect", value: UInt64(size), maximum: UInt64(Self.selectBytes)), at: sizeAt)
            }
            let select = try reader.readBytes(Self.selectBytes)
            _ = try reader.readUInt8()
            if slot < count { selections.append(TPMSPCRSelection(hash: hash, pcrSelect: Array(select.prefix(size)))) }
        }
        selection = TPMLPCRSelection(selections)
        let listsAt = reader.offset
        let lists = Int(try reader.readUInt32LE())
        guard lists <= Self.maximumDigestLists else {
            throw reader.failure(.lengthTooLarge(field: "count", value: UInt64(lists), maximum: UInt64(Self.maximumDigestLists)), at: listsAt)
        }
        values = []
        for _ in 0..<lists {
            let digestsAt = reader.offset
            let digests = Int(try reader.readUInt32LE())
            guard digests <= Self.digestSlots else {
                throw reader.failure(.lengthTooLarge(field: "TPML_DIGEST.count", value: UInt64(digests), maximum: UInt64(Self.digestSlots)), at: digestsAt)
            }
            var list: [[UInt8]] = []
            for slot in 0..<Self.digestSlots {
                let sizeAt = reader.offset
                let size = Int(try reader.readUInt16LE())
                guard slot >= digests || size <= Self.digestBytes else {
                    throw reader.failure(.lengthTooLarge(field: "TPM2B_DIGEST.size", value: UInt64(size), maximum: UInt64(Self.digestBytes)), at: sizeAt)
                }
                let buffer = try reader.readBytes(Self.digestBytes)
                if slot < digests { list.append(Array(buffer.prefix(size))) }
            }
            values.append(TPMLDigest(list))
        }
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.writeLE(UInt32(selection.pcrSelections.count))
        for slot in 0..<Self.selectionSlots {
            let entry = slot < selection.pcrSelections.count ? selection.pcrSelections[slot] : TPMSPCRSelection(hash: 0, pcrSelect: [])
            let select = Array(entry.pcrSelect.prefix(Self.selectBytes))
            writer.writeLE(entry.hash)
            writer.write(UInt8(select.count))
            writer.write(select + [UInt8](repeating: 0, count: Self.selectBytes + 1 - select.count))
        }
        writer.writeLE(UInt32(values.count))
        for list in values {
            writer.writeLE(UInt32(list.digests.count))
            for slot in 0..<Self.digestSlots {
                let digest = slot < list.digests.count ? Array(list.digests[slot].prefix(Self.digestBytes)) : []
                writer.writeLE(UInt16(digest.count))
                writer.write(digest + [UInt8](repeating: 0, count: Self.digestBytes - digest.count))
            }
        }
    }

    /// The same contents from the other form tpm2-tools writes, `tpm2_pcrread -F values` (the
    /// values concatenated, nothing else), read for `selection`: refused unless the bytes are
    /// exactly one digest per selected PCR.
    public init(values bytes: [UInt8], selection: TPMLPCRSelection) throws(LoBotError) {
        var reader = ByteReader(bytes, structure: "PCR values")
        var lists: [TPMLDigest] = []
        for bank in selection.pcrSelections {
            guard let algorithm = bank.algorithm else { throw .invalidArgument("PCR bank \(bank.hash) is not a hash LoBot has") }
            var list: [[UInt8]] = []
            for _ in bank.pcrs {
                if list.count == TPMLDigest.maximumCount { lists.append(TPMLDigest(list)); list = [] }
                list.append(try reader.readBytes(algorithm.length))
            }
            if !list.isEmpty { lists.append(TPMLDigest(list)) }
        }
        try reader.finish()
        self.init(selection: selection, values: lists)
    }
}
