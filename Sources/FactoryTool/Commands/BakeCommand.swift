// `lobot-factory bake`: a LoBot VM image from files, reproducibly, with the vTPM PCR values a
// correct boot of it must produce, signed as golden values.
import ArgumentParser
import FactoryKit
import Foundation
import LoBotCore

struct BakeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bake",
        abstract: "Bake a LoBot VM image and predict the PCRs its boot must produce.")

    @OptionGroup var options: FactoryOptions

    @Option(name: .long, help: "The static lobot agent to make /init (make builds it as build/lobot).")
    var agent: String

    @Option(name: .long, help: "The Linux kernel (default: the newest /boot/vmlinuz-*).")
    var kernel: String?

    @Option(name: .long, help: "The kernel's modules directory (default: /lib/modules/VERSION of that kernel).")
    var modules: String?

    @Option(name: .long, help: "The kernel command line the VM boots with.")
    var cmdline = ImageRecipe.defaultCommandLine

    @Option(name: .long, help: "Where to write vmlinuz, initrd.img, cmdline, image.golden and image.events.")
    var out: String

    func run() throws {
        let epoch = try sourceDateEpoch()
        let factory = try options.open()
        let defaults = kernel == nil || modules == nil ? try ImageRecipe.defaultKernel() : nil
        let inputs = ImageRecipe.Inputs(
            agent: try readInput(agent, maximum: 64 << 20), kernelPath: kernel ?? defaults!.kernel,
            modulesDirectory: modules ?? defaults!.modules, caCertificate: try readInput(factory.directory + "/ca.cert"),
            commandLine: cmdline, modificationTime: epoch)
        let baked = try ImageRecipe.bake(inputs)
        let digest = HexText.string(baked.digest)
        let name = "image-" + String(digest.prefix(16))
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var golden = GoldenRecord(name: name, values: baked.identity)
        try factory.decide(action: "bake", subject: name) { (_) throws(FactoryError) in
            try factoryCore { () throws(LoBotError) in try golden.sign(with: factory.signer) }
            try writeOutput(factory.goldenPath(name), golden.bytes)
            return "image \(digest)"
        }
        try writeOutput(out + "/vmlinuz", baked.kernel)
        try writeOutput(out + "/initrd.img", baked.initramfs)
        try writeOutput(out + "/cmdline", Array(BootMeasurements.normalizedCommandLine(Array(cmdline.utf8))))
        try writeOutput(out + "/image.golden", golden.bytes)
        try writeOutput(out + "/image.events", EventLog(events: baked.events).bytes)
        var lines = ["image \(digest)", "kernel \(baked.kernel.count) bytes, initramfs \(baked.initramfs.count) bytes (\(baked.uncompressedSize) uncompressed)",
                     "golden values \(name) (vTPM PCRs 0-5 of a correct boot):"]
        var pcrs: [[String: Any]] = []
        for (i, index) in baked.identity.selection.indices.enumerated() {
            lines.append("  PCR-0\(index): \(baked.identity.values[i].hex)")
            pcrs.append(["pcr": index, "value": baked.identity.values[i].hex])
        }
        try options.emit(lines.joined(separator: "\n"), [
            "digest": digest, "golden": name, "kernel_bytes": baked.kernel.count, "initramfs_bytes": baked.initramfs.count,
            "initramfs_uncompressed_bytes": baked.uncompressedSize, "pcrs": pcrs, "out": out,
        ])
    }

    /// Every file's modification time: SOURCE_DATE_EPOCH (the reproducible-builds convention),
    /// or 0 when it is unset; anything but a decimal number of seconds that fits is refused.
    func sourceDateEpoch() throws -> UInt32 {
        guard let text = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"] else { return 0 }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), let epoch = UInt32(text) else {
            throw FactoryError.invalidInput("SOURCE_DATE_EPOCH must be seconds since 1970 (0 to \(UInt32.max)), not \"\(text)\"")
        }
        return epoch
    }
}
