// What PID 1 of the LoBot VM does to the machine: mounts, kernel modules, the loopback
// interface, finding its disks by virtio serial, and powering off. Nothing here decides trust.
import LoBotCore

enum BootSystem {
    /// devtmpfs (for /dev/tpm0, /dev/vd*), proc (/proc/cmdline), sysfs (disk serials),
    /// securityfs (the firmware and IMA event logs), and a tmpfs for the run-time files.
    static func mountFilesystems() throws(LoBotError) {
        for (source, target, type) in [("devtmpfs", "/dev", "devtmpfs"), ("proc", "/proc", "proc"), ("sysfs", "/sys", "sysfs"),
                                       ("securityfs", "/sys/kernel/security", "securityfs"), ("tmpfs", "/run", "tmpfs")] {
            try Files.makeDirectory(target, permissions: 0o755, existingOK: true)
            try Machine.mount(source, on: target, type: type)
        }
    }

    /// Loads the kernel modules named, in order, in /etc/lobot/modules (one per line).
    static func loadModules() throws(LoBotError) {
        let list = try Files.read("/etc/lobot/modules", maximum: 4096)
        for line in list.split(separator: 0x0a) where !line.isEmpty {
            let name = String(decoding: line, as: UTF8.self)
            let path = "/lib/modules/" + name + ".ko"
            let module = try FileDescriptor(opening: path, .readOnly)
            // A module the kernel has already (built in, or loaded by an earlier line) is as good.
            _ = try Machine.loadModule(module)
        }
    }

    struct Disk {
        let serial: String
        let path: String
        /// Bytes.
        let size: UInt64
    }

    /// Every virtio disk with its serial and size, in serial order.
    static func allDisks() -> [Disk] {
        var found: [Disk] = []
        for index in 0..<26 {
            let name = "vd" + String(decoding: [UInt8(ascii: "a") + UInt8(index)], as: UTF8.self)
            guard let raw = try? Files.read("/sys/block/\(name)/serial", maximum: 64) else { continue }
            let serial = String(decoding: BootMeasurements.normalizedCommandLine(raw), as: UTF8.self)
            let sizeText = (try? Files.read("/sys/block/\(name)/size", maximum: 64)).map { BootMeasurements.normalizedCommandLine($0) } ?? []
            let sectors = UInt64(String(decoding: sizeText, as: UTF8.self)) ?? 0
            found.append(Disk(serial: serial, path: "/dev/" + name, size: sectors * 512))
        }
        found.sort { $0.serial < $1.serial }
        return found
    }

    /// The disk whose virtio serial is `serial`.
    static func disk(serial: String) -> Disk? { allDisks().first { $0.serial == serial } }

    /// Every disk whose serial starts with `prefix`.
    static func disks(prefix: String) -> [Disk] { allDisks().filter { $0.serial.hasPrefix(prefix) } }

    /// Flushes, then powers the VM off. Never returns: a refusal is said on the console and the
    /// power-off tried again each second (the host's deadline ends the VM if the kernel never agrees).
    static func powerOff() -> Never {
        Machine.syncFilesystems()
        while true {
            Console.bestEffort("cannot power off, trying again in 1 s") { () throws(LoBotError) in try Machine.powerOff() }
            Clock.pause(milliseconds: 1000)
        }
    }
}
