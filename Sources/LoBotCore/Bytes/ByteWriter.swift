// Writes big-endian wire structures: the mirror of ByteReader, so a structure's serializer reads
// field by field like its parser.

public struct ByteWriter {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func write(_ value: UInt8) { bytes.append(value) }
    public mutating func write(_ value: UInt16) { writeBigEndian(UInt64(value), 2) }
    public mutating func write(_ value: UInt32) { writeBigEndian(UInt64(value), 4) }
    public mutating func write(_ value: UInt64) { writeBigEndian(value, 8) }
    public mutating func write(_ value: [UInt8]) { bytes.append(contentsOf: value) }
    public mutating func writeLE(_ value: UInt16) { write(value.byteSwapped) }
    public mutating func writeLE(_ value: UInt32) { write(value.byteSwapped) }
    public mutating func writeLE(_ value: UInt64) { write(value.byteSwapped) }

    /// Writes `value.count` in `width` bytes, then the bytes: the mirror of `readSized`.
    public mutating func writeSized(_ value: [UInt8], lengthWidth width: Int) {
        writeBigEndian(UInt64(value.count), width)
        bytes.append(contentsOf: value)
    }

    /// The mirror of `readString`.
    public mutating func writeString(_ value: String, lengthWidth width: Int) {
        writeSized(Array(value.utf8), lengthWidth: width)
    }

    private mutating func writeBigEndian(_ value: UInt64, _ width: Int) {
        var shift = (width - 1) * 8
        while shift >= 0 {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
            shift -= 8
        }
    }
}
