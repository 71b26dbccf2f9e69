// The one error type of LoBotCore. Every failure a user can meet becomes one of these cases, and
// `message` turns it into the single line the tools print. Embedded Swift needs typed throws, so
// every throwing function in the core says `throws(LoBotError)`.

/// What went wrong while parsing a wire structure, and where.
public struct ParseFailure: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// The input ended: `needed` more bytes were wanted, `available` were left.
        case truncated(needed: Int, available: Int)
        /// A length field exceeded the cap that guards allocation.
        case lengthTooLarge(field: String, value: UInt64, maximum: UInt64)
        /// A fixed field (tag, magic, version) or an enumerated field held a value not allowed.
        case unexpectedValue(field: String, value: UInt64)
        /// The structure ended before the input did.
        case trailingBytes(count: Int)
        /// A field is well formed but inconsistent with another field.
        case inconsistent(String)
    }

    /// The wire structure being parsed, e.g. `TPM_QUOTE_INFO`.
    public var structure: String
    public var kind: Kind
    /// Byte offset of the failure from the start of the input.
    public var offset: Int

    public init(structure: String, kind: Kind, offset: Int) {
        self.structure = structure
        self.kind = kind
        self.offset = offset
    }

    public var message: String {
        let detail: String
        switch kind {
        case .truncated(let needed, let available):
            detail = "truncated at byte \(offset): need \(needed) bytes, \(available) left"
        case .lengthTooLarge(let field, let value, let maximum):
            detail = "\(field) at byte \(offset) is \(value), more than the limit \(maximum)"
        case .unexpectedValue(let field, let value):
            detail = "\(field) at byte \(offset) has unexpected value \(value)"
        case .trailingBytes(let count):
            detail = "\(count) unexpected trailing bytes at byte \(offset)"
        case .inconsistent(let what):
            detail = "\(what) (at byte \(offset))"
        }
        return "malformed \(structure): \(detail)"
    }
}

public enum LoBotError: Error, Equatable, Sendable {
    /// Bytes that do not form the expected structure.
    case parse(ParseFailure)
    /// An OpenSSL call failed; `code` is `ERR_get_error()` (0 when OpenSSL queued none).
    case crypto(operation: String, code: UInt)
    /// A system call failed on `path` (empty when no path is involved).
    case system(operation: String, path: String, errno: Int32)
    /// Authenticated decryption or a signature check failed: the bytes were altered, or the key
    /// is not the one they were made for.
    case authentication(what: String)
    /// Another process holds the lock on a vTPM state.
    case inUse(path: String)
    /// A state file whose version is not the one its rollback counter says it must be.
    case rollback(path: String, stateVersion: UInt64, counter: UInt64)
    /// A nonce, session or message that is not the fresh one expected.
    case replay(String)
    /// Sealed data whose PCR condition does not hold now.
    case pcrMismatch(String)
    /// A request that breaks a TPM rule (PCR out of range, PCR not resettable, ...).
    case tpmRule(String)
    /// A platform TPM command failed; `code` is the TSS result, `detail` TrouSerS' text for it.
    case tpm(operation: String, code: UInt32, detail: String)
    /// The guest TPM engine (libtpms) or a TPM command LoBot sent it failed; `code` is the TPM
    /// result code: libtpms' TPM_RESULT, or the command's response code (a TPM 1.2 TPM_RESULT or
    /// a TPM 2.0 TPM_RC).
    case guestTPM(operation: String, code: UInt32)
    /// A user-supplied value that is not acceptable.
    case invalidArgument(String)
    /// A file or object that should exist does not, or should not exist and does.
    case notFound(String)
    case alreadyExists(String)
    /// A protocol step that decided against going on (an untrusted destination, a package that
    /// does not match); its effects (roll back or destroy) are done when this is thrown.
    case refused(String)

    /// One line for a human, without a trailing newline. Names and reasons from the input it
    /// quotes (a message's sender, a peer's refusal) cannot break it: control characters become "?".
    public var message: String { Self.oneLine(text) }

    /// `text` with every control character (C0, DEL) replaced by "?", so that it prints as one line.
    public static func oneLine(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return text }
        return String(decoding: text.utf8.map { $0 < 0x20 || $0 == 0x7F ? UInt8(ascii: "?") : $0 }, as: UTF8.self)
    }

    private var text: String {
        switch self {
        case .parse(let failure):
            return failure.message
        case .crypto(let operation, let code):
            if code == 0 { return "failed to \(operation)" }
            return "failed to \(operation) (OpenSSL error 0x\(Hex.string(code)))"
        case .system(let operation, let path, let errno):
            let reason = SystemErrors.describe(errno)
            return path.isEmpty ? "\(operation): \(reason)" : "\(operation) \(path): \(reason)"
        case .authentication(let what):
            return "\(what) failed authentication: altered, or not made for this key"
        case .inUse(let path):
            return "vTPM state \(path) is in use by another process"
        case .rollback(let path, let stateVersion, let counter):
            return "\(path) is rolled back: version \(stateVersion), counter says \(counter)"
        case .replay(let what):
            return "refused as stale or replayed: \(what)"
        case .pcrMismatch(let what):
            return "PCR values do not match: \(what)"
        case .tpmRule(let what):
            return what
        case .tpm(let operation, let code, let detail):
            return "failed to \(operation) with the platform TPM (TSS error 0x\(Hex.string(UInt(code))): \(detail))"
        case .guestTPM(let operation, let code):
            return "failed to \(operation) in the guest TPM (TPM result 0x\(Hex.string(UInt(code))))"
        case .invalidArgument(let what):
            return what
        case .notFound(let what):
            return "\(what) not found"
        case .alreadyExists(let what):
            return "\(what) already exists"
        case .refused(let what):
            return "refused: \(what)"
        }
    }
}
