/**
 * Release signing: Ed25519 signed blobs, the root's key certificates and revocation
 * lists, and the signature bundle a released file ships with (docs/release.md).
 */
export * from "./key-certificate.ts";
export * from "./signature-bundle.ts";
export * from "./signed-blob.ts";
export * from "./check-release-file.ts";
