// What PID 1 of the LoBot VM does to the machine: mounts, kernel modules, the loopback
// interface, finding its disks by virtio serial, and powering off. Nothing here decides trust.
import CLibC
import LoBotCore

enum BootSystem {
    /// devtmpfs (for /dev/tpm0, /dev/vd*), proc (/proc/cmdline), sysfs (disk serials),
    /// securityfs (the firmware and IMA event logs), and a tmpfs for the run-time files.
    static func mountFilesystems() throws(LoBotError) {
        for (source, target, type) in [("devtmpfs", "/dev", "devtmpfs"), ("proc", "/proc", "proc"), ("sysfs", "/sys", "sysfs"),
                                       ("securityfs", "/sys/kernel/security", "securityfs"), ("tmpfs", "/run", "tmpfs")] {
            try Files.makeDirectory(target, permissions: 0o755, existingOK: true)
            if mount(source, target, type, 0, nil) != 0 {
                throw .system(operation: "cannot mount \(type) on", path: target, errno: lobot_errno())
            }
        }
    }

    /// Loads the kernel modules named, in order, in /etc/lobot/modules (one per line).
    static func loadModules() throws(LoBotError) {
        let list = try Files.read("/etc/lobot/modules", maximum: 4096)
        for line in list.split(separator: 0x0a) where !line.isEmpty {
            let name = String(decoding: line, as: UTF8.self)
            let path = "/lib/modules/" + name + ".ko"
            let module = try FileDescriptor(opening: path, .readOnly)
            if lobot_finit_module(module.raw, "", 0) != 0 {
                let code = lobot_errno()
                if code != EEXIST { throw .system(operation: "cannot load kernel module", path: path, errno: code) }
            }
        }
    }

    static func loopbackUp() throws(LoBotError) {
        guard lobot_loopback_up() == 0 else { throw .system(operation: "cannot bring up the loopback interface", path: "", errno: lobot_errno()) }
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

    /// Flushes, then powers the VM off. Never returns.
    static func powerOff() -> Never {
        sync()
        while true {
            _ = reboot(Int32(bitPattern: 0x4321_fedc))  // RB_POWER_OFF
            var pause = timespec(tv_sec: 1, tv_nsec: 0)
            _ = nanosleep(&pause, nil)
        }
    }
}
