/**
 * A released file checked against its signature bundle: the chain to the root
 * (signature-bundle.ts), then the file's size and SHA-256 against the signed
 * manifest, and what it must be (name, target, version) when the caller knows.
 * The hub runs it at `release add`; the agent on every download before it
 * replaces itself. Reasons are clauses: "...: REASON".
 */
import { hashFile } from "../hash-file.ts";
import { openBundle, type ReleaseManifest } from "./signature-bundle.ts";

/** What the file must be, besides signed. */
export interface ExpectedRelease {
  name?: string;
  target?: string;
  version?: string;
  size?: number;
  sha256?: string;
}

/** The manifest and signing key of a file that checks out, or why it does not. */
export type CheckedRelease = { ok: true; manifest: ReleaseManifest; keyId: string } | { ok: false; reason: string };

/** Checks `file` against the bundle `bundleText` with the root `rootPublicKey` and revocation lists kept apart. */
export function checkReleaseFile(
  file: string,
  bundleText: string,
  rootPublicKey: string,
  keptRevocations: readonly unknown[],
  expected: ExpectedRelease = {},
): CheckedRelease {
  const opened = openBundle(bundleText, rootPublicKey, keptRevocations);
  if (!opened.ok) return opened;
  const m = opened.manifest;
  for (const field of ["name", "target", "version", "size", "sha256"] as const) {
    const want = expected[field];
    if (want !== undefined && m[field] !== want) return { ok: false, reason: `its signed ${field} is ${m[field]}, not ${want} as offered` };
  }
  let measured: { size: number; sha256?: string };
  try {
    measured = hashFile(file, m.size);
  } catch (e) {
    return { ok: false, reason: `it cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  if (measured.size !== m.size) return { ok: false, reason: `it is ${measured.size} bytes, the signed file ${m.size}` };
  if (measured.sha256 !== m.sha256) return { ok: false, reason: "its SHA-256 differs from the signed file's" };
  return { ok: true, manifest: m, keyId: opened.certificate.keyId };
}
