// Helpers for the guest TPM engine's tests: an independent hash (swift-crypto's BoringSSL, not
// the OpenSSL LoBot and libtpms use) to recompute PCR chains, and engines on freshly manufactured
// TPMs. The raw TPM commands the tests send but LoBot never does are in TestSupport
// (TPMTestCommands.swift), shared with the end-to-end tests and the bench.
import Crypto
import LoBotCore
import LoBotGuestTPM
import Testing
import TestSupport

/// The digest of `bytes`, computed by swift-crypto.
func independentHash(_ algorithm: DigestAlgorithm, _ bytes: [UInt8]) -> [UInt8] {
    switch algorithm {
    case .sha1: return Array(Insecure.SHA1.hash(data: bytes))
    case .sha256: return Array(SHA256.hash(data: bytes))
    case .sha384: return Array(SHA384.hash(data: bytes))
    case .sha512: return Array(SHA512.hash(data: bytes))
    }
}

/// An engine of `family` running a freshly manufactured TPM (no Startup sent yet), and that TPM's
/// state as manufactured.
func runningEngine(_ family: GuestTPMFamily, banks: [DigestAlgorithm]? = nil) throws -> (LibTPMSEngine, GuestTPMBlobs) {
    let engine = try LibTPMSEngine(family: family)
    let state = try engine.manufacture(banks: banks)
    try engine.start(state, resumingVolatile: false)
    return (engine, state)
}

/// TPM_Startup(ST_CLEAR) or TPM2_Startup(SU_CLEAR), as a guest's firmware sends it.
func startUp(_ engine: LibTPMSEngine) throws {
    switch engine.family {
    case .tpm12: _ = try engine.run(TPM12StartupCommand(.clear))
    case .tpm20: _ = try engine.run(TPM2StartupCommand(.clear))
    }
}

/// A response's header: tag, size field, return code (nil if shorter than a header).
func responseHeader(_ response: [UInt8]) -> (tag: UInt16, size: UInt32, code: UInt32)? {
    var reader = ByteReader(response)
    guard let tag = try? reader.readUInt16(), let size = try? reader.readUInt32(), let code = try? reader.readUInt32() else {
        return nil
    }
    return (tag, size, code)
}

/// Sends raw bytes and returns the response's return code, requiring a well-formed header whose
/// size field counts the response.
func returnCode(_ engine: LibTPMSEngine, _ command: [UInt8], locality: UInt8 = 0) throws -> UInt32 {
    let response = engine.process(command, locality: locality)
    guard let header = responseHeader(response), Int(header.size) == response.count else {
        throw TestSupportError.failed("malformed response \(response.hexString) to \(Array(command.prefix(16)).hexString)")
    }
    return header.code
}
