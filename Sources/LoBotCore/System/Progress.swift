// How far long work has got: the core names the bytes each chunk of it moves (sealing or opening
// an aDom stream, hashing a file); the agent decides what to do with the count (a progress line
// for the migration steps that move a domain's memory and disk).

public enum Progress {
    nonisolated(unsafe) public static var hook: (Int) -> Void = { _ in }

    /// `bytes` more were moved.
    @inline(__always)
    public static func advance(_ bytes: Int) { hook(bytes) }
}
