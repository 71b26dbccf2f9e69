// The monotonic counter a vTPM state version must equal. It lives apart from the state so that
// restoring an old copy of the state file is detected. FileRollbackCounter keeps it in a small
// file of its own; a platform TPM counter takes its place where one is available.
//
//   LoBot counter file:  BYTE magic[4] = "LBCN";  UINT16 format = 1;  UINT64 value

public protocol RollbackCounter {
    /// Where the counter lives, for messages.
    var description: String { get }
    func read() throws(LoBotError) -> UInt64
    /// Advances the counter by one, durably, and returns the new value.
    func increment() throws(LoBotError) -> UInt64
}

public struct CounterFile: WireStructure, Equatable, Sendable {
    public static var wireName: String { "LoBot counter file" }
    static let magic: [UInt8] = Array("LBCN".utf8)
    public var value: UInt64

    public init(value: UInt64) { self.value = value }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expect(Self.magic, field: "magic")
        try reader.expectUInt16(1, field: "format")
        value = try reader.readUInt64()
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(Self.magic)
        writer.write(UInt16(1))
        writer.write(value)
    }
}

public struct FileRollbackCounter: RollbackCounter {
    public let path: String

    public init(path: String) { self.path = path }

    public var description: String { path }

    /// Makes a new counter at zero; refuses to replace an existing one.
    public static func create(path: String) throws(LoBotError) -> FileRollbackCounter {
        guard !Files.exists(path) else { throw .alreadyExists("rollback counter \(path)") }
        try Files.writeAtomically(path, CounterFile(value: 0).bytes)
        return FileRollbackCounter(path: path)
    }

    public func read() throws(LoBotError) -> UInt64 {
        guard Files.exists(path) else { throw .notFound("rollback counter \(path)") }
        return try CounterFile(bytes: try Files.read(path, maximum: 64)).value
    }

    public func increment() throws(LoBotError) -> UInt64 {
        let next = try read() + 1
        try Files.writeAtomically(path, CounterFile(value: next).bytes)
        return next
    }
}
