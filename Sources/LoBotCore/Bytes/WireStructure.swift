// The contract every wire structure keeps: a parsing initializer and a serializer that mirror each
// other, and a top-level entry that refuses trailing bytes.

public protocol WireStructure {
    /// The name used in error messages (the spec's name where there is one).
    static var wireName: String { get }
    init(parsing reader: inout ByteReader) throws(LoBotError)
    func serialize(into writer: inout ByteWriter)
}

extension WireStructure {
    /// Parses exactly `bytes`: truncation and trailing bytes are both refused.
    public init(bytes: [UInt8]) throws(LoBotError) {
        var reader = ByteReader(bytes, structure: Self.wireName)
        self = try Self(parsing: &reader)
        try reader.finish()
    }

    /// Parses a nested structure, naming it in any error.
    public static func parse(from reader: inout ByteReader) throws(LoBotError) -> Self {
        try reader.within(Self.wireName) { (r: inout ByteReader) throws(LoBotError) in try Self(parsing: &r) }
    }

    public var bytes: [UInt8] {
        var writer = ByteWriter()
        serialize(into: &writer)
        return writer.bytes
    }
}
