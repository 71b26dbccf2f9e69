// One tampered copy of a genuine file, described as an edit of the original so that a 30 MB
// sealed stream can be changed in place (a few bytes patched, or the file rebuilt from pieces
// of a pristine copy) and put back afterwards, as cheaply as a 1 KB message is rebuilt in memory.
import Foundation

/// How a case's input differs from what the protocol produced.
enum MutationKind: String, CaseIterable {
    case bitFlip = "bit flip"
    case byteFlip = "byte flip (xor ff)"
    case truncation = "truncation"
    case extension_ = "extension"
    case reorder = "field reorder"
    case substitution = "field substitution"
    case replay = "replay (later session)"
    case otherPlatform = "message for another platform"
    case revoked = "signed by a revoked key"
}

/// A named byte range of a file's format (for labels and for choosing what to flip).
struct Field {
    let name: String
    let range: Range<Int>
}

/// A part of a rebuilt file: a range of the original, or new bytes.
enum Piece {
    case original(Range<Int>)
    case bytes([UInt8])
}

enum Edit {
    /// XOR masks at offsets of the original.
    case patch([(offset: Int, mask: UInt8)])
    /// The file made of these pieces, in order.
    case splice([Piece])
    /// Another file's whole content (a genuine message of another session, say).
    case replace([UInt8])
}

struct Mutation {
    let kind: MutationKind
    /// What was done, for the failure list ("bit 3 of byte 5 (version)").
    let label: String
    let edit: Edit

    /// The mutated bytes of a small file.
    func apply(to bytes: [UInt8]) -> [UInt8] {
        switch edit {
        case .patch(let patches):
            var out = bytes
            for patch in patches where patch.offset < out.count { out[patch.offset] ^= patch.mask }
            return out
        case .splice(let pieces):
            var out: [UInt8] = []
            for piece in pieces {
                switch piece {
                case .original(let range): out += bytes[range]
                case .bytes(let extra): out += extra
                }
            }
            return out
        case .replace(let other):
            return other
        }
    }
}

/// Builders for the mutations every format gets.
enum Mutations {
    /// Every bit of every byte in `range`.
    static func everyBit(_ range: Range<Int>, fields: [Field]) -> [Mutation] {
        range.flatMap { offset in
            (0..<8).map { bit in
                Mutation(kind: .bitFlip, label: "bit \(bit) of byte \(offset)\(name(offset, fields))",
                         edit: .patch([(offset: offset, mask: UInt8(1) << UInt8(bit))]))
            }
        }
    }

    /// Each byte at `offsets` inverted.
    static func byteFlips(_ offsets: [Int], fields: [Field]) -> [Mutation] {
        offsets.map { offset in
            Mutation(kind: .byteFlip, label: "byte \(offset)\(name(offset, fields)) xor ff",
                     edit: .patch([(offset: offset, mask: UInt8(0xFF))]))
        }
    }

    /// The file cut to each of `lengths` bytes.
    static func truncations(_ lengths: [Int], fields: [Field]) -> [Mutation] {
        lengths.map { length in
            Mutation(kind: .truncation, label: "cut to \(length) bytes\(name(length, fields))",
                     edit: .splice([.original(0..<length)]))
        }
    }

    /// Bytes appended: one zero, one 0xff, a KiB of zeros, and the file's own first bytes again.
    static func extensions(size: Int) -> [Mutation] {
        let appended: [(String, [UInt8])] = [("1 zero byte", [0]), ("1 byte ff", [0xFF]), ("1 KiB of zeros", [UInt8](repeating: 0, count: 1024))]
        return appended.map {
            Mutation(kind: .extension_, label: "appended \($0.0)", edit: .splice([.original(0..<size), .bytes($0.1)]))
        } + [Mutation(kind: .extension_, label: "appended its own first \(min(size, 64)) bytes",
                      edit: .splice([.original(0..<size), .original(0..<min(size, 64))]))]
    }

    /// Two adjacent fields exchanged.
    static func swap(_ a: Field, _ b: Field, size: Int) -> Mutation {
        let (first, second) = a.range.lowerBound < b.range.lowerBound ? (a, b) : (b, a)
        return Mutation(kind: .reorder, label: "\(first.name) and \(second.name) swapped",
                        edit: .splice([.original(0..<first.range.lowerBound), .original(second.range),
                                       .original(first.range.upperBound..<second.range.lowerBound), .original(first.range),
                                       .original(second.range.upperBound..<size)]))
    }

    /// `count` offsets spread evenly over `range` (all of them when it is not larger), always
    /// including its first and last byte.
    static func spread(_ range: Range<Int>, count: Int) -> [Int] {
        guard range.count > count, count > 1 else { return Array(range) }
        let step = Double(range.count - 1) / Double(count - 1)
        var offsets: [Int] = []
        for index in 0..<count {
            let offset = range.lowerBound + Int((Double(index) * step).rounded())
            if offsets.last != offset { offsets.append(offset) }
        }
        return offsets
    }

    static func field(_ offset: Int, _ fields: [Field]) -> String {
        fields.first { $0.range.contains(offset) }?.name ?? (offset >= (fields.last?.range.upperBound ?? 0) ? "end" : "")
    }

    static func name(_ offset: Int, _ fields: [Field]) -> String {
        let found = field(offset, fields)
        return found.isEmpty ? "" : " (\(found))"
    }
}
