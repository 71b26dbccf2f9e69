// Named points where a crash can be injected, so the exactly-one tests can kill a process at
// every step of a protocol and at every stage of a durable write. The core only names the points;
// the agent decides what reaching one does (LOBOT_FAILPOINT: SIGKILL itself).

public enum Failpoints {
    nonisolated(unsafe) public static var hook: (String) -> Void = { _ in }

    @inline(__always)
    public static func hit(_ name: String) { hook(name) }
}
