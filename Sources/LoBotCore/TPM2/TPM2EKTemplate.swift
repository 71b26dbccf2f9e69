// The TCG's RSA-2048 EK template, "low range" (TCG EK Credential Profile 2.0, B.3.3, template
// L-1): what TPM2_CreatePrimary under the endorsement hierarchy turns into the manufacturer's EK
// when no persistent copy is there. Its authPolicy is PolicySecret(TPM_RH_ENDORSEMENT):
//
//   type RSA; nameAlg SHA-256;
//   attributes fixedTPM | fixedParent | sensitiveDataOrigin | adminWithPolicy | restricted | decrypt
//              (0x000300b2: no userWithAuth, so every use needs the policy);
//   authPolicy 837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa;
//   symmetric AES-128-CFB; scheme NULL; keyBits 2048; exponent 0; unique: 256 zero bytes.

extension TPM2EndorsementKey {
    /// PolicySecret(TPM_RH_ENDORSEMENT)'s digest, the EK's authPolicy.
    public static let policySecretEndorsement: [UInt8] = [
        0x83, 0x71, 0x97, 0x67, 0x44, 0x84, 0xb3, 0xf8, 0x1a, 0x90, 0xcc, 0x8d, 0x46, 0xa5, 0xd7, 0x24,
        0xfd, 0x52, 0xd7, 0x6e, 0x06, 0x52, 0x0b, 0x64, 0xf2, 0xa1, 0xda, 0x1b, 0x33, 0x14, 0x69, 0xaa,
    ]

    /// Template L-1.
    public static var template: TPMTPublic {
        TPMTPublic(
            nameAlg: .sha256,
            objectAttributes: [.fixedTPM, .fixedParent, .sensitiveDataOrigin, .adminWithPolicy, .restricted, .decrypt],
            authPolicy: TPM2BDigest(policySecretEndorsement),
            key: .rsa(
                parameters: TPMSRSAParms(symmetric: .aes(keyBits: 128), scheme: .null, keyBits: 2048),
                modulus: TPM2BPublicKeyRSA([UInt8](repeating: 0, count: 256))))
    }
}
