// How many bytes the next request on the control channel needs, from the bytes read so far: the
// command word fixes the size of every request but two, SET_STATEBLOB and HASH_DATA, whose
// headers carry the length of what follows. A server reads the stream incrementally with it:
//
//   var request: [UInt8] = []
//   var need = try ControlFraming.requestLength(request)
//   while request.count < need {
//       request += read(need - request.count)        // never past this request
//       need = try ControlFraming.requestLength(request)
//   }
//   let parsed = try ControlRequest(bytes: request)
//
// It never asks for more than the request, so a server does not read into the next one (nor
// past the SCM_RIGHTS of a SET_DATAFD), and a length above the caps of TPMEmulatorLimits is
// refused as soon as its four bytes are in, before any of the body is read or allocated.
//
// The sizes are qemu 7.2's: SET_LOCALITY and RESET_TPMESTABLISHED carry 4 bytes (the whole
// ptm_loc/ptm_reset_est union; swtpm_ioctl sends 1, which swtpm takes because it uses whatever
// one read returns). A code swtpm does not know is the command word alone, as swtpm reads it.

public enum ControlFraming {
    /// Size of the command word.
    public static let commandSize = 4

    /// The total size of the request that `prefix` begins, as far as `prefix` tells: when
    /// `prefix.count` reaches the result, the request is `prefix[0..<result]`; until then the
    /// result is at least the bytes needed to tell more. Throws a parse error for a length above
    /// its cap.
    public static func requestLength(_ prefix: [UInt8]) throws(LoBotError) -> Int {
        guard prefix.count >= commandSize else { return commandSize }
        var reader = ByteReader(prefix, structure: ControlRequest.wireName)
        let command = ControlCommand(rawValue: try reader.readUInt32())
        switch command {
        case .setStateBlob:
            // state_flags, type, then the blob's length.
            return try sizedBody(&reader, before: 8, maximum: TPMEmulatorLimits.maxStateBlob, structure: SetStateBlobRequest.wireName)
        case .hashData:
            return try sizedBody(&reader, before: 0, maximum: TPMEmulatorLimits.maxHashData, structure: HashDataRequest.wireName)
        default:
            return commandSize + fixedBodySize(command)
        }
    }

    /// The body of every request whose size the command word alone decides.
    public static func fixedBodySize(_ command: ControlCommand) -> Int {
        switch command {
        case .initialize, .setLocality, .resetEstablished, .setBufferSize, .lockStorage: return 4
        case .getStateBlob: return 12
        case .getInfo: return 16
        default: return 0
        }
    }

    /// A body of `before` fixed bytes, a 4-byte length capped at `maximum`, then that many bytes.
    private static func sizedBody(
        _ reader: inout ByteReader, before: Int, maximum: Int, structure: String
    ) throws(LoBotError) -> Int {
        let head = commandSize + before + 4
        guard reader.remaining >= before + 4 else { return head }
        reader.structure = structure
        _ = try reader.readBytes(before)
        let at = reader.offset
        let length = try reader.readUInt32()
        guard length <= UInt32(maximum) else {
            throw reader.failure(.lengthTooLarge(field: "length", value: UInt64(length), maximum: UInt64(maximum)), at: at)
        }
        return head + Int(length)
    }
}
