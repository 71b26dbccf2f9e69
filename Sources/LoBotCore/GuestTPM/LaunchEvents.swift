// LoBot's launch measurements of one domain as its guest TPM's server holds them: measured at the
// server's start in the banks of the log the guest reads (SHA-1 for a TPM 1.2; SHA-1 and SHA-256
// for a TPM 2.0), and in any other bank only when a cold start finds it allocated (a TPM 2.0
// guest may allocate SHA-384 or SHA-512). Hashing an 8 MiB kernel in all four banks took 30 ms of
// every server start, and so of every migration's downtime, for PCR extends that only a cold boot
// makes. A later measurement must agree with the earlier one in the banks both have: the log the
// guest was given and its PCRs then tell the same story, or the TPM is not measured into at all.
public final class LaunchEvents {
    private let config: DomainConfig?
    public private(set) var events: [LaunchEvent]

    /// `config`'s events in `banks`, its kernel and initrd hashed now.
    public init(config: DomainConfig, banks: [DigestAlgorithm]) throws(LoBotError) {
        self.config = config
        events = try LaunchMeasurement.events(config: config, banks: banks)
    }

    /// Events given whole; a bank they lack is not measured later (the service's tests).
    public init(_ events: [LaunchEvent]) {
        config = nil
        self.events = events
    }

    /// The events with a digest in each of `banks`: as held, or measured again in all of them.
    public func events(banks: [DigestAlgorithm]) throws(LoBotError) -> [LaunchEvent] {
        guard let config, !banks.allSatisfy({ (bank) in events.allSatisfy { $0.digest(bank) != nil } }) else { return events }
        let measured = try LaunchMeasurement.events(config: config, banks: banks)
        for (earlier, now) in zip(events, measured) {
            for (bank, value) in earlier.digests where now.digest(bank).map({ $0 != value }) ?? false {
                throw .invalidArgument("the domain's \(String(decoding: now.data, as: UTF8.self)) changed since its TPM server started "
                                       + "(its \(bank.name) differs)")
            }
        }
        events = measured
        return measured
    }
}
