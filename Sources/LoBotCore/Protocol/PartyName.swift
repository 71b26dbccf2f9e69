// The one rule for the names messages and journals carry -- platforms, LoBots, the factory, domains:
// 1-64 ASCII letters, digits, '.', '_' or '-', as the factory registers them. Read with it, a name
// from outside can hold no control byte, no path separator and no Unicode that compares equal to
// another name (Swift's String == follows canonical equivalence: U+212A KELVIN SIGN equals "K"),
// so two names are the same party exactly when their bytes are the same.
public enum PartyName {
    public static let maximumBytes = 64

    public static func isValid(_ name: String) -> Bool { isValid(Array(name.utf8)) }

    public static func isValid(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty, bytes.count <= maximumBytes else { return false }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                continue
            default:
                return false
            }
        }
        return true
    }
}

extension ByteReader {
    /// Reads a length-prefixed (one byte) party or domain name, refusing any that breaks `PartyName`'s rule.
    public mutating func readName(field: String) throws(LoBotError) -> String {
        let at = offset
        let bytes = try readSized(lengthWidth: 1, maximum: PartyName.maximumBytes, field: field)
        guard PartyName.isValid(bytes), let name = String(validating: bytes, as: UTF8.self) else {
            throw failure(.inconsistent("\(field): not a name of 1-64 letters, digits, '.', '_' or '-'"), at: at)
        }
        return name
    }
}
