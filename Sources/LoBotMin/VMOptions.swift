// The options of the commands that boot the LoBot VM on this platform (`platform launch` and
// `migrate receive --image-dir`): the baked image, how the platform TPM is handed to the VM, the
// TrouSerS registration the in-VM tcsd needs, and qemu's memory, accelerator, deadline and console.
import LoBotCore

enum VMOptions {
    static let options = ["image-dir", "system-data", "tpm-state", "memory", "accel", "timeout", "console"]

    /// `--image` named the image directory before golden-record names and image directories got one
    /// name each (--lobot-golden NAME in the factory, --image-dir DIR here).
    static let renamed = [(old: "image", new: "image-dir")]

    static let help = """
          --image-dir DIR      the baked image's directory (lobot-factory bake --out)
          --system-data FILE   the platform tcsd's system.data (default /var/lib/tpm/system.data;
                               TPM 1.2 only: the VM reaches a TPM 2.0 without a daemon)
          --tpm-state DIR      the platform TPM's swtpm state directory (stop its swtpm, and tcsd,
                               first); without it /dev/tpm0 is passed through (tpm-tis for a
                               TPM 1.2, tpm-crb for a TPM 2.0)
          --memory MIB         guest memory (default 128; at least 96)
          --accel MODE         auto (KVM where it boots, else TCG; default), kvm or tcg
          --timeout SECONDS    power-off deadline (default 180)
          --console FILE       keep the VM's serial console here
        """

    /// A launcher for the image in --image-dir with the TPM, memory, accelerator, deadline and
    /// console the options ask for (its `tpmFamily` is the caller's to set); `noTPM` boots without
    /// any TPM.
    static func launcher(_ arguments: ParsedArguments, noTPM: Bool = false) throws(AgentError) -> VMLauncher {
        let image = try arguments.required("image-dir")
        let accel = arguments.value("accel") ?? "auto"
        guard ["auto", "kvm", "tcg"].contains(accel) else { throw arguments.usage("--accel must be auto, kvm or tcg") }
        let tpm: VMLauncher.TPM
        if noTPM {
            tpm = .none
        } else if let state = arguments.value("tpm-state") {
            tpm = .emulated(stateDirectory: state)
        } else {
            tpm = .passthrough(device: "/dev/tpm0")
        }
        let memory = try arguments.integer("memory", in: 96...65536)
        let timeout = try arguments.integer("timeout", in: 10...3600)
        let commandLine = try core { () throws(LoBotError) in try Files.read(Files.join(image, "cmdline"), maximum: 4096) }
        var launcher = VMLauncher(kernel: Files.join(image, "vmlinuz"), initrd: Files.join(image, "initrd.img"),
                                  commandLine: String(decoding: commandLine, as: UTF8.self), tpm: tpm)
        launcher.accelerator = accel
        launcher.consolePath = arguments.value("console")
        if let memory { launcher.memoryMiB = memory }
        if let timeout { launcher.timeoutSeconds = timeout }
        return launcher
    }

    /// The boot bundle's entry for the tcsd inside the VM: the platform tcsd's TrouSerS store (its
    /// SRK registration) on a TPM 1.2 platform; none on a TPM 2.0 one.
    static func systemDataEntry(_ arguments: ParsedArguments, family: TPMFamily) throws(AgentError) -> [(name: String, data: [UInt8])] {
        guard family == .tpm12 else {
            if arguments.value("system-data") != nil { throw arguments.usage("--system-data is for a TPM 1.2 platform's tcsd") }
            return []
        }
        return [("platform/system.data", try systemData(arguments))]
    }

    /// The platform tcsd's TrouSerS store (its SRK registration), for the tcsd inside the VM.
    static func systemData(_ arguments: ParsedArguments) throws(AgentError) -> [UInt8] {
        let path = arguments.value("system-data") ?? "/var/lib/tpm/system.data"
        return try core { () throws(LoBotError) in try Files.read(path, maximum: 1 << 20) }
    }
}
