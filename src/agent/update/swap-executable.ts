/**
 * Replaces the agent's executable with a checked release, and puts the
 * previous one back. The new file is first copied beside the executable
 * (the state folder may be on another file system, where a rename cannot
 * reach) and hashed again there. On Linux and macOS the running file is
 * then kept as `.previous` by a hard link and the new one renamed over it,
 * then its signature bundle over `dca.sig`: each rename is atomic, so a
 * power cut leaves either file in place, and in the one state where the
 * executable and `dca.sig` disagree the start-up check finds the matching
 * bundle beside it (`dca.new.sig` or `dca.previous.sig`) and finishes the
 * rename (src/agent/integrity/verify-self.ts). Windows cannot rename over a
 * running executable: there the running file is renamed to `.previous`
 * first, which leaves a moment without one.
 */
import { chmodSync, copyFileSync, existsSync, linkSync, renameSync, rmSync } from "node:fs";
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
    if (process.platform === "win32") {
      renameSync(exe, prev.file);
      if (existsSync(`${exe}.sig`)) renameSync(`${exe}.sig`, prev.sig);
    } else {
      keepAs(exe, prev.file);
      if (existsSync(`${exe}.sig`)) keepAs(`${exe}.sig`, prev.sig);
      fsyncDir(dir);
    }
    renameSync(staged, exe);
    renameSync(`${staged}.sig`, `${exe}.sig`);
    fsyncDir(dir);
  } catch (e) {
    // Half done: the previous file goes back so the agent can start as it was.
    restorePrevious(exe);
    throw cannot(`replace ${exe}`, e);
  }
}

/** `to` becomes a second name of `from` (a copy where hard links are not allowed). */
function keepAs(from: string, to: string): void {
  rmSync(to, { force: true });
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/** Puts `.previous` back in place of `exe` (and its bundle; each rename atomic, as above); false when there is none. */
export function restorePrevious(exe: string): boolean {
  const prev = previousOf(exe);
  if (!existsSync(prev.file)) return false;
  renameSync(prev.file, exe);
  if (existsSync(prev.sig)) renameSync(prev.sig, `${exe}.sig`);
  fsyncDir(dirname(exe));
  return true;
}
