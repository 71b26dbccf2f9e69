// How many cases a type gets. The CI run must stay within a few minutes on two cores (a `lobot`
// case costs 15-40 ms, a debug `lobot-factory` case 100-200 ms), so it flips every bit only of the
// bytes that decide how the rest is read (magic, version, type, flags), every byte (or a spread)
// of the other header fields, a spread of the long opaque fields (bodies, RSA blocks, stream
// chunks), and cuts at every field boundary; `--thorough` flips every bit of every header and
// every byte of every file, and cuts at every length. The report says what was done for each type.

struct Budget {
    /// Header fields whose every bit is flipped (nil: all of them).
    var bitFields: Set<String>?
    /// Other header bytes inverted (Int.max: all).
    var headerBytes: Int
    /// Positions inverted in a body or the rest of a stored file (Int.max: all).
    var bodyBytes: Int
    /// Positions inverted in each RSA block (wrapped key, signature) or stream chunk.
    var blockBytes: Int
    /// Truncations besides those at field boundaries (Int.max: every length).
    var truncations: Int
    /// Every substitution (each type value, each party's name), or a few.
    var allSubstitutions: Bool

    /// `lobot` receiving a message, in CI.
    static let agent = Budget(bitFields: ["version", "type", "encrypted"], headerBytes: 40, bodyBytes: 24, blockBytes: 4, truncations: 8,
                              allSubstitutions: true)
    /// `lobot-factory` receiving a message, in CI.
    static let factory = Budget(bitFields: ["type"], headerBytes: 12, bodyBytes: 4, blockBytes: 2, truncations: 2, allSubstitutions: false)
    /// A TPM 2.0 platform's message, in CI: what is new there is in the body (TPM 2.0 structures
    /// inside); the envelope's header is read as it is on TPM 1.2, where the agent's budget covers it.
    static let tpm2Body = Budget(bitFields: ["type"], headerBytes: 8, bodyBytes: 32, blockBytes: 2, truncations: 4, allSubstitutions: false)
    /// A stored file or a sealed stream, in CI (the receivers get as far as the TPM and the
    /// hashing of the aDom's files, 0.1-1 s a case): every byte of the header, a spread of the rest.
    static let stored = Budget(bitFields: [], headerBytes: Int.max, bodyBytes: 12, blockBytes: 1, truncations: 4, allSubstitutions: false)
    static let thorough = Budget(bitFields: nil, headerBytes: Int.max, bodyBytes: Int.max, blockBytes: Int.max, truncations: Int.max,
                                 allSubstitutions: true)

    var isThorough: Bool { bitFields == nil }

    /// Whether every bit of `field` is flipped.
    func everyBit(_ field: String) -> Bool { bitFields.map { $0.contains(field) } ?? true }

    /// Offsets to flip in `range`: all of them, or an even spread of `limit`.
    func positions(_ range: Range<Int>, limit: Int) -> [Int] {
        limit == Int.max ? Array(range) : Mutations.spread(range, count: limit)
    }

    /// Words for the report: how a region of `count` bytes was covered.
    func describe(_ count: Int, limit: Int) -> String {
        limit == Int.max || count <= limit ? "every byte" : "\(min(limit, count)) of \(count) bytes, evenly spread"
    }

    /// Truncation lengths: every one, or each field's start (and, for a message, start + 1 and
    /// end - 1), and a spread.
    func truncationLengths(_ fields: [Field], size: Int, withinFields: Bool = true) -> [Int] {
        guard truncations != Int.max else { return Array(0..<size) }
        var lengths = Set(Mutations.spread(0..<size, count: truncations))
        for field in fields where !field.range.isEmpty {
            lengths.insert(field.range.lowerBound)
            if withinFields { lengths.formUnion([field.range.lowerBound + 1, field.range.upperBound - 1]) }
        }
        return lengths.filter { $0 < size }.sorted()
    }

    func describeTruncations(size: Int, withinFields: Bool = true) -> String {
        truncations == Int.max ? "truncation: at every length (\(size))"
            : "truncation: at each field's start" + (withinFields ? ", start + 1 and end - 1" : "") + ", and \(truncations) lengths spread"
    }
}
