// What LoBot measures into an aDom's own TPM before the guest runs (measured launch), built in one
// place so the agent's measurement at each boot and the factory's prediction at provisioning are
// the same code. The layout follows GRUB's convention for a directly booted kernel, the one guests'
// tools already know: PCRs 0-7 stay the firmware's (SeaBIOS measures itself there), PCR 8 takes
// the strings that configure the boot, PCR 9 the files loaded.
//
//   PCR 9  EV_IPL  the kernel image   digest: the file's hash   event: its path (the domain config's)
//   PCR 9  EV_IPL  the initrd         digest: the file's hash   event: its path
//   PCR 8  EV_IPL  "kernel_cmdline: " + the command line        digest: the hash of the event
//   PCR 8  EV_IPL  "lobot_disk: none" | "lobot_disk: local" | "lobot_disk: shared " + path
//                                                               digest: the hash of the event
//
// Each event extends every bank the guest TPM has with that bank's hash. The agent extends them
// right after each successful TPM_Startup(ST_CLEAR) / TPM2_Startup(TPM_SU_CLEAR) that follows a TPM
// reset (a boot), and hands the guest the log (TCG 1.2 format for a TPM 1.2, crypto-agile for a
// TPM 2.0) as a firmware configuration file (fw_cfg opt/org.lobot/tpm-log).

public struct LaunchEvent: Equatable, Sendable {
    public var pcr: Int
    public var data: [UInt8]
    public var digests: [(algorithm: DigestAlgorithm, value: [UInt8])]

    public init(pcr: Int, data: [UInt8], digests: [(algorithm: DigestAlgorithm, value: [UInt8])]) {
        self.pcr = pcr
        self.data = data
        self.digests = digests
    }

    public static func == (a: LaunchEvent, b: LaunchEvent) -> Bool {
        a.pcr == b.pcr && a.data == b.data && a.digests.count == b.digests.count
            && zip(a.digests, b.digests).allSatisfy { $0.algorithm == $1.algorithm && $0.value == $1.value }
    }

    public func digest(_ bank: DigestAlgorithm) -> [UInt8]? { digests.first { $0.algorithm == bank }?.value }
}

public enum LaunchMeasurement {
    public static let configurationPCR = 8
    public static let codePCR = 9
    /// EV_IPL (TCG PC Client: events of the initial program loader).
    public static let eventType: UInt32 = 0x0D

    /// The events for launching `config`, whose kernel and initrd files have these digests (one
    /// per bank, in `banks` order).
    public static func events(config: DomainConfig, kernel: [[UInt8]], initrd: [[UInt8]], banks: [DigestAlgorithm])
        throws(LoBotError) -> [LaunchEvent]
    {
        guard kernel.count == banks.count, initrd.count == banks.count else { throw .invalidArgument("one digest per bank") }
        func pairs(_ values: [[UInt8]]) -> [(algorithm: DigestAlgorithm, value: [UInt8])] {
            var out: [(algorithm: DigestAlgorithm, value: [UInt8])] = []
            for (i, bank) in banks.enumerated() { out.append((bank, values[i])) }
            return out
        }
        func text(_ string: String) throws(LoBotError) -> LaunchEvent {
            let data = Array(string.utf8)
            var digests: [(algorithm: DigestAlgorithm, value: [UInt8])] = []
            for bank in banks { digests.append((bank, try Digest.hash(bank, data))) }
            return LaunchEvent(pcr: configurationPCR, data: data, digests: digests)
        }
        return [
            LaunchEvent(pcr: codePCR, data: Array(config.kernel.utf8), digests: pairs(kernel)),
            LaunchEvent(pcr: codePCR, data: Array(config.initrd.utf8), digests: pairs(initrd)),
            try text("kernel_cmdline: " + config.commandLine),
            try text(diskIdentity(config)),
        ]
    }

    /// The events for launching `config`, reading its kernel and initrd from their paths.
    public static func events(config: DomainConfig, banks: [DigestAlgorithm]) throws(LoBotError) -> [LaunchEvent] {
        try events(config: config, kernel: try FileMeasurement.digests(path: config.kernel, banks),
                   initrd: try FileMeasurement.digests(path: config.initrd, banks), banks: banks)
    }

    /// How the domain's disk is named in its measurement.
    public static func diskIdentity(_ config: DomainConfig) -> String {
        switch config.disk {
        case .none: return "lobot_disk: none"
        case .local: return "lobot_disk: local"
        case .shared: return "lobot_disk: shared " + config.sharedPath
        }
    }

    /// The values `events` give PCRs 8 and 9 of `bank` from zero (the values after a TPM reset).
    public static func predict(_ events: [LaunchEvent], bank: DigestAlgorithm) throws(LoBotError) -> [(pcr: Int, value: [UInt8])] {
        var results: [(pcr: Int, value: [UInt8])] = []
        for pcr in [configurationPCR, codePCR] {
            var value = [UInt8](repeating: 0, count: bank.length)
            for event in events where event.pcr == pcr {
                guard let digest = event.digest(bank) else { throw .invalidArgument("no \(bank.name) digest for PCR \(pcr)") }
                value = try Digest.hash(bank, value + digest)
            }
            results.append((pcr, value))
        }
        return results
    }

    /// The log a TPM 2.0 guest reads: the crypto-agile format, one digest per bank.
    public static func agileLog(_ events: [LaunchEvent], banks: [DigestAlgorithm]) -> CryptoAgileEventLog {
        CryptoAgileEventLog(banks: banks, events: events.map { AgileEvent(pcr: UInt32($0.pcr), type: eventType, digests: $0.digests, data: $0.data) })
    }

    /// The log a TPM 1.2 guest reads: TCG_PCR_EVENT records with SHA-1 digests.
    public static func sha1Log(_ events: [LaunchEvent]) throws(LoBotError) -> FirmwareEventLog {
        var out: [FirmwareEvent] = []
        for event in events {
            guard let value = event.digest(.sha1), let digest = SHA1Digest(value) else {
                throw .invalidArgument("a TPM 1.2 log needs SHA-1 digests")
            }
            out.append(FirmwareEvent(pcr: UInt32(event.pcr), type: eventType, digest: digest, data: event.data))
        }
        return FirmwareEventLog(events: out)
    }
}
