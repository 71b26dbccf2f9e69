// `lobot platform ek`, `enroll` and `activate`: the platform's side of the privacy-CA
// enrollment that gives it an AIK certified by the factory.
import LoBotCore
import LoBotPlatform

enum PlatformEKCommand {
    static let spec = CommandSpec(
        name: "platform ek",
        summary: "Export the platform TPM's endorsement public key.",
        help: """
            usage: lobot platform ek --out FILE [--certificate]

            Writes the endorsement key's public key, for a factory that issues EK certificates
            to platforms whose TPM has none: a TPM_PUBKEY (TPM 1.2, owner authorisation) or a
            TPM2B_PUBLIC (TPM 2.0). With --certificate, writes instead the manufacturer's EK
            certificate (DER) from the TPM's NV storage (TPM 2.0: index 0x01c00002).

            options:
              --out FILE       where to write it
              --certificate    the manufacturer's EK certificate instead of the key
            """,
        options: ["out"], flags: ["certificate"],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let out = try arguments.required("out")
        let certificate = arguments.has("certificate")
        let bytes = PlatformAccess.isTPM2
            ? try PlatformTPM2Commands.endorsement(certificate: certificate)
            : try PlatformAccess.with { (tpm) throws(LoBotError) in
                certificate ? try tpm.endorsementCertificate() : try tpm.endorsementPublicKey().bytes
            }
        try Output.write(out, bytes)
        Console.out("endorsement \(certificate ? "certificate" : "key") written to \(out)")
    }
}

enum PlatformEnrollCommand {
    static let spec = CommandSpec(
        name: "platform enroll",
        summary: "Make an AIK and the identity request for the factory.",
        help: """
            usage: lobot platform enroll --platform DIR --ca-key FILE --label NAME --ek-cert FILE --out FILE

            Has the TPM make a new AIK (kept in DIR/aik.pending until activated) and writes the
            request for the factory's privacy CA. TPM 1.2: the TPM_IDENTITY_REQ, the AIK's
            public key signed with the label, encrypted to the CA with the EK certificate.
            TPM 2.0: the label, the EK's and the AK's public areas and the EK certificate, in
            the clear (the factory answers so that only this TPM can open it), and --ca-key
            is not used; the storage primary the AK is made under is kept at the SRK handle
            0x81000001 when that handle is free.

            options:
              --platform DIR   the platform's LoBot directory (or $LOBOT_PLATFORM)
              --ca-key FILE    the factory's privacy-CA key (TPM_PUBKEY, from lobot-factory init)
              --label NAME     the platform's name, as the factory knows it
              --ek-cert FILE   the EK certificate (DER) to send: the manufacturer's or the factory's
              --out FILE       where to write the identity request
            """,
        options: PlatformAccess.options + ["ca-key", "label", "ek-cert", "out"],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let directory = try PlatformAccess.directory(arguments)
        let label = Array(try arguments.required("label").utf8)
        let ekCertificate = try Output.read(try arguments.required("ek-cert"), maximum: 4096)
        let out = try arguments.required("out")
        guard !label.isEmpty, label.count <= 64 else { throw arguments.usage("--label must be 1 to 64 bytes") }
        if PlatformAccess.isTPM2 {
            let request = try PlatformTPM2Commands.enroll(directory: directory, label: label, ekCertificate: ekCertificate)
            try Output.write(out, request)
            Console.out("TPM 2.0 identity request written to \(out); the new AK waits in \(directory.pendingAIKPath)")
            return
        }
        let caKey = try Output.read(try arguments.required("ca-key"), maximum: 4096)
        let (request, aikBlob) = try PlatformAccess.with { (tpm) throws(LoBotError) in
            try Files.makeDirectory(directory.path, permissions: 0o700, existingOK: true)
            return try tpm.collateIdentityRequest(caKey: try PubKey(bytes: caKey), label: label, endorsementCredential: ekCertificate)
        }
        try core { () throws(LoBotError) in try Files.writeAtomically(directory.pendingAIKPath, aikBlob) }
        try Output.write(out, request)
        Console.out("identity request written to \(out); the new AIK waits in \(directory.pendingAIKPath)")
    }
}

enum PlatformActivateCommand {
    static let spec = CommandSpec(
        name: "platform activate",
        summary: "Activate the AIK with the factory's answer.",
        help: """
            usage: lobot platform activate --platform DIR --answer FILE --ca-cert FILE

            Has the TPM decrypt the factory's answer (only the TPM holding the EK can, and only
            for the AIK the request named: TPM_ActivateIdentity, or TPM2_ActivateCredential in
            the EK's policy session), checks that the credential inside is an X.509
            certificate for that AIK signed by the factory CA, and keeps the AIK as enrolled:
            DIR/aik.blob and DIR/aik.cert.

            options:
              --platform DIR   the platform's LoBot directory (or $LOBOT_PLATFORM)
              --answer FILE    the factory's enrollment answer
              --ca-cert FILE   the factory CA certificate (DER)
            """,
        options: PlatformAccess.options + ["answer", "ca-cert"],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let directory = try PlatformAccess.directory(arguments)
        let answerBytes = try Output.read(try arguments.required("answer"), maximum: 16 << 10)
        let caBytes = try Output.read(try arguments.required("ca-cert"), maximum: 16 << 10)
        if PlatformAccess.isTPM2 {
            let name = try PlatformTPM2Commands.activate(directory: directory, answer: answerBytes, caCertificate: caBytes)
            Console.out("AK activated: certificate for \"\(name)\" in \(directory.aikCertificatePath)")
            return
        }
        let name = try core { () throws(LoBotError) -> String in
            let answer = try EnrollmentAnswer(bytes: answerBytes)
            let pending = try directory.read(directory.pendingAIKPath, "AIK awaiting activation (run lobot platform enroll first)")
            let credential = try PlatformAccess.tpm12().activateIdentity(
                aikBlob: pending, asymmetric: answer.asymmetric, symmetric: answer.symmetric)
            let certificate = try X509Certificate(der: credential)
            let ca = try X509Certificate(der: caBytes)
            try certificate.verify(
                issuer: try ca.publicKey(), subjectKey: try KeyBlob(bytes: pending).modulus, what: "AIK")
            try Files.writeAtomically(directory.aikCertificatePath, credential, permissions: 0o644)
            try Files.writeAtomically(directory.caCertificatePath, caBytes, permissions: 0o644)
            try Files.rename(directory.pendingAIKPath, to: directory.aikBlobPath)
            return certificate.commonName ?? "?"
        }
        Console.out("AIK activated: certificate for \"\(name)\" in \(directory.aikCertificatePath)")
    }
}
