// A TPM command LoBot itself sends (to manufacture a guest's TPM, start it, measure into it and
// read it back), paired with the successful response it expects. Both sides are wire structures;
// LibTPMSEngine.run sends one and parses the other.
import LoBotCore

public protocol TPMCommand: WireStructure {
    associatedtype Response: WireStructure
    /// The command's name in the specification (TPM_Extend, TPM2_PCR_Extend), for errors.
    static var commandName: String { get }
}
