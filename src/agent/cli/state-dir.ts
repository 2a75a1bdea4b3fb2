/**
 * Where the agent keeps its identity, lock state, outbox and config:
 * --state DIR, else $DCA_STATE_DIR, else the platform's usual place.
 */
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { assertFolderPath } from "../../common/folder-path.ts";

export function defaultStateDir(): string {
  if (process.env.DCA_STATE_DIR) return resolve(process.env.DCA_STATE_DIR);
  if (process.platform === "win32") return join(process.env.ProgramData ?? "C:\\ProgramData", "dca");
  if (process.platform === "darwin" && process.getuid?.() === 0) return "/Library/Application Support/dca";
  if (process.getuid?.() === 0) return "/var/lib/dca";
  return join(process.env.XDG_STATE_HOME ?? join(homedir(), ".local", "state"), "dca");
}

/** The state folder to use; refused (invalid-argument) when it, or a folder above it, is a file. */
export function stateDirFrom(flagValue: string | undefined): string {
  const dir = flagValue ? resolve(flagValue) : defaultStateDir();
  const what = flagValue ? "--state" : process.env.DCA_STATE_DIR ? "$DCA_STATE_DIR" : "the state folder";
  assertFolderPath(dir, what, "give --state a folder, or a path where one can be made");
  return dir;
}
