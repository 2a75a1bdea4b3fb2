/**
 * What the service remembers between runs, beside the outbox: the config it
 * last applied (as the hub sent it; mode 0600, it holds SNMP secrets), the
 * printers it knows, and when discovery and reads last ran.
 */
import { fromJsonString, toJsonString } from "@bufbuild/protobuf";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type AgentConfig, AgentConfigSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import { DcaError } from "../../common/errors.ts";
import { writeFileAtomic } from "../../common/write-file-atomic.ts";
import type { KnownDevice } from "../collect/read-known.ts";

export interface RuntimeState {
  lastDiscoveryAt?: number;
  lastReadAt?: number;
  /** targetsKey() of what the last discovery swept. */
  discoveredVersion?: string;
  devices: (KnownDevice & { lastSeenAt: number; serial?: string })[];
}

export interface RuntimeStore {
  loadConfig(): AgentConfig | undefined;
  saveConfig(c: AgentConfig): void;
  load(): RuntimeState;
  save(s: RuntimeState): void;
}

export function createRuntimeStore(stateDir: string): RuntimeStore {
  const configPath = join(stateDir, "config.json");
  const runtimePath = join(stateDir, "runtime.json");
  return {
    loadConfig() {
      if (!existsSync(configPath)) return undefined;
      try {
        return fromJsonString(AgentConfigSchema, readFileSync(configPath, "utf8"));
      } catch {
        // A damaged copy is not fatal: the next poll (config version 0) fetches it again.
        return undefined;
      }
    },
    saveConfig(c) {
      writeState(configPath, toJsonString(AgentConfigSchema, c));
    },
    load() {
      try {
        const s = JSON.parse(readFileSync(runtimePath, "utf8")) as RuntimeState;
        return { ...s, devices: Array.isArray(s.devices) ? s.devices : [] };
      } catch {
        return { devices: [] };
      }
    },
    save(s) {
      writeState(runtimePath, JSON.stringify(s));
    },
  };
}

/**
 * A write into the state folder; a failure names the file and says what to do ("the disk is full;
 * free some space"), with the same code as the system error (a full disk is resource-exhausted).
 */
function writeState(path: string, data: string): void {
  try {
    writeFileAtomic(path, data);
  } catch (e) {
    const d = DcaError.from(e);
    throw new DcaError(d.code, `cannot write ${path}: ${d.message}`, { cause: e });
  }
}
