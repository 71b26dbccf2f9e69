// What a LoBot VM image is made of, and the bake that makes it: a Linux kernel (Debian's by
// default) and a gzip-compressed newc initramfs whose /init is the static `lobot`. The bake is
// reproducible (sorted entries, one modification time, numeric owners, gzip without a
// timestamp) and predicts, with BootMeasurements -- the same code the agent runs at boot --
// the vTPM PCRs 0-5 a correct boot of the image must produce. image/README.md explains each part.
import Foundation
import LoBotCore

package enum ImageRecipe {
    /// virtio-blk on q35 and its dependencies, in load order (modinfo -F depends).
    package static let modules: [(name: String, path: String)] = [
        ("virtio_ring", "kernel/drivers/virtio/virtio_ring.ko"),
        ("virtio", "kernel/drivers/virtio/virtio.ko"),
        ("virtio_pci_legacy_dev", "kernel/drivers/virtio/virtio_pci_legacy_dev.ko"),
        ("virtio_pci_modern_dev", "kernel/drivers/virtio/virtio_pci_modern_dev.ko"),
        ("virtio_pci", "kernel/drivers/virtio/virtio_pci.ko"),
        ("virtio_blk", "kernel/drivers/block/virtio_blk.ko"),
    ]

    /// Serial console, no boot noise, power off on panic; skip the crypto self-tests and
    /// expedite RCU (both only speed the boot).
    package static let defaultCommandLine = "console=ttyS0 quiet panic=-1 cryptomgr.notests rcupdate.rcu_expedited=1"
    /// The image's tss user and group (tcsd drops to it; see InVMTCSD).
    package static let tssID: UInt32 = 100

    package struct Inputs {
        package var agent: [UInt8]
        package var kernelPath: String
        package var modulesDirectory: String
        package var caCertificate: [UInt8]
        package var commandLine: String
        package var modificationTime: UInt32

        package init(agent: [UInt8], kernelPath: String, modulesDirectory: String, caCertificate: [UInt8], commandLine: String,
                     modificationTime: UInt32) {
            self.agent = agent
            self.kernelPath = kernelPath
            self.modulesDirectory = modulesDirectory
            self.caCertificate = caCertificate
            self.commandLine = commandLine
            self.modificationTime = modificationTime
        }
    }

    package struct Baked {
        package let kernel: [UInt8]
        package let initramfs: [UInt8]
        package let uncompressedSize: Int
        package let manifest: ImageManifest
        package let events: [Event]
        package let identity: PCRComposite
        package let digest: [UInt8]
    }

    /// The newest kernel in /boot and its modules directory.
    package static func defaultKernel() throws(FactoryError) -> (kernel: String, modules: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/boot")) ?? []
        guard let newest = names.filter({ $0.hasPrefix("vmlinuz-") }).sorted().last else {
            throw .notFound("no kernel in /boot (install linux-image-amd64, or give --kernel and --modules)")
        }
        let version = String(newest.dropFirst("vmlinuz-".count))
        return ("/boot/" + newest, "/lib/modules/" + version)
    }

    package static func bake(_ inputs: Inputs) throws(FactoryError) -> Baked {
        let kernel = try readInput(inputs.kernelPath, maximum: 256 << 20)
        var archive = NewcArchive(modificationTime: inputs.modificationTime)
        for directory in ["/dev", "/proc", "/sys", "/run", "/etc", "/etc/lobot", "/lib", "/lib/modules", "/var", "/var/lib"] {
            archive.add(.init(path: directory, kind: .directory, permissions: 0o755))
        }
        archive.add(.init(path: "/tmp", kind: .directory, permissions: 0o1777))
        archive.add(.init(path: "/var/lib/tpm", kind: .directory, permissions: 0o700, uid: tssID, gid: tssID))
        archive.add(.init(path: "/dev/console", kind: .characterDevice(major: 5, minor: 1), permissions: 0o600))
        archive.add(.init(path: "/init", kind: .file(inputs.agent), permissions: 0o755))

        var files: [(path: String, bytes: [UInt8], permissions: UInt32, gid: UInt32)] = [
            ("/etc/passwd", Array("root:x:0:0:root:/:/nonexistent\ntss:x:\(tssID):\(tssID):TPM software stack:/var/lib/tpm:/nonexistent\n".utf8), 0o644, 0),
            ("/etc/group", Array("root:x:0:\ntss:x:\(tssID):\n".utf8), 0o644, 0),
            ("/etc/hosts", Array("127.0.0.1 localhost\n".utf8), 0o644, 0),
            ("/etc/tcsd.conf", Array("port = 30003\nsystem_ps_file = /var/lib/tpm/system.data\n".utf8), 0o640, tssID),
            ("/etc/lobot/ca.cert", inputs.caCertificate, 0o644, 0),
            ("/etc/lobot/modules", Array(modules.map(\.name).joined(separator: "\n").utf8) + [0x0a], 0o644, 0),
        ]
        for module in modules {
            files.append(("/lib/modules/\(module.name).ko", try readInput(inputs.modulesDirectory + "/" + module.path, maximum: 16 << 20), 0o644, 0))
        }
        var entries: [ImageManifest.Entry] = []
        for file in files.sorted(by: { $0.path < $1.path }) {
            archive.add(.init(path: file.path, kind: .file(file.bytes), permissions: file.permissions, gid: file.gid))
            entries.append(.init(path: file.path, mode: file.permissions, sha256: try factoryCore { () throws(LoBotError) in try Digest.sha256(file.bytes) }))
        }
        let manifest = ImageManifest(entries: entries)
        archive.add(.init(path: ImageManifest.path, kind: .file(manifest.bytes), permissions: 0o644))

        let cpio = archive.bytes()
        let initramfs = try Gzip.compress(cpio)
        let commandLine = BootMeasurements.normalizedCommandLine(Array(inputs.commandLine.utf8))
        return try factoryCore { () throws(LoBotError) in
            let events = try BootMeasurements.imageEvents(
                agent: try Digest.sha256(inputs.agent), manifest: try Digest.sha256(manifest.bytes),
                commandLine: try Digest.sha256(commandLine))
            let digest = try Digest.sha256(try Digest.sha256(kernel) + (try Digest.sha256(initramfs)) + commandLine)
            return Baked(kernel: kernel, initramfs: initramfs, uncompressedSize: cpio.count, manifest: manifest, events: events,
                         identity: try BootMeasurements.identityComposite(events), digest: digest)
        }
    }
}
