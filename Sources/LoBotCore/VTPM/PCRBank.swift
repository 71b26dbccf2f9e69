// The vTPM's 24 SHA-1 PCRs with TPM 1.2 PC-client semantics: extend is
// PCR := SHA-1(PCR || digest); PCRs 0-16 and 23 start at zero, 17-22 at all ones (they are
// the dynamic-launch PCRs); only PCRs 16 and 23 may be reset from locality 0, 17-22 only from
// the higher localities of a dynamic launch, 0-15 never.

public struct PCRBank: Equatable, Sendable {
    public private(set) var values: [SHA1Digest]

    /// Values after TPM_Startup(ST_CLEAR).
    public init() {
        values = (0..<TPMLimits.pcrCount).map { Self.startupValue($0) }
    }

    /// Restores saved values (exactly 24).
    public init(values: [SHA1Digest]) throws(LoBotError) {
        guard values.count == TPMLimits.pcrCount else { throw .invalidArgument("a PCR bank has 24 values") }
        self.values = values
    }

    public static func startupValue(_ index: Int) -> SHA1Digest {
        (17...22).contains(index) ? .ones : .zero
    }

    /// Localities (bit n = locality n) allowed to reset each PCR (PC Client spec 1.21, table 4).
    static func resetLocalities(_ index: Int) -> UInt8 {
        switch index {
        case 16, 23: return 0x1f
        case 17, 18, 19: return 0x10
        case 20: return 0x14
        case 21, 22: return 0x04
        default: return 0
        }
    }

    public static func check(_ index: Int) throws(LoBotError) {
        guard index >= 0, index < TPMLimits.pcrCount else {
            throw .tpmRule("PCR \(index) does not exist: PCRs are 0 to \(TPMLimits.pcrCount - 1)")
        }
    }

    public func read(_ index: Int) throws(LoBotError) -> SHA1Digest {
        try Self.check(index)
        return values[index]
    }

    /// TPM_Extend: returns the new value.
    @discardableResult
    mutating func extend(_ index: Int, with digest: SHA1Digest) throws(LoBotError) -> SHA1Digest {
        try Self.check(index)
        let new = try SHA1Digest.of(values[index].value + digest.value)
        values[index] = new
        return new
    }

    /// Refuses a TPM_PCR_Reset of `index` from `locality` that the PC client rules forbid.
    public static func checkResettable(_ index: Int, locality: UInt8) throws(LoBotError) {
        try check(index)
        guard locality <= 4 else { throw .tpmRule("locality \(locality) does not exist: localities are 0 to 4") }
        guard resetLocalities(index) & (1 << locality) != 0 else {
            throw .tpmRule("PCR \(index) cannot be reset from locality \(locality)")
        }
    }

    /// Applies one logged event: extend, or reset to zero. The vTPM and log replay both change
    /// PCRs only through here, so a replayed log and a live bank cannot disagree.
    public mutating func apply(_ event: Event) throws(LoBotError) {
        if let value = try event.extendValue() {
            try extend(event.pcr, with: value)
        } else {
            values[event.pcr] = .zero
        }
    }

    /// TPM_PCR_COMPOSITE of the selected PCRs' current values.
    public func composite(_ selection: PCRSelection) throws(LoBotError) -> PCRComposite {
        var selected: [SHA1Digest] = []
        for index in selection.indices {
            try Self.check(index)
            selected.append(values[index])
        }
        return try PCRComposite(selection: selection, values: selected)
    }
}
