// TPMS_CLOCK_INFO (Part 2, 10.11.1): the TPM's clock in a TPMS_ATTEST; a verifier sees from
// resetCount and restartCount whether the TPM was reset between two quotes.
//
//   UINT64 clock;                      /* milliseconds the TPM has been powered */
//   UINT32 resetCount;                 /* TPM Reset events (TPM2_Startup(CLEAR) after a reset) */
//   UINT32 restartCount;               /* TPM Restart / Resume events since the last reset */
//   TPMI_YES_NO safe;                  /* BYTE: 1 if the clock has not been set back */

public struct TPMSClockInfo: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPMS_CLOCK_INFO" }

    public var clock: UInt64
    public var resetCount: UInt32
    public var restartCount: UInt32
    public var safe: Bool

    public init(clock: UInt64, resetCount: UInt32, restartCount: UInt32, safe: Bool) {
        self.clock = clock
        self.resetCount = resetCount
        self.restartCount = restartCount
        self.safe = safe
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        clock = try reader.readUInt64()
        resetCount = try reader.readUInt32()
        restartCount = try reader.readUInt32()
        let at = reader.offset
        let byte = try reader.readUInt8()
        guard byte <= 1 else { throw reader.failure(.unexpectedValue(field: "safe", value: UInt64(byte)), at: at) }
        safe = byte == 1
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(clock)
        writer.write(resetCount)
        writer.write(restartCount)
        writer.write(UInt8(safe ? 1 : 0))
    }
}
