// The 16-byte identifiers of the protocol: a session (every message and journal names one) and a
// LoBot's vTPM (its state files, version store and live guest TPM file name it). Each is its own
// type, so one cannot be passed where the other, or any other 16 bytes, is meant.
//
//   BYTE id[16]  (random, made by the factory)

public protocol FixedBytes16: WireStructure, Hashable, Sendable {
    var bytes: [UInt8] { get }
    init(unchecked bytes: [UInt8])
}

extension FixedBytes16 {
    public static var length: Int { 16 }

    /// Accepts exactly 16 bytes.
    public init?(_ bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self.init(unchecked: bytes)
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        self.init(unchecked: try reader.readBytes(16))
    }

    public func serialize(into writer: inout ByteWriter) { writer.write(bytes) }

    public var hex: String { Hex.string(bytes) }

    public static func random() throws(LoBotError) -> Self { Self(unchecked: try SecureRandom.bytes(16)) }
}

/// A provisioning or migration session, as every message's envelope and every journal names it.
public struct SessionID: FixedBytes16 {
    public static var wireName: String { "session id" }
    public let bytes: [UInt8]
    public init(unchecked bytes: [UInt8]) { self.bytes = bytes }
}

/// A LoBot's vTPM, as its state files and the open body name it.
public struct VTPMID: FixedBytes16 {
    public static var wireName: String { "vTPM id" }
    public let bytes: [UInt8]
    public init(unchecked bytes: [UInt8]) { self.bytes = bytes }
}
