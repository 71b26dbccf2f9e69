// Reads big-endian wire structures (TPM 1.2 is big-endian throughout) from a byte array. Every
// read checks bounds and every length read is capped before it can drive an allocation; failures
// carry the byte offset so a message can say where a file went wrong.

public struct ByteReader {
    public let bytes: [UInt8]
    public private(set) var offset: Int
    /// The structure being parsed, for error messages; nested parsers set it with `within`.
    public var structure: String

    public init(_ bytes: [UInt8], structure: String = "data") {
        self.bytes = bytes
        self.offset = 0
        self.structure = structure
    }

    public var remaining: Int { bytes.count - offset }
    public var isAtEnd: Bool { offset == bytes.count }

    public func failure(_ kind: ParseFailure.Kind, at position: Int? = nil) -> LoBotError {
        .parse(ParseFailure(structure: structure, kind: kind, offset: position ?? offset))
    }

    /// Runs `body` with `structure` naming the nested structure, then restores the outer name.
    public mutating func within<T>(
        _ name: String, _ body: (inout ByteReader) throws(LoBotError) -> T
    ) throws(LoBotError) -> T {
        let outer = structure
        structure = name
        defer { structure = outer }
        return try body(&self)
    }

    private func need(_ count: Int) throws(LoBotError) {
        guard count >= 0, count <= remaining else {
            throw failure(.truncated(needed: count, available: remaining))
        }
    }

    public mutating func readUInt8() throws(LoBotError) -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func readUInt16() throws(LoBotError) -> UInt16 {
        UInt16(truncatingIfNeeded: try readBigEndian(2))
    }

    public mutating func readUInt32() throws(LoBotError) -> UInt32 {
        UInt32(truncatingIfNeeded: try readBigEndian(4))
    }

    public mutating func readUInt64() throws(LoBotError) -> UInt64 {
        try readBigEndian(8)
    }

    private mutating func readBigEndian(_ width: Int) throws(LoBotError) -> UInt64 {
        try need(width)
        var value: UInt64 = 0
        for i in 0..<width { value = value << 8 | UInt64(bytes[offset + i]) }
        offset += width
        return value
    }

    /// A little-endian UINT32, for the few formats outside TPM 1.2 that use it (the TCG PC
    /// client firmware event log, the IMA log, LoBot's VM disks).
    public mutating func readUInt32LE() throws(LoBotError) -> UInt32 {
        let value = try readUInt32()
        return value.byteSwapped
    }

    /// A little-endian UINT16 (the TCG crypto-agile event log's algorithm ids and digest sizes).
    public mutating func readUInt16LE() throws(LoBotError) -> UInt16 {
        try readUInt16().byteSwapped
    }

    public mutating func readUInt64LE() throws(LoBotError) -> UInt64 {
        try readUInt64().byteSwapped
    }

    public mutating func readBytes(_ count: Int) throws(LoBotError) -> [UInt8] {
        try need(count)
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// Whether the next bytes are `prefix`, without reading them: for a field whose first bytes
    /// say which structure it is (a magic, a tag). Fewer bytes left than `prefix` is truncation.
    public func startsWith(_ prefix: [UInt8]) throws(LoBotError) -> Bool {
        try need(prefix.count)
        return bytes[offset..<offset + prefix.count].elementsEqual(prefix)
    }

    /// Reads a length of `width` bytes (1, 2 or 4) and then that many bytes, refusing a length
    /// above `maximum` before allocating.
    public mutating func readSized(
        lengthWidth width: Int, maximum: Int, field: String
    ) throws(LoBotError) -> [UInt8] {
        let at = offset
        let length = try readBigEndian(width)
        guard length <= UInt64(maximum) else {
            throw failure(.lengthTooLarge(field: field, value: length, maximum: UInt64(maximum)), at: at)
        }
        return try readBytes(Int(length))
    }

    /// Reads a length-prefixed UTF-8 string, refusing invalid UTF-8, NUL bytes and, unless
    /// `allowEmpty`, the empty string.
    public mutating func readString(
        lengthWidth width: Int, maximum: Int, field: String, allowEmpty: Bool = false
    ) throws(LoBotError) -> String {
        let at = offset
        let bytes = try readSized(lengthWidth: width, maximum: maximum, field: field)
        guard let text = String(validating: bytes, as: UTF8.self), !bytes.contains(0), allowEmpty || !bytes.isEmpty else {
            throw failure(.inconsistent("\(field): not a non-empty UTF-8 string"), at: at)
        }
        return text
    }

    /// Reads a length-prefixed count for a list, capped like `readSized`.
    public mutating func readCount(
        lengthWidth width: Int, maximum: Int, field: String
    ) throws(LoBotError) -> Int {
        let at = offset
        let count = try readBigEndian(width)
        guard count <= UInt64(maximum) else {
            throw failure(.lengthTooLarge(field: field, value: count, maximum: UInt64(maximum)), at: at)
        }
        return Int(count)
    }

    /// Reads `expected.count` bytes and refuses anything else (magics, fixed strings).
    public mutating func expect(_ expected: [UInt8], field: String) throws(LoBotError) {
        let at = offset
        let got = try readBytes(expected.count)
        guard got == expected else {
            var value: UInt64 = 0
            for byte in got.prefix(8) { value = value << 8 | UInt64(byte) }
            throw failure(.unexpectedValue(field: field, value: value), at: at)
        }
    }

    public mutating func expectUInt16(_ expected: UInt16, field: String) throws(LoBotError) {
        let at = offset
        let got = try readUInt16()
        guard got == expected else { throw failure(.unexpectedValue(field: field, value: UInt64(got)), at: at) }
    }

    public mutating func expectUInt32(_ expected: UInt32, field: String) throws(LoBotError) {
        let at = offset
        let got = try readUInt32()
        guard got == expected else { throw failure(.unexpectedValue(field: field, value: UInt64(got)), at: at) }
    }

    /// Refuses bytes left over after the top-level structure.
    public func finish() throws(LoBotError) {
        guard isAtEnd else { throw failure(.trailingBytes(count: remaining)) }
    }
}
