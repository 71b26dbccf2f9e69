// Files the agent writes for the user: always whole or not at all (temp file, fsync, rename),
// secrets 0600.
import LoBotCore

enum Output {
    static func write(_ path: String, _ bytes: [UInt8], secret: Bool = false) throws(AgentError) {
        try core { () throws(LoBotError) in try Files.writeAtomically(path, bytes, permissions: secret ? 0o600 : 0o644) }
    }

    static func read(_ path: String, maximum: Int) throws(AgentError) -> [UInt8] {
        try core { () throws(LoBotError) in try Files.read(path, maximum: maximum) }
    }
}
