// Optional timing of the boot's steps on the console, when the kernel command line holds
// "lobot.trace": what to look at when a boot is slow. Off by default, so a normal boot prints
// one line.
import LoBotCore

enum BootTrace {
    static let enabled: Bool = {
        guard let line = try? Files.read("/proc/cmdline", maximum: 4096) else { return false }
        let needle = Array("lobot.trace".utf8)
        guard line.count >= needle.count else { return false }
        for start in 0...(line.count - needle.count) where Array(line[start..<start + needle.count]) == needle { return true }
        return false
    }()

    nonisolated(unsafe) static var last = monotonicMilliseconds()

    static func step(_ name: String) {
        guard enabled else { return }
        let now = monotonicMilliseconds()
        Console.out("lobot.trace: \(name) \(now - last) ms")
        last = now
    }
}
