// What a platform TPM has unbound in this process, by bind key and data: a migration step opens
// its LoBot's MSK, the version store's key and its session journal's key two to eight times, and
// each is a TPM_UnBind or TPM2_RSA_Decrypt (an RSA decryption in the TPM, a few milliseconds on
// swtpm, more on a hardware TPM). The same data under the same key opens to the same secret, so the
// second time it is taken from here. The process holds these secrets while it works in any case;
// they are wiped when the TPM object goes, at the end of the step (or of the TPM server).
import LoBotCore

public final class UnboundSecrets {
    private var entries: [(keyBlob: [UInt8], data: [UInt8], plain: [UInt8])] = []

    public init() {}

    deinit {
        for index in entries.indices { wipe(&entries[index].plain) }
    }

    /// `data` opened by the key in `keyBlob`: from an earlier unbind, or by `open` (then kept).
    func plain(keyBlob: [UInt8], data: [UInt8], _ open: () throws(LoBotError) -> [UInt8]) throws(LoBotError) -> [UInt8] {
        if let known = entries.first(where: { $0.data == data && $0.keyBlob == keyBlob }) { return known.plain }
        let plain = try open()
        entries.append((keyBlob, data, plain))
        return plain
    }
}
