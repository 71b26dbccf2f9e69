// Launching a LoBot VM on a platform host (LSM step 7): the boot bundle and output disks, the
// platform TPM handed to the VM (an swtpm on the platform's TPM state, or /dev/tpm0 passed
// through -- a TPM has one user at a time; a TPM 1.2 as qemu's tpm-tis, a TPM 2.0 as tpm-crb),
// qemu under a deadline, and the result read back from
// the output disk. KVM when it works here, TCG otherwise: whether KVM boots this kernel is
// probed once and remembered, because nested KVM can accept the kernel and then hang.
import LoBotCore

struct VMLauncher {
    enum TPM {
        case emulated(stateDirectory: String)
        case passthrough(device: String)
        case none

        /// qemu's TPM device for the family: the TIS interface a TPM 1.2 driver knows, the CRB
        /// interface of a TPM 2.0.
        static func device(_ family: TPMFamily) -> String { family == .tpm2 ? "tpm-crb" : "tpm-tis" }
    }

    var kernel: String
    var initrd: String
    var commandLine: String
    var tpm: TPM
    /// The family of the platform's TPM (what the platform enrolled).
    var tpmFamily = TPMFamily.tpm12
    var memoryMiB = 128
    var accelerator = "auto"
    var timeoutSeconds = 180
    var machine = "pc-q35-7.2"
    var consolePath: String? = nil

    /// The accelerator the last `run` used.
    private(set) var usedAccelerator = ""

    /// The output disk: room for the result and, for a migration's step 7, LoBot_D's files.
    static let outputDiskSize = 4 << 20

    /// Boots the VM with `bundle` and `domains` (disk images, in plan order); returns what it
    /// wrote, or a failed result saying why there is none.
    mutating func run(bundle: BootBundle, domains: [String]) throws(LoBotError) -> BootOutput {
        let work = try TemporaryWorkDirectory()
        defer { work.remove() }
        let bundleDisk = work.file("bundle.img")
        var header = VMDisk.InputHeader(length: UInt64(bundle.bytes.count), name: "bundle").bytes + bundle.bytes
        while header.count % VMDisk.sector != 0 { header.append(0) }
        try Files.writeDurably(bundleDisk, header)
        let outputDisk = work.file("out.img")
        try Files.writeDurably(outputDisk, [UInt8](repeating: 0, count: Self.outputDiskSize))

        let accel = try chooseAccelerator(work: work)
        usedAccelerator = accel
        // The guest's random pool must be ready at once or its first nonce waits for entropy (a
        // second under TCG): "max" gives TCG guests RDRAND, "host" passes the CPU's under KVM.
        var arguments = ["qemu-system-x86_64", "-machine", machine, "-accel", accel, "-cpu", accel == "kvm" ? "host" : "max", "-m", "\(memoryMiB)",
                         "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot", "-nic", "none",
                         "-serial", "file:" + (consolePath ?? work.file("console.log")),
                         "-kernel", kernel, "-initrd", initrd, "-append", commandLine]
        var swtpm: ChildProcess? = nil
        switch tpm {
        case .emulated(let state):
            let family = tpmFamily
            let socket = work.file("swtpm.sock")
            swtpm = try ChildProcess.spawn("/usr/bin/swtpm", ["swtpm", "socket", "--tpmstate", "dir=" + state,
                                                              "--ctrl", "type=unixio,path=" + socket, "-t"] + (family == .tpm2 ? ["--tpm2"] : []),
                                           outputPath: work.file("swtpm.log"))
            let deadline = monotonicMilliseconds() + 5000
            while !Files.exists(socket) {
                guard monotonicMilliseconds() < deadline, swtpm?.wait(milliseconds: 10) == nil else {
                    throw .tpmRule("swtpm did not start on \(state)")
                }
            }
            arguments += ["-chardev", "socket,id=chrtpm,path=" + socket, "-tpmdev", "emulator,id=tpm0,chardev=chrtpm",
                          "-device", TPM.device(family) + ",tpmdev=tpm0"]
        case .passthrough(let device):
            arguments += ["-tpmdev", "passthrough,id=tpm0,path=" + device, "-device", TPM.device(tpmFamily) + ",tpmdev=tpm0"]
        case .none:
            break
        }
        defer { swtpm?.stop("swtpm") }
        arguments += Self.disk(bundleDisk, serial: BootDisks.bundleSerial, readOnly: true)
        arguments += Self.disk(outputDisk, serial: BootDisks.outputSerial, readOnly: false)
        for (index, domain) in domains.enumerated() {
            arguments += Self.disk(domain, serial: DomainPlan.Domain.serial(index), readOnly: true)
        }

        let qemu = try ChildProcess.spawn("/usr/bin/qemu-system-x86_64", arguments, outputPath: work.file("qemu.log"))
        if qemu.wait(milliseconds: timeoutSeconds * 1000) == nil {
            qemu.stop("qemu")
            return .failure("the LoBot VM did not power off within \(timeoutSeconds) s")
        }
        let disk = try Files.read(outputDisk, maximum: Self.outputDiskSize)
        guard let payload = try? VMDisk.parseOutputRecord(disk) else {
            let console = consolePath ?? work.file("console.log")
            return .failure("the LoBot VM wrote no result (last console line: \(lastLine(console)))")
        }
        return try BootOutput(bytes: payload)
    }

