/**
 * The state tests' sandbox: every test gets its own temp root with a
 * machine id file, a state folder path and the "outside" sealed-copy folder
 * under it (via DCA_MACHINE_ID_FILE / DCA_SEAL_DIR), so nothing is written to
 * the real home folder or read from /etc/machine-id. Other test files share
 * the process: the environment is put back and no temp folder is left.
 */
import { afterAll, afterEach, beforeEach } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TempState {
  root: string;
  /** The state folder (not created). */
  dir: string;
  machineFile: string;
}

/** Registers the hooks; `onSetup` receives each test's fresh paths. Returns a setup() for a second sandbox within one test. */
export function useTempState(prefix: string, machineId: string, onSetup: (s: TempState) => void): () => void {
  const saved = { DCA_MACHINE_ID_FILE: process.env.DCA_MACHINE_ID_FILE, DCA_SEAL_DIR: process.env.DCA_SEAL_DIR };
  const roots: string[] = [];
  const setup = () => {
    const root = mkdtempSync(join(tmpdir(), prefix));
    roots.push(root);
    const machineFile = join(root, "machine-id");
    writeFileSync(machineFile, `${machineId}\n`);
    process.env.DCA_MACHINE_ID_FILE = machineFile;
    process.env.DCA_SEAL_DIR = join(root, "outside");
    onSetup({ root, dir: join(root, "state"), machineFile });
  };
  beforeEach(setup);
  afterEach(() => {
    for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  return setup;
}
