// The process environment: the variables the agent reads ($LOBOT_*, $HOME) and the two the
// in-VM tcsd's clients need set, without Foundation.
import CLibC

public enum Environment {
    /// getenv(3): the variable's value, nil when it is not set.
    public static func value(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// setenv(3), replacing any value.
    public static func set(_ name: String, _ value: String) throws(LoBotError) {
        _ = try retryingSystemCall("cannot set environment variable", path: name) { setenv(name, value, 1) }
    }
}
