// The LoBot VM's work at boot (LSM steps 8 and 9): check the image against its manifest, open
// the vTPM through the platform TPM (its MSK is bound to the platform's bind key), start it
// afresh, measure the agent, the manifest and the command line into PCRs 0-2, bind vTPM and
// platform to each other through PCR 6 on both sides, quote the platform's PCRs 0-15 and the
// vTPM's PCRs 0-8, and measure the domain files into vTPM PCR 8. A bundle that carries a
// migration session asks for LSM step 7 instead (InVMReceive). Any failure becomes a failed
// result with its one-line reason.
import LoBotCore
import LoBotPlatform

enum BootSequence {
    static let platformDirectory = PlatformDirectory("/run/lobot/platform")
    static let vtpmDirectory = VTPMDirectory("/run/lobot/vtpm")

    /// The boot's work: a migration's step 7 when the bundle carries a session (InVMReceive),
    /// otherwise a LoBot boot with the vTPM it was given. Any failure becomes a failed result.
    static func run() -> BootOutput {
        do throws(LoBotError) {
            guard Files.exists("/dev/tpm0") else { throw .tpmRule("no TPM: this VM has no /dev/tpm0 (attach the platform's TPM)") }
            BootTrace.step("start")
            let bundle = try BootDisks.readBundle()
            try stage(bundle)
            // The TPM the host handed over must be of the family the platform enrolled.
            let family = try tpmFamily()
            let enrolled = try platformDirectory.family()
            guard family == enrolled else { throw .tpmRule("the VM's TPM is a \(family.name), the platform enrolled a \(enrolled.name)") }
            if InVMReceive.isAsked(bundle) { return try InVMReceive.run(bundle, family: family) }
            return BootOutput(result: try measureAndQuote(bundle, family: family))
        } catch {
            return .failure(error.message)
        }
    }

    /// The family of the VM's TPM, as its kernel driver found it.
    static func tpmFamily() throws(LoBotError) -> TPMFamily {
        let major = try Files.read("/sys/class/tpm/tpm0/tpm_version_major", maximum: 16)
        switch BootMeasurements.normalizedCommandLine(major) {
        case Array("1".utf8): return .tpm12
        case Array("2".utf8): return .tpm2
        default: throw .tpmRule("the VM's TPM is neither a TPM 1.2 nor a TPM 2.0")
        }
    }

    /// The platform TPM, and the image's events for vTPM PCRs 0-2: a TPM 2.0 through the kernel's
    /// resource manager (/dev/tpmrm0); a TPM 1.2 through the in-VM tcsd (the events checked and
    /// measured while it starts), which the caller terminates (`stop`).
    static func startPlatform(_ bundle: BootBundle, family: TPMFamily) throws(LoBotError)
        -> (tcsd: ChildProcess?, tpm: PlatformRoot, events: [Event])
    {
        if family == .tpm2 {
            let events = try measureImage()
            BootTrace.step("image measured")
            return (nil, .tpm20(try PlatformTPM2(.device("/dev/tpmrm0"))), events)
        }
        let tcsd = try InVMTCSD.start(systemData: try bundle.file("platform/system.data"))
        do throws(LoBotError) {
            BootTrace.step("bundle")
            let events = try measureImage()
            BootTrace.step("image measured")
            try InVMTCSD.waitUntilListening(tcsd)
            BootTrace.step("tcsd")
            return (tcsd, .tpm12(try PlatformTPM()), events)
        } catch {
            tcsd.stop("tcsd")
            throw error
        }
    }

    /// Stops the in-VM tcsd once this process has left it: tcsd lets each client finish before
    /// it exits, so a connection still open would hold it until it is killed after its grace.
    static func stop(_ tcsd: ChildProcess?, after tpm: PlatformRoot) {
        guard let tcsd else { return }
        if case .tpm12(let tpm12) = tpm { tpm12.disconnect() }
        tcsd.stop("tcsd")
    }

