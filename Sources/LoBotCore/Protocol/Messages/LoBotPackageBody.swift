// The lobot-package body (steps 5-6): the LoBot itself, as the source (or the factory, in LSP)
// sends it. Encrypted to the destination under K1 by the envelope.
//
//   UINT32 size; BYTE state[size] (LoBot state file "LBSF", at most StateFile.maximumSize);
//   UINT16 size; BYTE boundMasterKey[size] (TPM_BOUND_DATA under the destination's bind key)

/// 5-6 (lobot-package, encrypted to the destination under K1): the LoBot's vTPM state file as
/// it was (encrypted under MSK) and MSK, rewrapped: now bound to the destination's bind key.
public struct LoBotPackageBody: WireStructure, Equatable, Sendable {
    public static var wireName: String { "lobot-package message body" }
    public var state: [UInt8]
    public var boundMasterKey: [UInt8]

    public init(state: [UInt8], boundMasterKey: [UInt8]) {
        self.state = state
        self.boundMasterKey = boundMasterKey
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        state = try reader.readSized(lengthWidth: 4, maximum: StateFile.maximumSize, field: "state")
        boundMasterKey = try reader.readSized(lengthWidth: 2, maximum: TPMLimits.maxModulusBytes, field: "boundMasterKey")
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.writeSized(state, lengthWidth: 4)
        writer.writeSized(boundMasterKey, lengthWidth: 2)
    }
}