    static func disk(_ path: String, serial: String, readOnly: Bool) -> [String] {
        let id = serial.replacingDashes()
        return ["-drive", "file=\(path),format=raw,if=none,id=\(id)" + (readOnly ? ",readonly=on" : ""),
                "-device", "virtio-blk-pci,drive=\(id),serial=\(serial)"]
    }

    /// tcg or kvm. "auto" uses KVM only if /dev/kvm opens and a probe boot of this kernel under
    /// KVM powered off in time; the verdict is kept in ~/.cache/lobot/kvm-<kernel digest>.
    func chooseAccelerator(work: TemporaryWorkDirectory) throws(LoBotError) -> String {
        if accelerator != "auto" { return accelerator }
        do throws(LoBotError) {
            _ = try FileDescriptor(opening: "/dev/kvm", .readWrite)
        } catch {
            return "tcg"  // no KVM here that this user may use
        }
        let (cacheDirectory, cache) = try Self.acceleratorCache(kernel: kernel)
        if let verdict = Self.cachedVerdict(cache) { return verdict }
        // The probe: the image boots, finds no disks, prints one line and powers off.
        let probe = try ChildProcess.spawn(
            "/usr/bin/qemu-system-x86_64",
            ["qemu-system-x86_64", "-machine", machine, "-accel", "kvm", "-m", "\(memoryMiB)", "-nodefaults", "-no-user-config",
             "-display", "none", "-no-reboot", "-nic", "none", "-serial", "file:" + work.file("probe.log"),
             "-kernel", kernel, "-initrd", initrd, "-append", commandLine], outputPath: work.file("probe-qemu.log"))
        let works = probe.wait(milliseconds: 15_000) == .exited(0) && lastLine(work.file("probe.log")).hasPrefix("lobot:")
        if !works { probe.stop("the KVM probe's qemu", grace: 500) }
        let verdict = works ? "kvm" : "tcg"
        _ = try? Files.makeDirectory(cacheDirectory, permissions: 0o755, existingOK: true)
        _ = try? Files.writeAtomically(cache, Array(verdict.utf8), permissions: 0o644)
        return verdict
    }

    /// Where the KVM verdict for `kernel` is kept.
    static func acceleratorCache(kernel: String) throws(LoBotError) -> (directory: String, file: String) {
        let digest = Hex.string(Array(try FileMeasurement.sha256(path: kernel).prefix(8)))
        let directory = (Environment.value("XDG_CACHE_HOME") ?? ((Environment.value("HOME") ?? "/tmp") + "/.cache")) + "/lobot"
        return (directory, directory + "/kvm-" + digest)
    }

    /// The accelerator a probe found for `kernel` (tcg when none probed it, or KVM is unusable).
    static func knownAccelerator(kernel: String) -> String {
        guard let cache = try? acceleratorCache(kernel: kernel).file else { return "tcg" }
        return cachedVerdict(cache) ?? "tcg"
    }

    /// The verdict kept in `cache`, if any.
    static func cachedVerdict(_ cache: String) -> String? {
        guard let verdict = try? Files.read(cache, maximum: 16) else { return nil }
        return verdict == Array("kvm".utf8) ? "kvm" : "tcg"
    }

    func lastLine(_ path: String) -> String {
        guard let bytes = try? Files.read(path, maximum: 4 << 20) else { return "none" }
        let lines = bytes.split(separator: 0x0a).filter { !$0.allSatisfy { $0 == 0x0d || $0 == 0x20 } }
        return lines.last.map { String(decoding: $0.filter { $0 != 0x0d }, as: UTF8.self) } ?? "none"
    }
}

/// A private directory for one launch's disks and logs, removed afterwards.
struct TemporaryWorkDirectory {
    let path: String

    init() throws(LoBotError) {
        path = try Files.makeTemporaryDirectory(prefix: "/tmp/lobot-vm-")
    }

    func file(_ name: String) -> String { Files.join(path, name) }

    /// Removes the directory and its files; what cannot be removed is said on stderr.
    func remove() {
        Console.bestEffort("cannot remove the work directory \(path)") { () throws(LoBotError) in
            for name in try Files.list(path) { try Files.remove(file(name)) }
            if try Files.removeDirectory(path) == .notEmpty { throw .alreadyExists("a file made in it while it was removed") }
        }
    }
}

extension ChildProcess {
    /// `terminate` where the caller is on its way out (a defer, a failure already thrown): a
    /// failure to stop the child is said on stderr.
    @inline(never)
    func stop(_ what: String, grace: Int = 2000) {
        Console.bestEffort("cannot stop \(what)") { () throws(LoBotError) in try terminate(grace: grace) }
    }
}

extension String {
    func replacingDashes() -> String { String(decoding: utf8.map { $0 == UInt8(ascii: "-") ? UInt8(ascii: "_") : $0 }, as: UTF8.self) }
}
