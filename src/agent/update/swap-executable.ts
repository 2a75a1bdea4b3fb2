/**
 * Replaces the agent's executable with a checked release, and puts the
 * previous one back. The new file is first copied beside the executable
 * (the state folder may be on another file system, where a rename cannot
 * reach) and hashed again there; then the running file is renamed to
 * `.previous` and the new one renamed into place, each with its signature
 * bundle (`dca.sig`, which the start-up check reads). Renaming a running
 * executable is allowed on Linux, macOS and Windows; the process keeps
 * running its old image until it restarts.
 */
import { chmodSync, copyFileSync, existsSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { DcaError } from "../../common/errors.ts";
import { hashFile } from "../../common/hash-file.ts";
import { fsyncDir, writeFileAtomic } from "../../common/write-file-atomic.ts";
import { DISK_MARGIN_BYTES, assertFreeSpace } from "./download-release.ts";

/** The previous executable's name beside `exe`, and its bundle's. */
export const previousOf = (exe: string) => ({ file: `${exe}.previous`, sig: `${exe}.previous.sig` });

/** What an error of the file system says, as a clause with what to do. */
function cannot(what: string, e: unknown): DcaError {
  const code = (e as NodeJS.ErrnoException).code ?? "";
  const advice = code === "EACCES" || code === "EPERM" || code === "EROFS" ? "; the agent needs write access to its executable's folder to update itself" : "";
  return new DcaError("failed-precondition", `cannot ${what}: ${code || (e as Error).message}${advice}`, { cause: e });
}

/** Steps the caller runs between staging and swapping. */
export interface InstallHooks {
  /** Runs the staged copy to see that it starts; throws to stop the install. */
  preflight?: (staged: string) => void;
  /** Just before the renames (the marker is written here). */
  beforeSwap?: () => void;
}

/**
 * Puts `verified` (size `size`, SHA-256 `sha256`, its bundle `bundleText`) in place of `exe`.
 * Throws before anything is renamed if the copy fails, differs or does not start; the running
 * file is kept as `.previous`.
 */
export function installExecutable(exe: string, verified: string, bundleText: string, size: number, sha256: string, hooks: InstallHooks = {}): void {
  const dir = dirname(exe);
  const staged = `${exe}.new`;
  try {
    assertFreeSpace(dir, size + DISK_MARGIN_BYTES / 4, "the new executable");
    copyFileSync(verified, staged);
    chmodSync(staged, 0o755);
    writeFileAtomic(`${staged}.sig`, bundleText, 0o644);
  } catch (e) {
    rmSync(staged, { force: true });
    rmSync(`${staged}.sig`, { force: true });
    throw e instanceof DcaError ? e : cannot(`copy the new executable into ${dir}`, e);
  }
  try {
    if (hashFile(staged, size).sha256 !== sha256) {
      throw new DcaError("data-loss", `the copy of the new executable in ${dir} differs from the checked file; check the disk`);
    }
    hooks.preflight?.(staged);
    hooks.beforeSwap?.();
  } catch (e) {
    rmSync(staged, { force: true });
    rmSync(`${staged}.sig`, { force: true });
    throw e;
  }
  const prev = previousOf(exe);
  try {
    renameSync(exe, prev.file);
    if (existsSync(`${exe}.sig`)) renameSync(`${exe}.sig`, prev.sig);
    renameSync(staged, exe);
    renameSync(`${staged}.sig`, `${exe}.sig`);
    fsyncDir(dir);
  } catch (e) {
    // Half done: the previous file goes back so the agent can start as it was.
    restorePrevious(exe);
    throw cannot(`replace ${exe}`, e);
  }
}

/** Puts `.previous` back in place of `exe` (and its bundle); false when there is none. */
export function restorePrevious(exe: string): boolean {
  const prev = previousOf(exe);
  if (!existsSync(prev.file)) return false;
  renameSync(prev.file, exe);
  if (existsSync(prev.sig)) renameSync(prev.sig, `${exe}.sig`);
  fsyncDir(dirname(exe));
  return true;
}
