// The little the guest TPM's server reads of a TPM command or writes of a response itself: whether a
// command is TPM_Startup / TPM2_Startup and of which type, whether a response says success, and the
// failure response it answers when the TPM cannot (of the family's own form, as qemu's probe of
// the TPM's version expects). Everything else about a command is libtpms' to judge.
//
//   TPM 1.2 command:  UINT16 tag = TPM_TAG_RQU_COMMAND (0x00C1);  UINT32 paramSize;  UINT32 ordinal;
//                     TPM_Startup (0x99): UINT16 startupType (TPM_ST_CLEAR 1, TPM_ST_STATE 2)
//   TPM 2.0 command:  UINT16 tag = TPM_ST_NO_SESSIONS (0x8001);  UINT32 commandSize;  UINT32 commandCode;
//                     TPM2_Startup (0x144): UINT16 startupType (TPM_SU_CLEAR 0, TPM_SU_STATE 1)
//   response:         UINT16 tag;  UINT32 size;  UINT32 returnCode

public enum TPMResponses {
    public enum StartupType: Sendable { case clear, state }

    /// The startup type if `command` is a well-formed Startup of `family`, else nil.
    public static func startupType(_ command: [UInt8], family: GuestTPMFamily) -> StartupType? {
        var reader = ByteReader(command, structure: "TPM command")
        guard let tag = try? reader.readUInt16(), let size = try? reader.readUInt32(), let code = try? reader.readUInt32(),
            let type = try? reader.readUInt16(), size == 12, command.count == 12
        else { return nil }
        switch family {
        case .tpm12:
            guard tag == 0x00C1, code == 0x99 else { return nil }
            return type == 1 ? .clear : type == 2 ? .state : nil
        case .tpm20:
            guard tag == 0x8001, code == 0x144 else { return nil }
            return type == 0 ? .clear : type == 1 ? .state : nil
        }
    }

    /// Whether `response` is a complete header with return code 0.
    public static func succeeded(_ response: [UInt8]) -> Bool {
        var reader = ByteReader(response, structure: "TPM response")
        guard (try? reader.readUInt16()) != nil, let size = try? reader.readUInt32(), let code = try? reader.readUInt32() else { return false }
        return code == 0 && Int(size) == response.count
    }

    /// A 10-byte failure response: TPM_FAIL under TPM_TAG_RSP_COMMAND for a TPM 1.2,
    /// TPM_RC_FAILURE under TPM_ST_NO_SESSIONS for a TPM 2.0.
    public static func failure(_ family: GuestTPMFamily) -> [UInt8] {
        var writer = ByteWriter()
        writer.write(family == .tpm12 ? UInt16(0x00C4) : UInt16(0x8001))
        writer.write(UInt32(10))
        writer.write(family == .tpm12 ? UInt32(0x09) : UInt32(0x101))
        return writer.bytes
    }
}
