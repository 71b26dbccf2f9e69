// TPMS_PCR_SELECTION (TPM 2.0 Part 2, 10.6.2): which PCRs of one bank.
//
//   TPMI_ALG_HASH hash;                /* UINT16 TPM_ALG_ID of the bank */
//   UINT8 sizeofSelect;                /* 3 for 24 PCRs */
//   BYTE pcrSelect[sizeofSelect];      /* bit n of byte n / 8: PCR n */
//
// The algorithm is kept as its raw TPM_ALG_ID: a TPM reports every bank it implements, and one
// LoBot has no hash for must not make the report unreadable.

public struct TPMSPCRSelection: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPMS_PCR_SELECTION" }
    /// More select bytes than 64 PCRs need is refused before allocating (TPM 2.0 has 24).
    public static let maximumSelectBytes = 8
    /// PCR_SELECT_MIN for 24 PCRs, what LoBot writes.
    public static let selectBytes = 3

    public var hash: UInt16
    public var pcrSelect: [UInt8]

    public init(hash: UInt16, pcrSelect: [UInt8]) {
        self.hash = hash
        self.pcrSelect = pcrSelect
    }

    /// A selection of `pcrs` (each below 8 × selectBytes; others are left out) in the bank `hash`.
    public init(hash: UInt16, pcrs: [Int]) {
        var select = [UInt8](repeating: 0, count: Self.selectBytes)
        for pcr in pcrs where pcr >= 0 && pcr < 8 * Self.selectBytes { select[pcr / 8] |= UInt8(1) << UInt8(pcr % 8) }
        self.init(hash: hash, pcrSelect: select)
    }

    /// A selection of `pcrs` in the bank of `algorithm`.
    public init(_ algorithm: DigestAlgorithm, pcrs: [Int]) {
        self.init(hash: algorithm.tpmAlgorithmID, pcrs: pcrs)
    }

    /// The bank's algorithm, if LoBot knows it.
    public var algorithm: DigestAlgorithm? { DigestAlgorithm(tpmAlgorithmID: hash) }

    /// The selected PCRs, ascending.
    public var pcrs: [Int] {
        var selected: [Int] = []
        for (index, byte) in pcrSelect.enumerated() {
            for bit in 0..<8 where byte & (UInt8(1) << UInt8(bit)) != 0 { selected.append(index * 8 + bit) }
        }
        return selected
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        hash = try reader.readUInt16()
        pcrSelect = try reader.readSized(lengthWidth: 1, maximum: Self.maximumSelectBytes, field: "sizeofSelect")
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(hash)
        writer.writeSized(pcrSelect, lengthWidth: 1)
    }
}
