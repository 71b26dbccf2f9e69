// The only place that decides how libtspi results become LoBotErrors, and how memory libtspi
// hands out is copied and given back.
import CTSPI
import LoBotCore

/// Throws `.tpm(operation, code, TrouSerS' text)` unless `result` is TSS_SUCCESS.
@inline(__always)
func tss(_ result: TSS_RESULT, _ operation: String) throws(LoBotError) {
    guard result != 0 else { return }
    let text = Trspi_Error_String(result).map { String(cString: $0) } ?? "unknown"
    throw .tpm(operation: operation, code: result, detail: text)
}

/// A TSS context connected to the tcsd named by $TSS_TCSD_HOSTNAME/$TSS_TCSD_PORT (libtspi
/// reads them), closed with everything it allocated when released.
final class TSSContext {
    let handle: TSS_HCONTEXT

    init() throws(LoBotError) {
        var context: TSS_HCONTEXT = 0
        try tss(Tspi_Context_Create(&context), "create a TSS context")
        handle = context
        do throws(LoBotError) {
            try tss(Tspi_Context_Connect(context, nil), "connect to tcsd")
        } catch {
            Tspi_Context_Close(context)
            throw error
        }
    }

    private var open = true

    /// Closes the context (its connection to tcsd and every object made in it); later calls on
    /// it fail. Once only.
    func close() {
        guard open else { return }
        open = false
        Tspi_Context_FreeMemory(handle, nil)
        Tspi_Context_Close(handle)
    }

    deinit { close() }

    /// Copies `length` bytes libtspi allocated, then returns them to the context.
    func take(_ pointer: UnsafeMutablePointer<BYTE>?, _ length: UInt32) -> [UInt8] {
        guard let pointer else { return [] }
        let bytes = Array(UnsafeBufferPointer(start: pointer, count: Int(length)))
        Tspi_Context_FreeMemory(handle, pointer)
        return bytes
    }

    func createObject(_ type: TSS_FLAG, _ flags: TSS_FLAG, _ what: String) throws(LoBotError) -> TSS_HOBJECT {
        var object: TSS_HOBJECT = 0
        try tss(Tspi_Context_CreateObject(handle, type, flags, &object), "create a \(what) object")
        return object
    }

    /// Gives `object` a usage policy with a 20-byte secret (SHA-1 mode, as TPM 1.2 stores it).
    func assignSecret(_ secret: [UInt8], to object: TSS_HOBJECT) throws(LoBotError) {
        let policy = try createObject(TSS_FLAG(TSS_OBJECT_TYPE_POLICY), TSS_FLAG(TSS_POLICY_USAGE), "policy")
        var copy = secret
        let rc = copy.withUnsafeMutableBufferPointer {
            Tspi_Policy_SetSecret(policy, TSS_FLAG(TSS_SECRET_MODE_SHA1), UInt32($0.count), $0.baseAddress)
        }
        try tss(rc, "set a policy secret")
        try tss(Tspi_Policy_AssignToObject(policy, object), "assign a policy")
    }

    func attribute(_ object: TSS_HOBJECT, _ flag: TSS_FLAG, _ subFlag: TSS_FLAG, _ what: String) throws(LoBotError) -> [UInt8] {
        var length: UInt32 = 0
        var data: UnsafeMutablePointer<BYTE>? = nil
        try tss(Tspi_GetAttribData(object, flag, subFlag, &length, &data), "read the \(what)")
        return take(data, length)
    }

    func setAttribute(_ object: TSS_HOBJECT, _ flag: TSS_FLAG, _ subFlag: TSS_FLAG, _ bytes: [UInt8], _ what: String)
        throws(LoBotError)
    {
        var copy = bytes
        let rc = copy.withUnsafeMutableBufferPointer { Tspi_SetAttribData(object, flag, subFlag, UInt32($0.count), $0.baseAddress) }
        try tss(rc, "set the \(what)")
    }
}

/// The TPM 1.2 well-known secret (20 zero bytes): the owner and SRK secret of a platform owned
/// with `tpm_takeownership -y -z`, and the usage secret of LoBot's AIK and bind key.
public var wellKnownSecret: [UInt8] {
    var out = [UInt8](repeating: 0xff, count: 20)
    out.withUnsafeMutableBufferPointer { lobot_well_known_secret($0.baseAddress) }
    return out
}
