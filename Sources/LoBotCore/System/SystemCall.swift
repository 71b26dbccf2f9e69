// The only core file that decides how libc failures become LoBotErrors: EINTR is retried here,
// errno is read here, strerror is called here.
import CLibC

enum SystemErrors {
    static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}

/// Calls `body` until it does not fail with EINTR; a -1 result becomes `.system` with errno.
@inline(__always)
func retryingSystemCall<T: BinaryInteger>(
    _ operation: String, path: String = "", _ body: () -> T
) throws(LoBotError) -> T {
    while true {
        let result = body()
        if result != -1 { return result }
        let code = lobot_errno()
        if code == EINTR { continue }
        throw .system(operation: operation, path: path, errno: code)
    }
}
