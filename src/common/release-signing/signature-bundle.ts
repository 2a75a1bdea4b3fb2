/**
 * A signature bundle: everything needed to check one released file against a
 * built-in root key, in one JSON file the package ships beside the file
 * (`dca.sig` beside `dca`) and the hub keeps with the release.
 *
 *   manifest      the file's name, version, target, size and SHA-256, signed by a signing key
 *   certificate   that signing key, certified by the root (with its validity)
 *   revocations   the newest list of revoked signing keys the signer had, signed by the root
 *
 * The file itself is never in the bundle: a verifier hashes it and compares.
 */
import {
  certificateValidAt,
  isIsoDate,
  type KeyCertificate,
  newestRevocations,
  openCertificate,
  type RevocationList,
} from "./key-certificate.ts";
import { isSignedBlob, openBlob, type SignedBlob, signBlob } from "./signed-blob.ts";

/** The `format` of a bundle this code writes and reads. */
export const BUNDLE_FORMAT = "dca-signature-bundle-v1";

/** A bundle is about 1.2 KB; a longer file is refused unread (it could be anything, of any size). */
export const BUNDLE_MAX_BYTES = 64 * 1024;

/** What a signing key says about one released file. */
export interface ReleaseManifest {
  readonly type: "dca-release";
  /** The executable's name ("dca", "dca-hub") or a package's file name. */
  readonly name: string;
  readonly version: string;
  /** Bun's target without "bun-": linux-x64, linux-arm64, windows-x64, darwin-arm64. */
  readonly target: string;
  readonly size: number;
  /** Hex SHA-256 of the whole file. */
  readonly sha256: string;
  /** When it was signed: must fall inside the signing key's certificate. */
  readonly signedAt: string;
}

/** The JSON of a `.sig` file. */
export interface SignatureBundle {
  readonly format: typeof BUNDLE_FORMAT;
  readonly manifest: SignedBlob;
  readonly certificate: SignedBlob;
  readonly revocations: SignedBlob;
}

/** Signs a file's manifest with a signing key (PKCS#8 PEM) and bundles it with its chain. */
export function createBundle(
  signingPrivatePem: string,
  chain: { certificate: SignedBlob; revocations: SignedBlob },
  file: Omit<ReleaseManifest, "type" | "signedAt">,
  signedAt = new Date(),
): SignatureBundle {
  const manifest: ReleaseManifest = { type: "dca-release", ...file, signedAt: signedAt.toISOString() };
  return { format: BUNDLE_FORMAT, manifest: signBlob("release-manifest", manifest, signingPrivatePem), ...chain };
}

/** A bundle whose chain holds, or why it does not (a clause fit for "...: REASON; reinstall..."). */
export type OpenedBundle =
  | { readonly ok: true; readonly manifest: ReleaseManifest; readonly certificate: KeyCertificate; readonly revocations: RevocationList }
  | { readonly ok: false; readonly reason: string };

/**
 * Checks a bundle's chain against `rootPublicKey`: the certificate signed by the root, its key not
 * revoked by the newest root-signed list among the bundle's and `keptRevocations` (the hub's, the
 * agent's), the manifest signed by that key while its certificate was valid. The caller then
 * compares the manifest's size and SHA-256 with the file.
 */
export function openBundle(text: string, rootPublicKey: string, keptRevocations: readonly unknown[] = []): OpenedBundle {
  let bundle: SignatureBundle;
  try {
    bundle = JSON.parse(text) as SignatureBundle;
  } catch {
    return { ok: false, reason: "its signature file is not JSON" };
  }
  if (bundle?.format !== BUNDLE_FORMAT || !isSignedBlob(bundle.manifest)) {
    return { ok: false, reason: `its signature file is not a ${BUNDLE_FORMAT}` };
  }
  const certificate = openCertificate(bundle.certificate, rootPublicKey);
  if (!certificate) {
    const by = isSignedBlob(bundle.certificate) ? ` (certified by ${bundle.certificate.keyId})` : "";
    return { ok: false, reason: `its signing key is not certified by the built-in root key${by}` };
  }
  const revocations = newestRevocations([bundle.revocations, ...keptRevocations], rootPublicKey);
  if (!revocations) return { ok: false, reason: "its revocation list is not signed by the built-in root key" };
  const revoked = revocations.revoked.find((r) => r.keyId === certificate.keyId);
  if (revoked) {
    return { ok: false, reason: `its signing key ${certificate.keyId} is revoked (revocation list ${revocations.serial}: ${revoked.reason})` };
  }
  const manifest = openBlob("release-manifest", bundle.manifest, certificate.publicKey) as ReleaseManifest | undefined;
  if (manifest?.type !== "dca-release" || !Number.isSafeInteger(manifest.size) || typeof manifest.sha256 !== "string" || !isIsoDate(manifest.signedAt)) {
    return { ok: false, reason: `its manifest is not signed by its signing key ${certificate.keyId}` };
  }
  if (!certificateValidAt(certificate, new Date(manifest.signedAt))) {
    return {
      ok: false,
      reason: `it was signed at ${manifest.signedAt}, outside its signing key's certificate (${certificate.notBefore} to ${certificate.notAfter})`,
    };
  }
  return { ok: true, manifest, certificate, revocations };
}
