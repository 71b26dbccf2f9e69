// TSC_PhysicalPresence (TPM 1.2 Part 3, 6.4): software physical presence, as a platform's firmware
// asserts it. LoBot sends it when it manufactures a guest's TPM 1.2, as swtpm_setup does: first
// enabling the command (PHYSICAL_PRESENCE_CMD_ENABLE), then asserting presence (PRESENT), so that
// it may enable and activate the TPM.
//
//   UINT16 tag = TPM_TAG_RQU_COMMAND (0x00C1);  UINT32 paramSize = 12;
//   TPM_COMMAND_CODE ordinal = TSC_ORD_PhysicalPresence (0x4000000A);
//   TPM_PHYSICAL_PRESENCE physicalPresence;     /* UINT16 bit field */
//
// Response: TPM12EmptyResponse.
import LoBotCore

public struct TSCPhysicalPresenceCommand: TPMCommand, Equatable, Sendable {
    public typealias Response = TPM12EmptyResponse
    public static var wireName: String { "TSC_PhysicalPresence" }
    public static var commandName: String { "TSC_PhysicalPresence" }
    public static let ordinal: UInt32 = 0x4000_000A

    /// TPM_PHYSICAL_PRESENCE (Part 2, 4.9): bits, combined as the command needs them.
    public struct PhysicalPresence: RawRepresentable, Equatable, Sendable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        /// TPM_PHYSICAL_PRESENCE_PRESENT: presence asserted.
        public static let present = PhysicalPresence(rawValue: 0x0008)
        /// TPM_PHYSICAL_PRESENCE_NOTPRESENT.
        public static let notPresent = PhysicalPresence(rawValue: 0x0010)
        /// TPM_PHYSICAL_PRESENCE_CMD_ENABLE: this command may assert presence from now on.
        public static let commandEnable = PhysicalPresence(rawValue: 0x0020)
    }

    public var physicalPresence: PhysicalPresence

    public init(_ physicalPresence: PhysicalPresence) { self.physicalPresence = physicalPresence }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let start = try TPMFrame.read(&reader, tag: TPMTag.tpm12Command, code: Self.ordinal, codeField: "ordinal")
        physicalPresence = PhysicalPresence(rawValue: try reader.readUInt16())
        try TPMFrame.finish(reader, start)
    }

    public func serialize(into writer: inout ByteWriter) {
        TPMFrame.write(tag: TPMTag.tpm12Command, code: Self.ordinal, into: &writer) { $0.write(physicalPresence.rawValue) }
    }
}
