/**
 * The MSI's properties on their way to the service's first start. The MSI runs
 * `dca service setup` (a deferred custom action, as SYSTEM) which restricts the
 * state folder to SYSTEM and Administrators and writes the properties into it;
 * the service reads them, activates, and deletes the file. So the activation
 * code never sits in the registry (where MSI properties could be persisted) nor
 * in a file other users can read, and not at all once used (docs/install-windows-macos.md).
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { ensureStateDir } from "../state/ensure-state-dir.ts";
import { writeFileAtomic } from "../state/write-file-atomic.ts";
import { UsageError } from "../../common/args.ts";

/** The file in the state folder that holds the MSI's properties until the first activation. */
export const INSTALL_SETTINGS_FILE = "install-settings.json";

/** What `msiexec /i dca.msi HUB_URL=... ACTIVATION_CODE=... CA_FINGERPRINT=... PROXY=...` gave. */
export interface InstallSettings {
  readonly hubUrl: string;
  readonly code: string;
  readonly caFingerprint?: string;
  readonly proxy?: string;
}

/** Refuses settings the activation would refuse anyway, while the installer can still say so. */
export function checkInstallSettings(s: { hubUrl?: string; code?: string; caFingerprint?: string; proxy?: string }): InstallSettings | undefined {
  const given = (v?: string) => (v && v.trim() !== "" ? v.trim() : undefined);
  const hubUrl = given(s.hubUrl);
  const code = given(s.code);
  if (!hubUrl && !code) return undefined;
  if (!hubUrl || !code) throw new UsageError("give both HUB_URL and ACTIVATION_CODE (or neither, and run \"dca activate\" later)");
  if (!/^https:\/\/[^\s]+$/.test(hubUrl)) throw new UsageError(`HUB_URL must be an https:// URL, not "${hubUrl}"`);
  const caFingerprint = given(s.caFingerprint);
  if (caFingerprint && !/^sha256:[0-9a-fA-F:]{64,95}$/.test(caFingerprint)) throw new UsageError("CA_FINGERPRINT must be sha256:HEX, as \"dca-hub serve\" prints it");
  return { hubUrl, code, caFingerprint, proxy: given(s.proxy) };
}

export function writeInstallSettings(dir: string, settings: InstallSettings): void {
  ensureStateDir(dir);
  writeFileAtomic(join(dir, INSTALL_SETTINGS_FILE), `${JSON.stringify(settings)}\n`);
}

/** The settings waiting for the first activation, if any; a file that is not valid is deleted and reported. */
export function readInstallSettings(dir: string): InstallSettings | undefined {
  const file = join(dir, INSTALL_SETTINGS_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const checked = checkInstallSettings(JSON.parse(readFileSync(file, "utf8")));
    if (!checked) throw new Error("it holds no hub URL and activation code");
    return checked;
  } catch (e) {
    deleteInstallSettings(dir);
    throw new UsageError(`the installer's settings in ${file} are not usable (${(e as Error).message}); deleted: run "dca activate" by hand`);
  }
}

export function deleteInstallSettings(dir: string): void {
  rmSync(join(dir, INSTALL_SETTINGS_FILE), { force: true });
}

/**
 * The icacls command line that gives the folder, and all it holds and will hold, to SYSTEM
 * (S-1-5-18) and the Administrators group (S-1-5-32-544) only: inherited entries removed (the
 * ProgramData default lets every user create files there), SIDs rather than names so a
 * localised Windows ("Administratoren") means the same.
 */
export function stateAclCommand(dir: string, systemRoot = process.env.SystemRoot ?? "C:\\Windows"): string[] {
  // By its full path: a process running as SYSTEM does not look for it in folders PATH may name.
  return [join(systemRoot, "System32", "icacls.exe"), dir, "/inheritance:r", "/grant:r", "*S-1-5-18:(OI)(CI)F", "*S-1-5-32-544:(OI)(CI)F", "/Q"];
}

/**
 * Creates the folder and restricts it (stateAclCommand); throws with icacls's own words when it
 * fails. Elsewhere ensureStateDir's mode 0700 is the same promise.
 */
export function restrictStateDir(dir: string, run: typeof spawnSync = spawnSync, platform = process.platform): void {
  ensureStateDir(dir);
  if (platform !== "win32") return;
  const [cmd, ...args] = stateAclCommand(dir);
  const r = run(cmd, args, { encoding: "utf8", windowsHide: true });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : `${String(r.stdout ?? "").trim()} ${String(r.stderr ?? "").trim()}`.trim();
    throw new Error(`icacls could not restrict ${dir} to SYSTEM and Administrators: ${why || `exit ${r.status}`}`);
  }
}
