/**
 * The MSI's two custom actions, run as SYSTEM (deferred, not impersonated):
 *
 *   dca service setup --hub=[HUB_URL] --code=[ACTIVATION_CODE] --ca-fingerprint=[CA_FINGERPRINT] --proxy=[PROXY]
 *     after the files and the service are installed, before the service starts: creates the
 *     state folder, restricts it to SYSTEM and Administrators, and leaves the properties there
 *     for the service's first start (install-settings.ts). Empty properties: only the folder.
 *   dca service purge
 *     on uninstall with REMOVE_STATE=1: waits for the service to stop (a service still starting
 *     ignores the uninstall's stop), then deletes the state folder.
 *
 * The MSI marks the action's command line hidden (not in the installer log) and the properties
 * MsiHiddenProperties; a process running as SYSTEM shows its command line to administrators only.
 */
import { existsSync, readdirSync, rmdirSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { flag, parseArgs } from "../../common/args.ts";
import { stateDirFrom } from "../cli/state-dir.ts";
import { checkInstallSettings, restrictStateDir, writeInstallSettings } from "./install-settings.ts";
import { SERVICE_NAME } from "./service-command.ts";

export async function setupCommand(sub: "setup" | "purge", argv: string[]): Promise<number> {
  if (sub === "purge") {
    const p = parseArgs(argv, ["state"], []);
    const dir = stateDirFrom(flag(p, "state"));
    // The service may still be starting (just installed): it would make the folder again once it runs.
    if (process.platform === "win32" && !(await (await import("./advapi32.ts")).stopServiceAndWait(SERVICE_NAME, 30_000))) {
      console.log("dca service purge: the service did not stop within 30 s; removing the state folder anyway");
    }
    if (existsSync(dir)) removeTree(dir);
    console.log(`dca service purge: removed ${dir}`);
    return 0;
  }
  const p = parseArgs(argv, ["hub", "code", "ca-fingerprint", "proxy", "state"], []);
  const settings = checkInstallSettings({ hubUrl: flag(p, "hub"), code: flag(p, "code"), caFingerprint: flag(p, "ca-fingerprint"), proxy: flag(p, "proxy") });
  const dir = stateDirFrom(flag(p, "state"));
  // The folder is restricted before the code is written into it, never after.
  restrictStateDir(dir);
  if (settings) writeInstallSettings(dir, settings);
  console.log(`dca service setup: state folder ${dir}${settings ? `, activation with ${settings.hubUrl} at the service's first start` : ""}`);
  return 0;
}

/**
 * rmSync(dir, { recursive: true }) by hand: Bun's on Windows uses an NT call that wine 8 lacks
 * (EFAULT), and the MSI's uninstall is tested under wine. The state folder holds no links.
 */
function removeTree(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) removeTree(path);
    else unlinkSync(path);
  }
  rmdirSync(dir);
}
