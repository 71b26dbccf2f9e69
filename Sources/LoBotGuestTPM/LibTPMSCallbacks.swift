// The callbacks libtpms calls back into (TPMLIB_RegisterCallbacks), and the process-wide state
// they read and write. libtpms has no context pointer, so that state is global: the one engine a
// process may hold (LibTPMSProcess.claimed) fills it before each call into libtpms and reads it
// after.
//
// NVRAM: libtpms keeps its state under three names (tpm_nvfilename.h): "permall" (the permanent
// state: seeds, keys, NV indices, owner), "savestate" (TPM 1.2's TPM_SaveState) and
// "volatilestate" (what a restart resumes). A load answers from the blobs the caller handed the
// engine, in a malloc()ed copy that libtpms frees; an absent name answers TPM_RETRY, which is how
// libtpms learns that a TPM is new (and manufactures it). Every store and delete is kept in memory
// and marks the NVRAM changed, so the caller can make it durable before it answers the guest.
import CLibC
internal import CLibTPMS
import LoBotCore

/// The NVRAM of the process's one libtpms TPM, as the callbacks see it (nil: absent).
struct LibTPMSNVRAM {
    var permanent: [UInt8]? = nil
    var saveState: [UInt8]? = nil
    var volatile: [UInt8]? = nil
    /// Set by every store or delete; cleared when the engine reports it.
    var changed = false

    enum Name { case permanent, saveState, volatile }

    static func name(_ cName: UnsafePointer<CChar>?) -> Name? {
        guard let cName else { return nil }
        switch String(cString: cName) {
        case TPM_PERMANENT_ALL_NAME: return .permanent
        case TPM_SAVESTATE_NAME: return .saveState
        case TPM_VOLATILESTATE_NAME: return .volatile
        default: return nil
        }
    }

    subscript(name: Name) -> [UInt8]? {
        get {
            switch name {
            case .permanent: return permanent
            case .saveState: return saveState
            case .volatile: return volatile
            }
        }
        set {
            switch name {
            case .permanent: permanent = newValue
            case .saveState: saveState = newValue
            case .volatile: volatile = newValue
            }
        }
    }

    /// Forgets the named blob, overwriting it first (the blobs hold the TPM's seeds and keys).
    /// The blob is taken out before it is wiped, so the wipe reaches its only copy.
    mutating func remove(_ name: Name) {
        guard var blob = self[name] else { return }
        self[name] = nil
        wipe(&blob)
    }

    /// Forgets every blob, overwriting each.
    mutating func wipeAll() {
        remove(.permanent)
        remove(.saveState)
        remove(.volatile)
        changed = false
    }
}

/// What the callbacks share with the engine. Touched only by the thread that holds the claim.
enum LibTPMSProcess {
    /// Whether an engine holds libtpms in this process.
    nonisolated(unsafe) static var claimed = false
    nonisolated(unsafe) static var nvram = LibTPMSNVRAM()
    /// The locality the next command (or established-flag reset) comes from.
    nonisolated(unsafe) static var locality: UInt32 = 0
    /// The response buffer TPMLIB_Process writes into, kept between commands (LibTPMS.process).
    nonisolated(unsafe) static var response: UnsafeMutablePointer<UInt8>? = nil
    nonisolated(unsafe) static var responseCapacity: UInt32 = 0
}

enum LibTPMSCallbacks {
    /// The callback table for TPMLIB_RegisterCallbacks.
    static func table() -> libtpms_callbacks {
        var table = libtpms_callbacks()
        table.sizeOfStruct = Int32(MemoryLayout<libtpms_callbacks>.size)
        // Without an init callback, libtpms' TPM 1.2 looks for the TPM_PATH directory and fails.
        table.tpm_nvram_init = { LOBOT_TPM_SUCCESS }
        table.tpm_nvram_loaddata = { data, length, _, name in LibTPMSCallbacks.load(data, length, name) }
        table.tpm_nvram_storedata = { data, length, _, name in LibTPMSCallbacks.store(data, length, name) }
        table.tpm_nvram_deletename = { _, name, mustExist in LibTPMSCallbacks.delete(name, mustExist: mustExist != 0) }
        table.tpm_io_init = { LOBOT_TPM_SUCCESS }
        table.tpm_io_getlocality = { locality, _ in
            guard let locality else { return LOBOT_TPM_FAIL }
            locality.pointee = LibTPMSProcess.locality
            return LOBOT_TPM_SUCCESS
        }
        // A guest can never assert the hardware physical-presence signal; TPM 1.2's software
        // physical presence (TSC_PhysicalPresence) is the TPM's own business.
        table.tpm_io_getphysicalpresence = { present, _ in
            guard let present else { return LOBOT_TPM_FAIL }
            present.pointee = 0
            return LOBOT_TPM_SUCCESS
        }
        return table
    }

    /// tpm_nvram_loaddata: a malloc()ed copy of the named blob (libtpms frees it), TPM_RETRY if absent.
    static func load(
        _ data: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?, _ length: UnsafeMutablePointer<UInt32>?,
        _ name: UnsafePointer<CChar>?
    ) -> TPM_RESULT {
        guard let data, let length else { return LOBOT_TPM_FAIL }
        data.pointee = nil
        length.pointee = 0
        guard let which = LibTPMSNVRAM.name(name) else { return LOBOT_TPM_FAIL }
        guard let blob = LibTPMSProcess.nvram[which], !blob.isEmpty else { return LOBOT_TPM_RETRY }
        guard let copy = malloc(blob.count)?.assumingMemoryBound(to: UInt8.self) else { return LOBOT_TPM_SIZE }
        blob.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { copy.update(from: base, count: source.count) }
        }
        data.pointee = copy
        length.pointee = UInt32(blob.count)
        return LOBOT_TPM_SUCCESS
    }

    /// tpm_nvram_storedata: keeps a copy of the blob under its name and marks the NVRAM changed.
    static func store(_ data: UnsafePointer<UInt8>?, _ length: UInt32, _ name: UnsafePointer<CChar>?) -> TPM_RESULT {
        guard let which = LibTPMSNVRAM.name(name) else { return LOBOT_TPM_FAIL }
        guard let data, length > 0 else { return LOBOT_TPM_FAIL }
        LibTPMSProcess.nvram.remove(which)
        LibTPMSProcess.nvram[which] = Array(UnsafeBufferPointer(start: data, count: Int(length)))
        LibTPMSProcess.nvram.changed = true
        return LOBOT_TPM_SUCCESS
    }

    /// tpm_nvram_deletename: forgets the named blob; TPM_FAIL when it must exist and does not (as
    /// libtpms' own file store answers).
    static func delete(_ name: UnsafePointer<CChar>?, mustExist: Bool) -> TPM_RESULT {
        guard let which = LibTPMSNVRAM.name(name) else { return LOBOT_TPM_FAIL }
        guard LibTPMSProcess.nvram[which] != nil else { return mustExist ? LOBOT_TPM_FAIL : LOBOT_TPM_SUCCESS }
        LibTPMSProcess.nvram.remove(which)
        LibTPMSProcess.nvram.changed = true
        return LOBOT_TPM_SUCCESS
    }
}
