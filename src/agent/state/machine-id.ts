/**
 * Where the machine's identity comes from. The machine id ties the install
 * id and the sealing key to this computer, so state copied to another one
 * does not open there.
 */
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { realStateDir } from "./ensure-state-dir.ts";
import { deriveKey, seal, unseal } from "./seal.ts";
import { FALLBACK_MACHINE_ID_FILE } from "./state-files.ts";
import { writeFileAtomic } from "./write-file-atomic.ts";

/** Names a file holding the machine id instead of the system's (tests, containers). */
export const MACHINE_ID_FILE_ENV = "DCA_MACHINE_ID_FILE";

/** One way to learn the machine id. */
export interface MachineIdSource {
  /** Shown in diagnostics, e.g. "/etc/machine-id". */
  readonly name: string;
  /** The id, or undefined when this source has none. */
  read(): string | undefined;
}

/** The machine id and where it came from. */
export interface MachineId {
  id: string;
  source: string;
}

/** The sources tried in order: the override, or the platform's own. */
export function machineIdSources(env: NodeJS.ProcessEnv = process.env): MachineIdSource[] {
  const override = env[MACHINE_ID_FILE_ENV];
  if (override) return [fileSource(override)];
  if (process.platform === "win32") return [windowsMachineGuid()];
  return [fileSource("/etc/machine-id"), fileSource("/var/lib/dbus/machine-id")];
}

/**
 * This machine's id: the first source that has one, else a random id kept
 * sealed in the state folder. Deleting or editing that fallback file makes
 * a new id, which changes the sealing key, so the old sealed state no longer
 * opens and is reported as tampered rather than silently forgotten.
 */
export function machineId(dir: string, sources = machineIdSources()): MachineId {
  for (const s of sources) {
    const id = s.read();
    if (id) return { id, source: s.name };
  }
  return { id: fallbackMachineId(dir), source: join(dir, FALLBACK_MACHINE_ID_FILE) };
}

function fileSource(path: string): MachineIdSource {
  return {
    name: path,
    read() {
      if (!existsSync(path)) return undefined;
      const id = readFileSync(path, "utf8").trim();
      // systemd images ship "uninitialized" until first boot has written a real id.
      return id && id !== "uninitialized" ? id : undefined;
    },
  };
}

/** HKLM\SOFTWARE\Microsoft\Cryptography\MachineGuid, set by Windows setup. Not yet tested on Windows. */
function windowsMachineGuid(): MachineIdSource {
  return {
    name: "HKLM\\SOFTWARE\\Microsoft\\Cryptography\\MachineGuid",
    read() {
      try {
        const out = execFileSync("reg", ["query", "HKLM\\SOFTWARE\\Microsoft\\Cryptography", "/v", "MachineGuid"], {
          encoding: "utf8",
          windowsHide: true,
        });
        return /MachineGuid\s+REG_SZ\s+(\S+)/i.exec(out)?.[1];
      } catch {
        return undefined;
      }
    },
  };
}

function fallbackMachineId(dir: string): string {
  const real = realStateDir(dir);
  const path = join(dir, FALLBACK_MACHINE_ID_FILE);
  // Only the folder's path keys this box: there is no machine secret to use.
  const key = deriveKey(real, "dca fallback machine id");
  if (existsSync(path)) {
    try {
      const id = Buffer.from(unseal(key, readFileSync(path), "machine-id")).toString("utf8");
      if (/^[0-9a-f]{32}$/.test(id)) return id;
    } catch {
      // Edited or moved: start a new id; the old sealed state will not open and says so.
    }
  }
  const id = randomBytes(16).toString("hex");
  writeFileAtomic(path, seal(key, Buffer.from(id, "utf8"), "machine-id"));
  return id;
}
