// TPM_SU (TPM 2.0 Part 2, 6.5): the type TPM2_Startup and TPM2_Shutdown take.
//
//   UINT16: TPM_SU_CLEAR 0x0000, TPM_SU_STATE 0x0001

public struct TPM2StartupType: RawRepresentable, Equatable, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// TPM_SU_CLEAR: a TPM Reset (Startup), or a shutdown after which only a Reset may follow.
    public static let clear = TPM2StartupType(rawValue: 0x0000)
    /// TPM_SU_STATE: a TPM Resume or Restart (Startup), or a shutdown that saves what they need.
    public static let state = TPM2StartupType(rawValue: 0x0001)
}
