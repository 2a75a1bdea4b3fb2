/**
 * The agent's state folder: identity, sealed lock state and the outbox live
 * here, so nobody but the agent's own user may list or read it.
 */
import { chmodSync, existsSync, mkdirSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { DcaError } from "../../common/errors.ts";

/** True where POSIX file modes mean something (not on Windows, where ACLs rule). */
export const hasPosixModes = process.platform !== "win32";

/**
 * Creates the folder with mode 0700 if missing (and tightens an existing one).
 * mkdir's mode is filtered by the umask and ignored for folders that exist,
 * hence the explicit chmod afterwards.
 */
export function ensureStateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!statSync(dir).isDirectory()) throw new DcaError("failed-precondition", `state folder ${dir} is not a folder`);
  if (hasPosixModes) {
    chmodSync(dir, 0o700);
    assertMode(dir, 0o700);
  }
}

/**
 * The folder's canonical path (symlinks resolved), created if missing. It
 * goes into the install id and the sealing key, so the same folder reached
 * through a symlink is still the same install. Windows paths are
 * case-insensitive, so they are compared in lower case there.
 */
export function realStateDir(dir: string): string {
  ensureStateDir(dir);
  const real = realpathSync.native(dir);
  return process.platform === "win32" ? real.toLowerCase() : real;
}

/**
 * The canonical path `dir` will have once created, without creating it: its nearest existing
 * ancestor's real path and the rest as given. The same value {@link realStateDir} gives later.
 */
export function prospectiveStateDir(dir: string): string {
  let existing = resolve(dir);
  const rest: string[] = [];
  while (!existsSync(existing) && dirname(existing) !== existing) {
    rest.unshift(basename(existing));
    existing = dirname(existing);
  }
  const real = join(realpathSync.native(existing), ...rest);
  return process.platform === "win32" ? real.toLowerCase() : real;
}

/** Throws unless `path` has exactly the permission bits `mode` (POSIX only). */
export function assertMode(path: string, mode: number): void {
  if (!hasPosixModes) return;
  const actual = statSync(path).mode & 0o777;
  if (actual !== mode) {
    throw new DcaError("permission-denied", `${path} has mode ${actual.toString(8).padStart(4, "0")}, expected ${mode.toString(8).padStart(4, "0")}`);
  }
}
