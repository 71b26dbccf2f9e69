// What PID 1 of the LoBot VM asks of the kernel: filesystems mounted, kernel modules loaded, the
// loopback interface up, the disks flushed and the power cut. Every result is checked; powering
// off comes back only as an error that says why the kernel refused.
import CLibC

public enum Machine {
    /// mount(2) of `source` (of filesystem `type`) on `target`, without flags or data.
    public static func mount(_ source: String, on target: String, type: String) throws(LoBotError) {
        _ = try retryingSystemCall("cannot mount \(type) on", path: target) { CLibC.mount(source, target, type, 0, nil) }
    }

    public enum ModuleOutcome: Equatable, Sendable {
        case loaded
        /// The kernel has the module already (EEXIST).
        case alreadyLoaded
    }

    /// finit_module(2) of the open module file, without parameters.
    public static func loadModule(_ module: borrowing FileDescriptor) throws(LoBotError) -> ModuleOutcome {
        while true {
            if lobot_finit_module(module.raw, "", 0) == 0 { return .loaded }
            let code = lobot_errno()
            if code == EINTR { continue }
            if code == EEXIST { return .alreadyLoaded }
            throw .system(operation: "cannot load kernel module", path: module.path, errno: code)
        }
    }

    /// Sets the loopback interface up (the in-VM tcsd listens on 127.0.0.1; nothing else would).
    public static func loopbackUp() throws(LoBotError) {
        _ = try retryingSystemCall("cannot bring up the loopback interface") { lobot_loopback_up() }
    }

    /// Whether something accepts connections on 127.0.0.1:`port` (a refused connection is the
    /// answer no; only a socket that cannot be made is an error).
    public static func isListening(port: Int) throws(LoBotError) -> Bool {
        try retryingSystemCall("cannot make a socket to probe a TCP port") { lobot_tcp_listening(Int32(port)) } == 1
    }

    /// sync(2): every filesystem's dirty data to its disk (sync cannot fail).
    public static func syncFilesystems() { sync() }

    /// reboot(2) with RB_POWER_OFF. It returns only when the kernel refused, by throwing.
    public static func powerOff() throws(LoBotError) {
        _ = try retryingSystemCall("cannot power off") { reboot(Int32(bitPattern: 0x4321_fedc)) }  // RB_POWER_OFF
        throw .system(operation: "the kernel returned from powering off", path: "", errno: 0)
    }
}
