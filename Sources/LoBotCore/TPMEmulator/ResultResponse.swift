// The response that is only a result word: the answer to INIT, SHUTDOWN, STOP, SET_LOCALITY,
// RESET_TPMESTABLISHED, CANCEL_TPM_CMD, STORE_VOLATILE, SET_STATEBLOB, SET_DATAFD, the HASH_*
// commands, and swtpm's answer to any request it refuses (whatever its command: a client that
// expects a longer response then waits for bytes that never come).
//
//   ptm_res tpm_result;    /* big-endian UINT32 */

public struct ResultResponse: WireStructure, Equatable, Sendable {
    public static var wireName: String { "ptm_res" }

    public var result: ControlResult

    public init(_ result: ControlResult) { self.result = result }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        result = ControlResult(rawValue: try reader.readUInt32())
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(result.rawValue)
    }
}
