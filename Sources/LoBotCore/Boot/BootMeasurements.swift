// What a LoBot boot puts into its vTPM's PCRs 0-5 (LSM step 8), built in one place so that the
// factory's prediction at bake time and the agent's measurement at boot are the same code:
//
//   PCR 0  the agent itself (/init)                    event "lobot"
//   PCR 1  the image manifest (every other file)       event "image-manifest"
//   PCR 2  the kernel command line                     event "cmdline"
//   PCR 3-5  reserved, left at zero
//
// Then the platform extends its PCR 6 with the composite hash of vTPM PCRs 0-5, and the vTPM
// extends its PCR 6 with the composite hash of the platform's PCRs 0-6. Domain files (the aDom)
// go to vTPM PCR 8, after the trust decision.

public enum BootMeasurements {
    public static let identityPCRs = Array(0...5)
    public static let bindingPCR = 6
    public static let domainPCR = 8

    /// The events for PCRs 0-2 of an image whose agent, manifest and command line have these
    /// SHA-256 digests.
    public static func imageEvents(agent: [UInt8], manifest: [UInt8], commandLine: [UInt8]) throws(LoBotError) -> [Event] {
        [
            try Event(pcr: 0, kind: .measurement(sha256: agent), name: "lobot"),
            try Event(pcr: 1, kind: .measurement(sha256: manifest), name: "image-manifest"),
            try Event(pcr: 2, kind: .measurement(sha256: commandLine), name: "cmdline"),
        ]
    }

    /// The manifest a LoBot running as a process on the platform host measures in place of an
    /// image's: it has no image, only its own binary.
    public static let hostManifest: [UInt8] = Array("lobot host mode".utf8)

    /// The events of a LoBot_D run as a host process: the agent binary, the host-mode marker, an
    /// empty command line. The factory predicts the same from the same binary.
    public static func hostEvents(agent: [UInt8]) throws(LoBotError) -> [Event] {
        try imageEvents(agent: agent, manifest: try Digest.sha256(hostManifest), commandLine: try Digest.sha256([]))
    }

    /// The vTPM PCRs 0-5 composite those events give from startup.
    public static func identityComposite(_ events: [Event]) throws(LoBotError) -> PCRComposite {
        try EventLog(events: events).replay().composite(try PCRSelection(identityPCRs))
    }

    /// The kernel command line as the factory bakes it and /proc/cmdline shows it (the agent
    /// measures it without the trailing newline).
    public static func normalizedCommandLine(_ bytes: [UInt8]) -> [UInt8] {
        var trimmed = bytes
        while let last = trimmed.last, last == 0x0a || last == 0x20 || last == 0 { trimmed.removeLast() }
        return trimmed
    }
}
