// The factory's one error type. Each case says what went wrong; `description` prints it as one
// line (control characters from names or a library's text become "?"), and the audit log records
// a refusal with that same line. Every throwing function of FactoryKit says `throws(FactoryError)`;
// the libraries' errors come in through one function each: `sql` (GRDB), `x509` (swift-certificates
// and swift-asn1), `crypto` (swift-crypto), `factoryCore` (LoBotCore). lobot-factory exits 1 on
// any of them (README, "Exit status"); its usage errors (64) are swift-argument-parser's.
import LoBotCore

package enum FactoryError: Error, Equatable, CustomStringConvertible {
    /// An input or option the command line parser cannot judge (a name, a value, a combination).
    case invalidInput(String)
    /// `kind` `name` is not in the factory's records (a domain, platform, owner, session ...).
    case unknown(kind: String, name: String)
    /// Something the factory needs is missing: the factory itself, golden values, a key.
    case notFound(String)
    /// Something to be made exists already (a factory, a domain, a LoBot).
    case alreadyExists(String)
    /// A protocol or trust rule said no (a wrong key, a proof that fails, a step out of turn).
    case refused(String)
    /// A key recorded before, as `owner`'s `purpose` key; `what` is "key" or "EK".
    case keyReuse(what: String, owner: String, purpose: String)
    /// A certificate, or its serial number, recorded before.
    case certificateReuse
    /// A nonce (hex) the factory never issued.
    case nonceNeverIssued(String)
    /// A nonce issued to `issuedTo` for `issuedFor`, presented for `owner` and `purpose`.
    case nonceMisdirected(nonce: String, issuedTo: String, issuedFor: String, owner: String, purpose: String)
    /// A nonce used before.
    case nonceReplayed(String)
    /// `what` (a platform, a LoBot, a key) is revoked.
    case revoked(String)
    /// The audit chain does not hold.
    case auditChain(AuditBreak)
    /// SQLite (through GRDB) failed: its extended result code and message.
    case database(code: Int32, message: String)
    /// swift-certificates or swift-asn1 refused or failed `what`.
    case certificate(what: String, detail: String)
    /// swift-crypto failed `what`.
    case crypto(what: String, detail: String)
    /// zlib failed: `what` ("cannot start gzip compression"), its return code.
    case compression(what: String, code: Int32)
    /// A LoBotCore operation failed: a file, a parse, a signature, a TPM structure.
    case core(LoBotError)

    /// Where the audit chain breaks (`AuditLog.verify`).
    package enum AuditBreak: Equatable, Sendable {
        /// Entry `seq` is not where the sequence expects it (removed, or the log reordered).
        case missing(seq: Int64)
        /// Entry `seq`'s link to its predecessor differs from that entry's hash.
        case linkAltered(seq: Int64)
        /// Entry `seq`'s fields do not hash to its recorded hash.
        case contentAltered(seq: Int64)
        /// Entry `seq`'s signature does not verify under the CA key.
        case badSignature(seq: Int64)
        /// The signed head names entry `head`, the log ends at `count`.
        case truncated(head: Int64, count: Int)
        /// Entry `seq` is not the entry the signed head names.
        case differsFromHead(seq: Int64)
        /// Entries exist but `audit.head` does not.
        case headMissing(path: String)
    }

    package var description: String { LoBotError.oneLine(text) }

    private var text: String {
        switch self {
        case .invalidInput(let what), .notFound(let what), .alreadyExists(let what), .refused(let what):
            return what
        case .unknown(let kind, let name):
            return "unknown \(kind) \(name)"
        case .keyReuse(let what, let owner, let purpose):
            return "refused key reuse: this \(what) is already recorded as \(owner)'s \(purpose) key"
        case .certificateReuse:
            return "refused certificate reuse: this certificate or serial number is already recorded"
        case .nonceNeverIssued(let nonce):
            return "refused nonce \(nonce): the factory never issued it"
        case .nonceMisdirected(let nonce, let issuedTo, let issuedFor, let owner, let purpose):
            return "refused nonce \(nonce): issued to \(issuedTo) for \(issuedFor), not to \(owner) for \(purpose)"
        case .nonceReplayed(let nonce):
            return "refused replayed nonce \(nonce): already used"
        case .revoked(let what):
            return "\(what) is revoked"
        case .auditChain(let broken):
            return broken.text
        case .database(let code, let message):
            return "SQLite error \(code): \(message)"
        case .certificate(let what, let detail), .crypto(let what, let detail):
            return "\(what): \(detail)"
        case .compression(let what, let code):
            return "\(what) (zlib \(code))"
        case .core(let error):
            return error.message
        }
    }
}

extension FactoryError.AuditBreak {
    fileprivate var text: String {
        switch self {
        case .missing(let seq): return "audit log broken: entry \(seq) is missing"
        case .linkAltered(let seq): return "audit log broken at entry \(seq): link to the previous entry altered"
        case .contentAltered(let seq): return "audit log broken at entry \(seq): its content was altered"
        case .badSignature(let seq): return "audit log broken at entry \(seq): signature does not verify"
        case .truncated(let head, let count):
            return "audit log truncated: the signed head names entry \(head), the log ends at \(count)"
        case .differsFromHead(let seq): return "audit log broken at entry \(seq): it differs from the signed head"
        case .headMissing(let path): return "audit log head \(path) is missing"
        }
    }
}

/// Runs a core operation, turning its error into the factory's.
package func factoryCore<T>(_ body: () throws(LoBotError) -> T) throws(FactoryError) -> T {
    do throws(LoBotError) { return try body() } catch { throw .core(error) }
}

/// Reads a whole input file with a size cap.
package func readInput(_ path: String, maximum: Int = 1 << 20) throws(FactoryError) -> [UInt8] {
    try factoryCore { () throws(LoBotError) in try Files.read(path, maximum: maximum) }
}

/// `mkdir -p`: every missing directory of `path` made with `permissions`.
package func makeDirectories(_ path: String, permissions: UInt32 = 0o755) throws(FactoryError) {
    var prefix = path.hasPrefix("/") ? "" : "."
    for part in path.split(separator: "/") {
        prefix += "/" + part
        try factoryCore { () throws(LoBotError) in try Files.makeDirectory(prefix, permissions: permissions, existingOK: true) }
    }
}
