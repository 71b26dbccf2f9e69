// The bodies that are one value: domain-ready's proof (32 bytes), release's domain key, and the
// reasons of domain-refused, launch-failed and launched (UTF-8).
//
//   UINT16 size; BYTE value[size] (at most 4096)

/// A body that is only a fixed-size value (domain-ready's proof, release's domain key) or a
/// reason (domain-refused, launch-failed, launched).
public struct BytesBody: WireStructure, Equatable, Sendable {
    public static var wireName: String { "message body" }
    public var value: [UInt8]

    public init(_ value: [UInt8]) { self.value = value }

    public init(text: String) { self.value = Array(text.utf8) }

    public var text: String { String(decoding: value, as: UTF8.self) }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        value = try reader.readSized(lengthWidth: 2, maximum: 4096, field: "value")
    }

    public func serialize(into writer: inout ByteWriter) { writer.writeSized(value, lengthWidth: 2) }
}
