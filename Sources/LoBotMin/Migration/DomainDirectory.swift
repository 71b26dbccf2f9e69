// An application domain on this platform: its config, its LoBot's vTPM (and the live file of its
// guest's TPM), its disk when it travels with it, and, while it runs, qemu's pid, QMP socket and
// console, and the server of the guest's TPM: its pid, control socket, log, and the launch
// measurement log the guest reads.
//
//   PLATFORM/domains/NAME/   domain  lobot/  disk.img  qemu.pid  qmp.sock  console.log
//                            tpm.pid  tpm.sock  tpm-server.log  tpm-launch.log
import LoBotCore
import LoBotPlatform

struct DomainDirectory {
    let path: String
    let platform: PlatformDirectory
    let name: String

    init(_ platform: PlatformDirectory, name: String) {
        path = Files.join(platform.domainsPath, name)
        self.platform = platform
        self.name = name
    }

    var configPath: String { Files.join(path, "domain") }
    var lobot: VTPMDirectory { VTPMDirectory(Files.join(path, "lobot")) }
    var diskPath: String { Files.join(path, "disk.img") }
    var pidPath: String { Files.join(path, "qemu.pid") }
    var qmpPath: String { Files.join(path, "qmp.sock") }
    var consolePath: String { Files.join(path, "console.log") }
    var tpmPidPath: String { Files.join(path, "tpm.pid") }
    var tpmSocketPath: String { Files.join(path, "tpm.sock") }
    var tpmServerLogPath: String { Files.join(path, "tpm-server.log") }
    var tpmLaunchLogPath: String { Files.join(path, "tpm-launch.log") }

    var exists: Bool { Files.exists(configPath) }

    func config() throws(LoBotError) -> DomainConfig {
        try DomainConfig(bytes: try Files.read(configPath, maximum: 64 << 10))
    }

    func create(_ config: DomainConfig) throws(LoBotError) {
        try Files.makeDirectory(Files.directory(of: path), permissions: 0o700, existingOK: true)
        try Files.makeDirectory(path, permissions: 0o700, existingOK: true)
        try Files.makeDirectory(lobot.path, permissions: 0o700, existingOK: true)
        try Files.writeAtomically(configPath, config.bytes, permissions: 0o600)
    }

    /// The disk qemu attaches, if any.
    func disk(_ config: DomainConfig) -> String? {
        switch config.disk {
        case .none: return nil
        case .local: return diskPath
        case .shared: return config.sharedPath
        }
    }

    /// Removes everything of the domain here (its vTPM must be retired first).
    func destroy() {
        for file in [configPath, diskPath, pidPath, qmpPath, consolePath, tpmPidPath, tpmSocketPath, tpmServerLogPath, tpmLaunchLogPath,
                     GuestTPMStore.livePath(lobot)] + lobot.platformBoundFiles {
            _ = try? Files.remove(file)
        }
        // A directory kept by a file not listed above (qemu.log) stays; any other failure is said.
        Console.bestEffort("cannot remove \(lobot.path)") { () throws(LoBotError) in _ = try Files.removeDirectory(lobot.path) }
        Console.bestEffort("cannot remove \(path)") { () throws(LoBotError) in _ = try Files.removeDirectory(path) }
    }
}