    static func measureAndQuote(_ bundle: BootBundle, family: TPMFamily) throws(LoBotError) -> BootResult {
        let (tcsd, root, events) = try startPlatform(bundle, family: family)
        defer { stop(tcsd, after: root) }
        let session = try vtpmDirectory.openOnPlatform(platformDirectory, tpm: root)
        let vtpm = session.vtpm
        BootTrace.step("vtpm opened")
        let before = try LoBotAttestation.measure(vtpm: vtpm, tpm: root, events: events)
        BootTrace.step("pcr 6 bound")

        // Step 9: the platform quote for the factory.
        guard let platformNonce = TPMNonce(try bundle.file("nonce/platform")),
            let vtpmNonce = TPMNonce(try bundle.file("nonce/vtpm"))
        else { throw .invalidArgument("boot bundle nonces are not 20 bytes") }
        let platformQuote = try LoBotAttestation.platformQuote(tpm: root, platform: platformDirectory, nonce: platformNonce)
        BootTrace.step("platform quote")
        var domains: [DomainMeasurement] = []
        let plan = try DomainPlan(bytes: try bundle.file("domains"))
        for (index, domain) in plan.domains.enumerated() {
            guard let disk = BootSystem.disk(serial: DomainPlan.Domain.serial(index)) else {
                throw .notFound("disk for domain \(domain.name) (serial \(DomainPlan.Domain.serial(index)))")
            }
            let measurement = try BootDisks.measureDomain(domain, disk: disk)
            try vtpm.measure(pcr: BootMeasurements.domainPCR, sha256: measurement.sha256, name: measurement.name)
            domains.append(measurement)
        }
        BootTrace.step("domains")
        let vtpmQuote = try vtpm.quote(selection: try PCRSelection(Array(0...8)), nonce: vtpmNonce)
        BootTrace.step("vtpm quote")
        return BootResult(
            succeeded: true, message: "measured and quoted", platformQuote: platformQuote, vtpmQuote: vtpmQuote,
            platformPCR6Before: before, vtpmLog: vtpm.log, firmwareLog: firmwareLog(), imaLog: imaLog(), domains: domains)
    }

    /// Puts the bundle's "platform/NAME" and "vtpm/NAME" files where LoBotPlatform expects them.
    static func stage(_ bundle: BootBundle) throws(LoBotError) {
        try Files.makeDirectory("/run/lobot", permissions: 0o700, existingOK: true)
        for (prefix, directory) in [("platform/", platformDirectory.path), ("vtpm/", vtpmDirectory.path)] {
            try Files.makeDirectory(directory, permissions: 0o700, existingOK: true)
            for entry in bundle.entries where entry.name.hasPrefix(prefix) {
                let name = String(entry.name.dropFirst(prefix.utf8.count))
                guard !name.isEmpty, name != ".", name != "..", !name.utf8.contains(UInt8(ascii: "/")) else {
                    throw .invalidArgument("boot bundle entry \(entry.name) names no file")
                }
                try Files.writeAtomically(Files.join(directory, name), entry.data)
            }
        }
    }

    /// Checks every image file against the manifest; returns the events of vTPM PCRs 0-2.
    static func measureImage() throws(LoBotError) -> [Event] {
        let manifestBytes = try Files.read(ImageManifest.path, maximum: 1 << 20)
        let manifest = try ImageManifest(bytes: manifestBytes)
        for entry in manifest.entries {
            guard Files.exists(entry.path), try FileMeasurement.sha256(path: entry.path) == entry.sha256 else {
                throw .authentication(what: "image file \(entry.path) (it does not match the image manifest)")
            }
        }
        let commandLine = BootMeasurements.normalizedCommandLine(try Files.read("/proc/cmdline", maximum: 4096))
        return try BootMeasurements.imageEvents(
            agent: try FileMeasurement.sha256(path: "/init"), manifest: try Digest.sha256(manifestBytes),
            commandLine: try Digest.sha256(commandLine))
    }

    /// The firmware's (SeaBIOS') event log of the platform PCRs 0-7, which the factory replays.
    static func firmwareLog() -> [UInt8] { readLog("/sys/kernel/security/tpm0/binary_bios_measurements") }
    static func imaLog() -> [UInt8] { readLog("/sys/kernel/security/ima/binary_runtime_measurements") }

    static func readLog(_ path: String) -> [UInt8] { (try? Files.read(path, maximum: 1 << 20)) ?? [] }
}
