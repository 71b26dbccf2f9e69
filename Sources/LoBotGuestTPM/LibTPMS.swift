// The one file that calls libtpms. Each wrapper names the C call it makes, checks its TPM_RESULT
// on the next line and turns a failure into `.guestTPM` keeping the code. Memory across the
// boundary: a buffer libtpms hands out (a response, a volatile state) is the caller's to free()
// and is wiped and freed here, right after it was copied; what the load callback hands in is
// malloc()ed here and freed by libtpms (LibTPMSCallbacks.swift).
//
// libtpms is one TPM per process, in global state, and not thread-safe: LibTPMSEngine claims it
// (LibTPMSProcess) and calls it from one thread.
import CLibC
internal import CLibTPMS
import LoBotCore

enum LibTPMS {
    /// TPMLIB_ChooseTPMVersion; fails while a TPM is initialised.
    static func choose(_ family: GuestTPMFamily) throws(LoBotError) {
        let rc = TPMLIB_ChooseTPMVersion(family == .tpm12 ? TPMLIB_TPM_VERSION_1_2 : TPMLIB_TPM_VERSION_2)
        try check(rc, "choose TPM \(family.name) (TPMLIB_ChooseTPMVersion)")
    }

    /// TPMLIB_RegisterCallbacks with LoBot's NVRAM and I/O callbacks.
    static func registerCallbacks() throws(LoBotError) {
        var callbacks = LibTPMSCallbacks.table()
        let rc = TPMLIB_RegisterCallbacks(&callbacks)
        try check(rc, "register the NVRAM callbacks (TPMLIB_RegisterCallbacks)")
    }

    /// TPMLIB_MainInit: _TPM_Init, loading the NVRAM through the callbacks (manufacturing a TPM
    /// whose permanent state is absent). On failure the half-initialised TPM is terminated, as
    /// swtpm does, so that the next attempt starts clean.
    static func mainInit() throws(LoBotError) {
        let rc = TPMLIB_MainInit()
        if rc != LOBOT_TPM_SUCCESS { TPMLIB_Terminate() }
        try check(rc, "initialise the TPM (TPMLIB_MainInit)")
    }

    /// TPMLIB_Terminate (returns nothing), and the response buffer kept between commands goes.
    static func terminate() {
        TPMLIB_Terminate()
        releaseResponseBuffer()
    }

    /// TPMLIB_Process: one command in, one response out. `command` is copied into a buffer
    /// libtpms may change in place (TPM 2.0 decrypts parameters there); that copy, and the
    /// response once copied out, are wiped. The response buffer is kept from one command to the
    /// next, as swtpm keeps it (libtpms reallocates it when a response needs more): a buffer
    /// allocated and freed per command costs more than the command on musl, whose allocator gives
    /// freed pages back to the kernel at once.
    static func process(_ command: [UInt8]) throws(LoBotError) -> [UInt8] {
        // libtpms reads through the pointer even for a 0-byte command: give it a byte to point at.
        var buffer = command.isEmpty ? [0] : command
        defer { wipe(&buffer) }
        var responseSize: UInt32 = 0
        let rc = buffer.withUnsafeMutableBufferPointer { (input: inout UnsafeMutableBufferPointer<UInt8>) -> TPM_RESULT in
            TPMLIB_Process(&LibTPMSProcess.response, &responseSize, &LibTPMSProcess.responseCapacity, input.baseAddress, UInt32(command.count))
        }
        let capacity = Int(LibTPMSProcess.responseCapacity)
        defer { if let kept = LibTPMSProcess.response, capacity > 0 { explicit_bzero(kept, min(Int(responseSize), capacity)) } }
        try check(rc, "run a command (TPMLIB_Process)")
        guard let response = LibTPMSProcess.response, Int(responseSize) <= capacity else {
            throw .guestTPM(operation: "run a command (TPMLIB_Process gave no response)", code: LOBOT_TPM_FAIL)
        }
        return Array(UnsafeBufferPointer(start: response, count: Int(responseSize)))
    }

    /// Frees the response buffer kept between commands (at terminate), wiped first.
    static func releaseResponseBuffer() {
        release(LibTPMSProcess.response, count: Int(LibTPMSProcess.responseCapacity))
        LibTPMSProcess.response = nil
        LibTPMSProcess.responseCapacity = 0
    }

    /// TPMLIB_VolatileAll_Store: the running TPM's volatile state (PCRs, sessions, loaded objects).
    static func volatileState() throws(LoBotError) -> [UInt8] {
        var buffer: UnsafeMutablePointer<UInt8>? = nil
        var length: UInt32 = 0
        let rc = TPMLIB_VolatileAll_Store(&buffer, &length)
        defer { release(buffer, count: Int(length)) }
        try check(rc, "store the volatile state (TPMLIB_VolatileAll_Store)")
        guard let buffer, length > 0 else {
            throw .guestTPM(operation: "store the volatile state (TPMLIB_VolatileAll_Store gave none)", code: LOBOT_TPM_FAIL)
        }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(length)))
    }

    /// TPMLIB_CancelCommand.
    static func cancelCommand() throws(LoBotError) {
        try check(TPMLIB_CancelCommand(), "cancel the command (TPMLIB_CancelCommand)")
    }

    /// TPMLIB_SetBufferSize (0 only asks): the size in use, and the smallest and largest allowed.
    static func setBufferSize(_ wanted: UInt32) -> (size: UInt32, minimum: UInt32, maximum: UInt32) {
        var minimum: UInt32 = 0
        var maximum: UInt32 = 0
        let size = TPMLIB_SetBufferSize(wanted, &minimum, &maximum)
        return (size, minimum, maximum)
    }

    /// TPM_IO_TpmEstablished_Get.
    static func establishedFlag() throws(LoBotError) -> Bool {
        var flag: TPM_BOOL = 0
        try check(TPM_IO_TpmEstablished_Get(&flag), "read the established flag (TPM_IO_TpmEstablished_Get)")
        return flag != 0
    }

    /// TPM_IO_TpmEstablished_Reset (the TPM checks the locality the callback answers).
    static func resetEstablishedFlag() throws(LoBotError) {
        try check(TPM_IO_TpmEstablished_Reset(), "reset the established flag (TPM_IO_TpmEstablished_Reset)")
    }

    private static func check(_ rc: TPM_RESULT, _ operation: String) throws(LoBotError) {
        guard rc == LOBOT_TPM_SUCCESS else { throw .guestTPM(operation: operation, code: rc) }
    }

    /// Wipes and frees a buffer libtpms allocated for the caller.
    private static func release(_ buffer: UnsafeMutablePointer<UInt8>?, count: Int) {
        guard let buffer else { return }
        if count > 0 { explicit_bzero(buffer, count) }
        free(buffer)
    }
}
