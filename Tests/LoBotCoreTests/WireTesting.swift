// One generic runner for every wire structure: known bytes parse to the known value and
// serialize back byte for byte; every truncation, a trailing byte, and a flip of each byte in
// the fixed fields are refused with a parse error that names the structure.
import LoBotCore
import Testing

/// The error `T(bytes:)` throws for `bytes`, or nil if it parses.
func parseError<T: WireStructure>(_ type: T.Type, _ bytes: [UInt8]) -> LoBotError? {
    do throws(LoBotError) {
        _ = try T(bytes: bytes)
        return nil
    } catch {
        return error
    }
}

/// The full battery for one structure.
/// `openEndedAfter`: for a structure whose last field runs to the end of the input
/// (TPM_BOUND_DATA), the length of its fixed head; only shorter truncations can be refused and a
/// trailing byte is simply more payload.
func checkWireStructure<T: WireStructure & Equatable>(
    _ value: T, known: [UInt8], fixedFieldOffsets: [Int] = [], openEndedAfter: Int? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    // Serializer and parser mirror each other on the spec's bytes.
    #expect(value.bytes == known, "serialization differs from the spec layout", sourceLocation: sourceLocation)
    let parsed = try T(bytes: known)
    #expect(parsed == value, sourceLocation: sourceLocation)
    #expect(parsed.bytes == known, sourceLocation: sourceLocation)

    // Every truncation is refused, as truncation.
    for length in 0..<(openEndedAfter ?? known.count) {
        let error = parseError(T.self, Array(known.prefix(length)))
        guard case .parse(let failure)? = error else {
            Issue.record("truncation to \(length) bytes was not refused as a parse error: \(String(describing: error))",
                         sourceLocation: sourceLocation)
            continue
        }
        #expect(failure.message.hasPrefix("malformed "), sourceLocation: sourceLocation)
    }

    // A trailing byte is refused.
    if openEndedAfter == nil {
        guard case .parse(let trailing)? = parseError(T.self, known + [0]), case .trailingBytes(1) = trailing.kind else {
            Issue.record("a trailing byte was not refused", sourceLocation: sourceLocation)
            return
        }
    }

    // Any flip in a fixed field (tag, magic, version) is refused.
    for offset in fixedFieldOffsets {
        var flipped = known
        flipped[offset] ^= 0x01
        #expect(parseError(T.self, flipped) != nil, "flip at fixed byte \(offset) accepted", sourceLocation: sourceLocation)
    }
}

func digest(_ byte: UInt8) -> SHA1Digest { SHA1Digest([UInt8](repeating: byte, count: 20))! }
func nonce(_ byte: UInt8) -> TPMNonce { TPMNonce([UInt8](repeating: byte, count: 20))! }
