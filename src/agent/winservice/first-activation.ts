/**
 * The service's first start after `msiexec /i dca.msi HUB_URL=... ACTIVATION_CODE=...`:
 * activates with the installer's settings (install-settings.ts), retrying while the hub
 * cannot be reached, and deletes them once the hub has answered either way (a code the hub
 * refused will not become right, and each try counts towards the lockout).
 */
import { sleep, systemClock } from "../../common/clock.ts";
import { DcaError } from "../../common/errors.ts";
import { exitCodeOf } from "../../common/exit-codes.ts";
import { loadIdentity } from "../state/index.ts";
import { deleteInstallSettings, readInstallSettings } from "./install-settings.ts";

/** Activates like `dca activate` would (the same code, in this process: nothing shows in a process list). */
export type Activate = (argv: string[]) => Promise<number>;

const FIRST_RETRY_MS = 15_000;
const LONGEST_RETRY_MS = 10 * 60_000;

/**
 * Returns 0 when there was nothing to do or the activation succeeded, else the exit code to stop
 * the service with. Never throws for the hub's or the settings' faults: they are logged.
 */
export async function activateFromInstallSettings(dir: string, activate: Activate, log: (line: string) => void, stop: AbortSignal): Promise<number> {
  let settings;
  try {
    settings = readInstallSettings(dir);
  } catch (e) {
    log(`dca service: ${(e as Error).message}`);
    return loadIdentity(dir) ? 0 : 2;
  }
  if (!settings) return 0;
  if (loadIdentity(dir)) {
    deleteInstallSettings(dir);
    log(`dca service: already activated; the installer's HUB_URL and ACTIVATION_CODE are ignored (to change the hub: "dca activate --force" as an administrator)`);
    return 0;
  }
  const argv = ["--state", dir, "--hub", settings.hubUrl, "--code", settings.code];
  if (settings.caFingerprint) argv.push("--ca-fingerprint", settings.caFingerprint);
  if (settings.proxy) argv.push("--proxy", settings.proxy);
  for (let wait = FIRST_RETRY_MS; !stop.aborted; wait = Math.min(wait * 2, LONGEST_RETRY_MS)) {
    try {
      const exit = await activate(argv);
      // 0: activated; 1: the hub refused the code (activate said why and how many tries are left).
      deleteInstallSettings(dir);
      return exit;
    } catch (e) {
      const err = DcaError.from(e);
      log(`dca service: activation with the installer's settings failed: ${err.message}`);
      if (exitCodeOf(err.code) !== 1) {
        deleteInstallSettings(dir);
        return exitCodeOf(err.code);
      }
      log(`dca service: trying again in ${wait / 1000} s`);
      await sleep(systemClock, wait, stop);
    }
  }
  return 0;
}
