// Options every factory command shares, and how commands print: one human line (or a few), or
// with --json one JSON object, keys sorted so scripts and tests can rely on the output.
import FactoryKit
import ArgumentParser
import Foundation
import LoBotCore

struct FactoryOptions: ParsableArguments {
    @Option(name: .long, help: "The factory state directory (default: $LOBOT_FACTORY).")
    var factory: String?

    @Flag(name: .long, help: "Print the result as one JSON object.")
    var json = false

    func directory() throws -> String {
        guard let path = factory ?? ProcessInfo.processInfo.environment["LOBOT_FACTORY"] else {
            throw ValidationError("Give --factory DIR or set LOBOT_FACTORY.")
        }
        return path
    }

    func open() throws -> Factory { try Factory(directory: try directory()) }

    /// Prints `text`, or `fields` as JSON with --json.
    func emit(_ text: String, _ fields: [String: Any]) throws {
        if json {
            let data = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(text)
        }
    }
}

/// Writes an output file whole or not at all.
func writeOutput(_ path: String, _ bytes: [UInt8], secret: Bool = false) throws(FactoryError) {
    try factoryCore { () throws(LoBotError) in
        try LoBotCoreFiles.writeAtomically(path, bytes, permissions: secret ? 0o600 : 0o644)
    }
}

/// Parses a 40-hex-digit nonce option.
func parseNonce(_ text: String) throws -> TPMNonceValue {
    guard let bytes = HexText.bytes(text), bytes.count == 20 else { throw ValidationError("--nonce must be 40 hex digits.") }
    return TPMNonceValue(unchecked: bytes)
}
