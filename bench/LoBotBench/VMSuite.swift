// LoBot VM benchmarks: the baked image's size (kernel, initramfs, total), and boot-to-quote -- a
// whole `lobot platform launch`, from starting the VM to holding both quotes, with a real TPM
// 1.2 -- over 3 boots (1 in the smoke run) against as many boots of the same kernel with a
// trivial static init that only powers off (same qemu machine, CPU model and accelerator, same run).
import FactoryKit
import Foundation
import TestSupport

struct VMSuite {
    let lobot: String
    let work: String
    let sizes: BenchSizes

    func run(into results: inout ResultsFile) throws {
        let factory = try FactoryUnderTest()
        let platform = try TestPlatform(ekCertificate: false)
        try factory.enroll(platform, as: "bench-platform")
        try factory.registerBindKey(platform, as: "bench-platform")
        try succeed(try platform.lobot(["platform", "counter", "--platform", platform.lobotDirectory, "--create"]))
        let image = factory.temp.file("image")
        try succeed(try factory.run(["bake", "--agent", lobot, "--out", image]), "bake")
        try succeed(try factory.run(group: "lobot", ["new", "--name", "bench-lobot", "--platform", "bench-platform",
                                                      "--out", factory.temp.file("vtpm")]), "lobot new")
        try platform.stop()

        let kernel = (try FileManager.default.attributesOfItem(atPath: image + "/vmlinuz")[.size] as? Int) ?? 0
        let initramfs = (try FileManager.default.attributesOfItem(atPath: image + "/initrd.img")[.size] as? Int) ?? 0
        results.record("LoBot image: kernel", Double(kernel) / 1_048_576, "MiB", note: "Debian's bzImage")
        results.record("LoBot image: initramfs (gzip)", Double(initramfs) / 1_048_576, "MiB", note: "size gate: at most 2 MiB (size-budgets)")
        results.record("LoBot image: total", Double(kernel + initramfs) / 1_048_576, "MiB")

        var lobotBoots = Samples()
        var accelerator = "tcg"
        for _ in 0..<sizes.boots {
            let platformNonce = try factory.nonce(for: "bench-platform", purpose: "quote")
            let vtpmNonce = try factory.nonce(for: "bench-lobot", purpose: "quote")
            let start = Clock.now()
            let out = try succeed(try runProcess(lobot, [
                "platform", "launch", "--platform", platform.lobotDirectory, "--vtpm", factory.temp.file("vtpm"), "--image-dir", image,
                "--platform-nonce", platformNonce, "--vtpm-nonce", vtpmNonce, "--out", factory.temp.file("result"),
                "--system-data", platform.systemData, "--tpm-state", platform.tpmState,
            ]), "platform launch")
            lobotBoots.add(Clock.now() - start)
            if out.contains("(kvm,") { accelerator = "kvm" }
        }
        let trivial = try trivialImage()
        var trivialBoots = Samples()
        for _ in 0..<sizes.boots {
            let cmdline = try String(contentsOfFile: image + "/cmdline", encoding: .utf8)
            trivialBoots.add(try Clock.time {
                try spawn("/usr/bin/qemu-system-x86_64", [
                    "-machine", "pc-q35-7.2", "-accel", accelerator, "-cpu", accelerator == "kvm" ? "host" : "max", "-m", "128",
                    "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot", "-nic", "none", "-serial", "null",
                    "-kernel", image + "/vmlinuz", "-initrd", trivial, "-append", cmdline,
                ])
            })
        }
        results.record("LoBot VM boot-to-quote", lobotBoots, scale: 1, "s", baseline: trivialBoots,
                       note: "whole lobot platform launch (\(accelerator)) vs the same kernel with a trivial init that powers off")
    }

    /// A gzip newc initramfs whose /init (static C) only powers off.
    func trivialImage() throws -> String {
        let source = work + "/trivial-init.c"
        try "#include <sys/reboot.h>\n#include <unistd.h>\nint main(void) { sync(); reboot(RB_POWER_OFF); for (;;) pause(); }\n"
            .write(toFile: source, atomically: true, encoding: .utf8)
        try spawn("/usr/bin/gcc", ["-static", "-Os", "-s", "-o", work + "/trivial-init", source])
        var archive = NewcArchive(modificationTime: 0)
        archive.add(.init(path: "/dev", kind: .directory, permissions: 0o755))
        archive.add(.init(path: "/dev/console", kind: .characterDevice(major: 5, minor: 1), permissions: 0o600))
        archive.add(.init(path: "/init", kind: .file([UInt8](try Data(contentsOf: URL(fileURLWithPath: work + "/trivial-init")))),
                          permissions: 0o755))
        let path = work + "/trivial.cpio.gz"
        try Data(try Gzip.compress(archive.bytes())).write(to: URL(fileURLWithPath: path))
        return path
    }
}
