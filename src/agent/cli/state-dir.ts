/**
 * Where the agent keeps its identity, lock state, outbox and config:
 * --state DIR, else $DCA_STATE_DIR, else the platform's usual place.
 */
import { statSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { becomeFolderOwner } from "../../common/folder-owner.ts";
import { assertFolderPath } from "../../common/folder-path.ts";

/** The system-wide state folder: root's, and the packaged service's (its user owns it). */
export const SYSTEM_STATE_DIR = "/var/lib/dca";

export function defaultStateDir(): string {
  if (process.env.DCA_STATE_DIR) return resolve(process.env.DCA_STATE_DIR);
  if (process.platform === "win32") return join(process.env.ProgramData ?? "C:\\ProgramData", "dca");
  if (process.platform === "darwin" && process.getuid?.() === 0) return "/Library/Application Support/dca";
  if (process.getuid?.() === 0 || ownsSystemStateDir()) return SYSTEM_STATE_DIR;
  return join(process.env.XDG_STATE_HOME ?? join(homedir(), ".local", "state"), "dca");
}

/** True for the packaged service's user (`sudo -u dca dca status`), whose home is not where its state is. */
function ownsSystemStateDir(): boolean {
  try {
    return statSync(SYSTEM_STATE_DIR).uid === process.getuid?.();
  } catch {
    return false;
  }
}

/** The state folder to use; refused (invalid-argument) when it, or a folder above it, is a file. */
export function stateDirFrom(flagValue: string | undefined): string {
  const dir = flagValue ? resolve(flagValue) : defaultStateDir();
  const what = flagValue ? "--state" : process.env.DCA_STATE_DIR ? "$DCA_STATE_DIR" : "the state folder";
  assertFolderPath(dir, what, "give --state a folder, or a path where one can be made");
  return dir;
}

/**
 * The state folder as stateDirFrom gives it; run by root on a folder another user owns
 * (the packaged service's), the process becomes that user first (common/folder-owner.ts),
 * so the service can still open every file the command writes there.
 */
export function stateDirAsOwner(flagValue: string | undefined): string {
  const dir = stateDirFrom(flagValue);
  becomeFolderOwner(dir);
  return dir;
}
