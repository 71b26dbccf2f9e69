// A buffer aligned for O_DIRECT reads (the LoBot VM measures domain disks at the disk's speed),
// freed when the value goes.
import CLibC

public struct AlignedBuffer: ~Copyable {
    public let pointer: UnsafeMutableRawPointer
    public let count: Int

    /// posix_memalign(3) of `count` bytes at `alignment`.
    public init(count: Int, alignment: Int) throws(LoBotError) {
        var raw: UnsafeMutableRawPointer? = nil
        let code = posix_memalign(&raw, alignment, count)
        guard code == 0, let raw else { throw .system(operation: "cannot allocate \(count) aligned bytes", path: "", errno: code == 0 ? ENOMEM : code) }
        pointer = raw
        self.count = count
    }

    deinit { free(pointer) }
}
