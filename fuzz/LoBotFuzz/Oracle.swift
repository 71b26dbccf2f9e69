// The fuzz oracle: beyond "no crash", every structure a parser accepts must serialize back to
// the very bytes it was read from (every LoBot format is canonical), parse again to an equal
// value, and every refusal must be a one-line parse error. A violation aborts, so libFuzzer
// records it as a crash and keeps the input.
import Glibc
import LoBotCore

/// Writes `line` to standard error (fd 2: the C `stderr` global is not concurrency-safe).
func report(_ line: String) {
    var bytes = Array(line.utf8)
    if bytes.last != 0x0a { bytes.append(0x0a) }
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

/// Stops the run with `what`; libFuzzer saves the input that got here.
func violation(_ what: String) -> Never {
    report("LOBOT FUZZ ORACLE VIOLATION: \(what)\n")
    abort()
}

/// A refusal must be a parse error naming the structure, with a message of one line.
func checkRefusal(_ error: LoBotError, _ name: String) {
    let message = error.message
    guard !message.isEmpty, !message.utf8.contains(0x0a) else { violation("\(name): refusal message is not one line: \(message)") }
}

/// Parses `bytes` as a top-level `T` and, if accepted, checks the round trip. Returns the value.
@discardableResult
func roundTrip<T: WireStructure & Equatable>(_ type: T.Type, _ bytes: [UInt8]) -> T? {
    let value: T
    do throws(LoBotError) {
        value = try T(bytes: bytes)
    } catch {
        guard case .parse = error else { violation("\(T.wireName): refused with a non-parse error: \(error.message)") }
        checkRefusal(error, T.wireName)
        return nil
    }
    checkSerialization(value, accepted: bytes)
    return value
}

/// `value`, read from `accepted`, serializes to `accepted` and reads back to itself.
func checkSerialization<T: WireStructure & Equatable>(_ value: T, accepted: [UInt8]?) {
    let written = value.bytes
    if let accepted, written != accepted {
        violation("\(T.wireName): accepted \(accepted.count) bytes but serializes to \(written.count) other bytes")
    }
    let again: T
    do throws(LoBotError) {
        again = try T(bytes: written)
    } catch {
        violation("\(T.wireName): its own serialization is refused: \(error.message)")
    }
    guard again == value else { violation("\(T.wireName): re-parse gives another value") }
    guard again.bytes == written else { violation("\(T.wireName): re-serialization differs") }
}

/// Runs `body` and checks a thrown error's message is one line; returns the result or nil.
func attempt<T>(_ what: String, _ body: () throws(LoBotError) -> T) -> T? {
    do throws(LoBotError) {
        return try body()
    } catch {
        checkRefusal(error, what)
        return nil
    }
}

/// A selector byte and the rest: how one target fuzzes several structures.
struct Selected {
    let index: Int
    let rest: [UInt8]

    init?(_ bytes: [UInt8], count: Int) {
        guard let first = bytes.first else { return nil }
        index = Int(first) % count
        rest = Array(bytes.dropFirst())
    }
}
