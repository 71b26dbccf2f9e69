// The tampered copies of a file a platform or the factory keeps (a journal, a state file, a key
// blob, a certificate, a golden record): every bit of its header (or of the whole file when it
// is short), bytes inverted across the rest, truncations, extensions, and, for the formats whose
// fields are known here, adjacent fields swapped.

/// The formats of the stored files, as far as the matrix needs them.
enum StoredFormat {
    /// LBSF state file (vTPM state, version store): header, ciphertext, tag.
    case stateFile
    /// A session journal: LBSJ structure then its HMAC-SHA256.
    case journal
    /// LBDC domain config.
    case domainConfig
    /// LBPC platform counter file.
    case counter
    /// LBGV golden record.
    case golden
    /// Anything else (TPM key blobs, bound keys, certificates): no known fields.
    case opaque(header: Int)

    /// The known fields of `bytes`, in order.
    func fields(_ bytes: [UInt8]) -> [Field] {
        var fields: [Field] = []
        var at = 0
        func take(_ name: String, _ count: Int) {
            guard count >= 0, at + count <= bytes.count else { return }
            fields.append(Field(name: name, range: at..<at + count))
            at += count
        }
        func sized(_ name: String, width: Int) {
            guard at + width <= bytes.count else { return }
            let length = bytes[at..<at + width].reduce(0) { $0 << 8 | Int($1) }
            take(name, width + length)
        }
        switch self {
        case .stateFile:
            take("magic", 4); take("format", 2); take("kind", 1); take("id", 16); take("version", 8); take("nonce", 12)
            take("ciphertextSize", 4); take("ciphertext", bytes.count - at - 16); take("tag", 16)
        case .journal:
            take("magic", 4); take("version", 1); take("role", 1); take("state", 1); take("session", 16); take("nonce", 20)
            take("rest of the journal", bytes.count - at - 32); take("hmac", 32)
        case .domainConfig:
            take("magic", 4); take("version", 1); sized("name", width: 1); take("memoryMiB", 4); sized("kernel", width: 2)
            sized("initrd", width: 2); sized("commandLine", width: 2); take("disk", 1); sized("sharedPath", width: 2); take("tpm", 1)
        case .counter:
            take("magic", 4); take("version", 1); take("counterID", 4); take("secret", 20); take("checksum", 32)
        case .golden:
            take("magic", 4); take("version", 1); sized("name", width: 1)
            take("values", bytes.count - at - 2 - 256); sized("signature", width: 2)
        case .opaque(let header):
            take("header", min(header, bytes.count)); take("rest", bytes.count - at)
        }
        return fields
    }

    /// The leading bytes that steer parsing (every bit flipped even in CI).
    func header(_ fields: [Field]) -> Int {
        let steering: Set<String> = ["magic", "format", "version", "kind", "role", "state", "ciphertextSize", "header", "name", "memoryMiB", "counterID"]
        return fields.prefix { steering.contains($0.name) }.last?.range.upperBound ?? 0
    }

    /// Adjacent fields worth swapping.
    var swaps: [(String, String)] {
        switch self {
        case .stateFile: return [("id", "version"), ("ciphertext", "tag")]
        case .journal: return [("session", "nonce"), ("rest of the journal", "hmac")]
        case .domainConfig: return [("kernel", "initrd"), ("initrd", "commandLine")]
        case .counter: return [("counterID", "secret")]
        case .golden: return [("values", "signature")]
        case .opaque: return [("header", "rest")]
        }
    }
}

enum StoredMutations {
    /// Files up to this size get every byte inverted in CI, every bit in a thorough run (the platform counter file).
    static let shortFile = 64

    static func make(_ bytes: [UInt8], format: StoredFormat, budget: Budget) -> (mutations: [Mutation], coverage: [String]) {
        let fields = format.fields(bytes)
        let size = bytes.count
        var out: [Mutation] = []
        var coverage: [String] = ["\(size) bytes"]
        if budget.isThorough && (size <= 256 || size <= shortFile) {
            out += Mutations.everyBit(0..<size, fields: fields)
            coverage.append("every bit of every byte")
        } else if budget.isThorough {
            let header = max(format.header(fields), min(size, 64))
            out += Mutations.everyBit(0..<header, fields: fields) + Mutations.byteFlips(Array(header..<size), fields: fields)
            coverage.append("every bit of the first \(header) bytes, every other byte inverted")
        } else {
            // Every byte of the header (the fields that say what the file is), a spread of the rest.
            let header = size <= shortFile ? size : format.header(fields)
            out += Mutations.byteFlips(Array(0..<header), fields: fields)
            let rest = header..<size
            out += Mutations.byteFlips(budget.positions(rest, limit: budget.bodyBytes), fields: fields)
            coverage.append("every byte of the first \(header) inverted" + (rest.isEmpty ? "" : "; the other \(rest.count): \(budget.describe(rest.count, limit: budget.bodyBytes)) inverted"))
        }
        out += Mutations.truncations(budget.truncationLengths(Array(fields.prefix(3)), size: size, withinFields: false), fields: fields)
        coverage.append(budget.isThorough ? "truncation: at every length" : "truncation: at the first three fields' starts and \(budget.truncations) lengths spread")
        out += budget.isThorough ? Mutations.extensions(size: size) : Array(Mutations.extensions(size: size).prefix(2))
        let byName = Dictionary(fields.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var swapped: [String] = []
        for (a, b) in format.swaps {
            guard let first = byName[a], let second = byName[b], first.range.upperBound == second.range.lowerBound,
                !first.range.isEmpty, !second.range.isEmpty
            else { continue }
            out.append(Mutations.swap(first, second, size: size))
            swapped.append("\(a) and \(b)")
        }
        coverage.append("extension: \(budget.isThorough ? 4 : 2) ways" + (swapped.isEmpty ? "" : "; reorder: " + swapped.joined(separator: ", ") + " swapped"))
        return (out, coverage)
    }
}
