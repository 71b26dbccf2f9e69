// The 10 bytes that start every TPM command and response on the data channel: the tag, the size
// of the whole message, and the command code (ordinal) or the response code. A server reads it
// to recognise TPM_Startup/TPM2_Startup, and builds with it the failure it answers when it
// cannot run a command, in its own family as swtpm does.
//
//   TPM 1.2 (Part 2, 6.1/6.2)           TPM 2.0 (Part 1, 18.2)
//   TPM_TAG tag;            /* 2 */      TPMI_ST_COMMAND_TAG tag;
//   UINT32 paramSize;       /* 4 */      UINT32 commandSize;   /* header included */
//   TPM_COMMAND_CODE ordinal;            TPM_CC commandCode;   /* or TPM_RC responseCode */
//
// The size is held to 10...TPMEmulatorLimits.maxTPMMessage. That is a check on the header, not
// a way to frame the data channel: qemu's tpm-tis sends the bytes the guest wrote (at least 6,
// whatever the size field says) and tpm-crb sends min(size field, buffer size) bytes, so a
// guest's malformed size reaches the server as a message of another length. swtpm 0.7.1 frames
// by read(): a message is what read() returns once it holds 10 bytes (qemu writes each command
// at once), so it waits forever, control channel included, on a guest's 2- or 6-byte command.

public struct TPMMessageHeader: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM message header" }
    public static let headerSize = 10

    public var tag: TPMTag
    /// The size of the whole message, this header included.
    public var size: UInt32
    /// The command code of a command, the response code of a response.
    public var code: UInt32

    public init(tag: TPMTag, size: UInt32, code: UInt32) {
        self.tag = tag
        self.size = size
        self.code = code
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        tag = TPMTag(rawValue: try reader.readUInt16())
        let at = reader.offset
        size = try reader.readUInt32()
        guard size >= UInt32(Self.headerSize) else {
            throw reader.failure(.unexpectedValue(field: "size", value: UInt64(size)), at: at)
        }
        guard size <= UInt32(TPMEmulatorLimits.maxTPMMessage) else {
            throw reader.failure(
                .lengthTooLarge(field: "size", value: UInt64(size), maximum: UInt64(TPMEmulatorLimits.maxTPMMessage)), at: at)
        }
        code = try reader.readUInt32()
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(tag.rawValue)
        writer.write(size)
        writer.write(code)
    }

    /// The header of `message` (a whole command or response), checked against its length.
    public init(of message: [UInt8]) throws(LoBotError) {
        var reader = ByteReader(message, structure: Self.wireName)
        self = try Self(parsing: &reader)
        guard Int(size) == message.count else {
            throw reader.failure(.inconsistent("size \(size) but the message has \(message.count) bytes"), at: 2)
        }
    }

    /// The response a TPM of `family` gives when it cannot run a command (not started, failed,
    /// the command unreadable): the header alone, TPM_FAIL or TPM_RC_FAILURE. These are the
    /// bytes swtpm 0.7.1 answers before CMD_INIT (qemu's probe).
    public static func failureResponse(_ family: TPMFamily) -> TPMMessageHeader {
        switch family {
        case .tpm12: return TPMMessageHeader(tag: .responseCommand, size: 10, code: ControlResult.fail.rawValue)
        case .tpm2: return TPMMessageHeader(tag: .noSessions, size: 10, code: ControlResult.rcFailure.rawValue)
        }
    }
}
