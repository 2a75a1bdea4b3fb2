/**
 * The agent's check of its own executable at start: the file that is running is
 * hashed whole and compared with the manifest of its signature bundle (`dca.sig`
 * beside `dca`), whose chain must lead to the built-in root key (src/common/trust-root.ts).
 * Not cached: the hash costs about 80 ms of CPU, and a cache would be one more
 * thing to protect (test/bench/integrity/README.md). A self-update cut short
 * between its two renames leaves the executable beside the other version's
 * bundle; the bundle that matches is then beside it too (`dca.new.sig`, or
 * `dca.previous.sig` after a rollback cut short), and is renamed into place.
 * Any bundle is as good as another that passes: it must sign this file's hash.
 */
import { existsSync, readFileSync, renameSync, statSync } from "node:fs";
import { checkReleaseFile } from "../../common/release-signing/check-release-file.ts";
import { BUNDLE_MAX_BYTES } from "../../common/release-signing/signature-bundle.ts";
import { TRUST_ROOT } from "../../common/trust-root.ts";

/** The outcome of a self-check. */
export interface SelfCheck {
  /** True for a release build that checks out, and for a development build (which checks nothing). */
  readonly ok: boolean;
  readonly kind: "release" | "development";
  /** Why it fails, as a clause: "its SHA-256 differs from the signed one". */
  readonly reason?: string;
  /** Milliseconds the check took. */
  readonly ms: number;
  /** The signing key, when the chain held. */
  readonly keyId?: string;
}

/** Where the check looks; the defaults are the running executable and the built-in root. */
export interface SelfCheckOptions {
  /** The executable to check (default: the running one). */
  readonly executable?: string;
  /** Its signature bundle (default: the executable's path + ".sig"). */
  readonly signatureFile?: string;
  /** The root public key, base64 (default: the built-in one; "" means a development build). */
  readonly rootPublicKey?: string;
  /** Root-signed revocation lists kept outside the bundle (the hub's newest); the newest applies. */
  readonly keptRevocations?: readonly unknown[];
}

/** The one line a refusing executable prints. */
export function integrityFailureLine(reason: string): string {
  return `dca: this executable fails its integrity check: ${reason}; reinstall it from a signed release`;
}

/**
 * Checks the executable against its signature bundle. Never throws: an unreadable file or
 * bundle is a failed check with its reason. `dca doctor` calls it for its integrity row.
 */
export function verifySelf(options: SelfCheckOptions = {}): SelfCheck {
  const started = performance.now();
  const root = options.rootPublicKey ?? TRUST_ROOT;
  const done = (r: Omit<SelfCheck, "ms" | "kind">): SelfCheck => ({
    ...r,
    kind: root === "" ? "development" : "release",
    ms: performance.now() - started,
  });
  if (root === "") return done({ ok: true });
  const named = options.executable ?? process.execPath;
  // On Linux /proc/self/exe is the file this process was started from, even if a path now names another.
  // Only there: on Windows "/proc/self/exe" is a path on the current drive that anyone may create
  // (C:\proc\self\exe), and under wine Z:\proc\self\exe is wine's own loader.
  const running = options.executable ?? (process.platform === "linux" && existsSync("/proc/self/exe") ? "/proc/self/exe" : process.execPath);
  const sigFile = options.signatureFile ?? `${named}.sig`;
  const first = checkWith(running, sigFile, root, options.keptRevocations ?? []);
  if (first.ok || options.signatureFile) return done(first);
  for (const other of [`${named}.new.sig`, `${named}.previous.sig`]) {
    if (!existsSync(other)) continue;
    const r = checkWith(running, other, root, options.keptRevocations ?? []);
    if (!r.ok) continue;
    try {
      renameSync(other, sigFile);
    } catch {
      // Read-only folder: the bundle beside still proves the file; the next update renames.
    }
    return done(r);
  }
  return done(first);
}

/** The file checked against one bundle file. */
function checkWith(running: string, sigFile: string, root: string, kept: readonly unknown[]): { ok: boolean; reason?: string; keyId?: string } {
  let text: string;
  try {
    if (statSync(sigFile).size > BUNDLE_MAX_BYTES) return { ok: false, reason: `its signature file ${sigFile} is over ${BUNDLE_MAX_BYTES} bytes` };
    text = readFileSync(sigFile, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === "ENOENT" ? `its signature file ${sigFile} is missing` : `its signature file ${sigFile} cannot be read (${code})` };
  }
  const checked = checkReleaseFile(running, text, root, kept);
  return checked.ok ? { ok: true, keyId: checked.keyId } : { ok: false, reason: checked.reason };
}
