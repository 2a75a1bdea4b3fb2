/**
 * Temp folders a test makes and never has to remember: each is removed after
 * the test run (test/support/test-preload.ts, a bunfig.toml preload, calls
 * removeTempDirs; Bun's test runner fires no process "exit" event), so a suite
 * run leaves nothing in /tmp.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made: string[] = [];

/** A new folder under the system temp folder, named `<prefix>XXXXXX`, removed after the run. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every folder tempDir made in this process. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
