/**
 * The install id: which installation this is, for the hub's per-install
 * attempt count and lockout reset. Also the sealing key of the local lock
 * state, derived from the same inputs.
 */
import { createHash } from "node:crypto";
import { prospectiveStateDir, realStateDir } from "./ensure-state-dir.ts";
import { machineId, machineIdSources } from "./machine-id.ts";
import { deriveKey } from "./seal.ts";

/**
 * Stable id of this installation: 32 hex characters of SHA-256 over the
 * machine id and the state folder's real path. The same folder on the same
 * machine always gives the same id; a copy elsewhere gives another.
 */
export function installId(dir: string): string {
  return installMaterial(dir).installId;
}

/** Everything derived from the install, computed once per operation. */
export interface InstallMaterial {
  installId: string;
  /** The state folder's canonical path. */
  realDir: string;
  /** Where the machine id came from (diagnostics). */
  machineIdSource: string;
  /** AES-256-GCM key of the sealed lock state. Never logged. */
  sealKey: Uint8Array;
}

/** Derives the install id and sealing key of the state folder `dir` (created if missing). */
export function installMaterial(dir: string): InstallMaterial {
  return materialOf(realStateDir(dir), machineId(dir));
}

/**
 * The same for a state folder that does not exist, without creating it; undefined where the
 * machine has no id of its own (then the id lives in the folder, and is gone with it).
 */
export function prospectiveInstallMaterial(dir: string): InstallMaterial | undefined {
  const m = machineIdSources().map((s) => ({ id: s.read(), source: s.name })).find((s) => s.id);
  return m ? materialOf(prospectiveStateDir(dir), { id: m.id!, source: m.source }) : undefined;
}

function materialOf(realDir: string, m: { id: string; source: string }): InstallMaterial {
  const id = createHash("sha256").update(`dca install id\0${m.id}\0${realDir}`, "utf8").digest("hex").slice(0, 32);
  return {
    installId: id,
    realDir,
    machineIdSource: m.source,
    sealKey: deriveKey(`${m.id}\0${realDir}`, "dca lock state v1"),
  };
}
