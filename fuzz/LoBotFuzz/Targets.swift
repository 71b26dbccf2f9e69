// The fuzz targets, one per family of outside bytes. `make fuzz` runs each on its own corpus
// (fuzz/corpus/<name>); LOBOT_FUZZ_TARGET names the one this process runs.
import LoBotCore

enum FuzzTarget: String, CaseIterable {
    /// LoBot message envelopes, and each body as its receiver reads it (by the envelope's type).
    case envelope
    /// Every message body, the session journal and the domain config, by a selector byte.
    case messages
    /// TPM 1.2 quote, PCR and key structures, by a selector byte.
    case tpm12
    /// The privacy-CA exchange (identity request, proof, answer) and TSS DER public key files.
    case identity
    /// The vTPM event log and the TCG firmware event log.
    case eventlog
    /// vTPM state files and their plaintext, sealed blobs, counter files, the version table.
    case vtpm
    /// LoBot quote files, golden-value records, PCR lists.
    case quote
    /// Boot bundle, boot result, domain plan, image manifest, VM disk headers and records.
    case boot
    /// LoBot encrypted streams (memory.lbst, disk.lbst), opened with a fixed key.
    case stream
    /// X.509 certificates as the factory (swift-certificates) and the agent (libcrypto) read them.
    case certificates
    /// qemu's TPM emulator protocol: control requests (with their framing), control responses,
    /// TPM message headers and TPM_Startup, by a selector byte.
    case tpmemulator
    /// TPM 2.0 structures: TPM2B_PUBLIC / TPMT_PUBLIC (+ Name, OpenSSL key), TPMS_ATTEST and
    /// TPM2B_ATTEST, TPMT_SIGNATURE, tpm2-tools' credential file and TPM2B_ID_OBJECT, PCR
    /// selections and digest lists, command and response frames, by a selector byte.
    case tpm2

    func run(_ bytes: [UInt8]) {
        switch self {
        case .envelope: EnvelopeTarget.run(bytes)
        case .messages: MessagesTarget.run(bytes)
        case .tpm12: TPM12Target.run(bytes)
        case .identity: IdentityTarget.run(bytes)
        case .eventlog: EventLogTarget.run(bytes)
        case .vtpm: VTPMTarget.run(bytes)
        case .quote: QuoteTarget.run(bytes)
        case .boot: BootTarget.run(bytes)
        case .stream: StreamTarget.run(bytes)
        case .certificates: CertificateTarget.run(bytes)
        case .tpmemulator: TPMEmulatorTarget.run(bytes)
        case .tpm2: TPM2Target.run(bytes)
        }
    }
}
