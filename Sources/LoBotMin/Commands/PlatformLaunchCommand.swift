// `lobot platform launch`: the platform starts a LoBot VM with its vTPM and domain files, hands
// it the platform TPM, and collects what the VM measured and quoted (LSM steps 7-9).
import LoBotCore
import LoBotPlatform

enum PlatformLaunchCommand {
    static let spec = CommandSpec(
        name: "platform launch",
        summary: "Boot a LoBot VM on this platform and collect its quotes.",
        help: """
            usage: lobot platform launch --platform DIR --vtpm DIR --image-dir DIR --platform-nonce HEX
                                         --vtpm-nonce HEX --out FILE [--domain FILE[@SHA256]]...
                                         [--system-data FILE] [--tpm-state DIR | --no-tpm]
                                         [--memory MIB] [--accel auto|kvm|tcg] [--timeout SECONDS]
                                         [--console FILE]

            Boots the baked image in DIR (vmlinuz, initrd.img, cmdline) under qemu with the
            platform's TPM (a TPM 1.2 as tpm-tis, a TPM 2.0 as tpm-crb): the swtpm state in
            --tpm-state (stop the platform's own swtpm, and tcsd, first: a TPM has one user at a
            time), /dev/tpm0 passed through without it, or none with --no-tpm. The VM gets the
            platform's key blobs, on a TPM 1.2 its TrouSerS registration (--system-data, default
            /var/lib/tpm/system.data), the vTPM, the two nonces, and each
            --domain file as a disk (with @SHA256, the file must have that digest). It measures
            itself, binds vTPM and platform PCR 6, quotes both, measures the domains, writes its
            boot result and powers off. Writes the result to --out and prints one line; exits 1
            when the VM reports a failure or writes nothing.

            options:
              --platform DIR       the platform's LoBot directory (or $LOBOT_PLATFORM)
              --vtpm DIR           the LoBot's vTPM (rooted in this platform)
              --platform-nonce HEX nonce for the platform quote (from the factory)
              --vtpm-nonce HEX     nonce for the vTPM quote
              --out FILE           where to write the boot result
              --domain FILE[@SHA256]  a domain file, measured into vTPM PCR 8 (up to 8)
              --no-tpm             boot without a TPM (the VM must refuse)
            \(VMOptions.help)
            """,
        options: PlatformAccess.options + VMOptions.options + ["vtpm", "platform-nonce", "vtpm-nonce", "out", "domain"],
        flags: ["no-tpm"],
        renamed: VMOptions.renamed,
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let platform = try PlatformAccess.directory(arguments)
        let vtpm = VTPMDirectory(try arguments.required("vtpm"))
        let out = try arguments.required("out")
        let platformNonce = try arguments.hexBytes("platform-nonce", length: 20)
        let vtpmNonce = try arguments.hexBytes("vtpm-nonce", length: 20)
        if arguments.has("no-tpm") && arguments.value("tpm-state") != nil { throw arguments.usage("give --tpm-state or --no-tpm, not both") }
        var launcher = try VMOptions.launcher(arguments, noTPM: arguments.has("no-tpm"))
        let family = try PlatformAccess.family(platform)
        launcher.tpmFamily = family
        let systemData = try VMOptions.systemDataEntry(arguments, family: family)

        var domainFiles: [String] = []
        var plan: [DomainPlan.Domain] = []
        for (key, value) in arguments.values where key == "domain" {
            let parts = value.split(separator: "@", maxSplits: 1).map(String.init)
            var expected: [UInt8]? = nil
            if parts.count == 2 {
                guard let digest = Hex.bytes(parts[1]), digest.count == 32 else { throw arguments.usage("--domain FILE@SHA256 needs 64 hex digits") }
                expected = digest
            }
            let size = try core { () throws(LoBotError) in try FileDescriptor(opening: parts[0], .readOnly).size() }
            domainFiles.append(parts[0])
            plan.append(DomainPlan.Domain(name: Files.baseName(of: parts[0]), length: UInt64(size), expected: expected))
        }
        guard plan.count <= DomainPlan.maximumDomains else { throw arguments.usage("at most \(DomainPlan.maximumDomains) --domain files") }

        let started = monotonicMilliseconds()
        let result = try core { () throws(LoBotError) -> BootResult in
            var entries: [(name: String, data: [UInt8])] = []
            // A TPM 2.0's counter is its NV index: no counter file.
            for name in ["aik.blob", "bind.blob"] + (family == .tpm12 ? ["counter"] : []) + ["versions", "versions.key"] {
                entries.append(("platform/" + name, try platform.read(Files.join(platform.path, name), "platform file")))
            }
            entries += systemData
            entries.append(("vtpm/vtpm.state", try Files.read(vtpm.statePath, maximum: BootBundle.maximumEntry)))
            entries.append(("vtpm/msk.bound", try Files.read(vtpm.boundKeyPath, maximum: 4096)))
            entries.append(("nonce/platform", platformNonce))
            entries.append(("nonce/vtpm", vtpmNonce))
            entries.append(("domains", DomainPlan(domains: plan).bytes))
            return try launcher.run(bundle: BootBundle(entries: entries), domains: domainFiles).result
        }
        let elapsed = monotonicMilliseconds() - started
        try Output.write(out, result.bytes)
        if result.succeeded {
            Console.out("LoBot VM \(result.message) (\(launcher.usedAccelerator), \(elapsed) ms); boot result written to \(out)")
        } else {
            throw .failed(.tpmRule("LoBot VM failed: \(result.message) (result written to \(out))"))
        }
    }
}
