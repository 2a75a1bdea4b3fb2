/**
 * The hourly pass: read the printers discovery already found, directly (no
 * sweep), a bounded number at a time, with the credential that worked last
 * tried first. One device failing is an event, never a failed pass.
 */
import type { DeviceReading } from "../../gen/dca/v1/reading_pb.ts";
import type { Config } from "../../common/config/index.ts";
import { parseEndpoint } from "../../common/endpoint.ts";
import { type OpenSession, readDeviceDetailed } from "../reader/read-device.ts";
import { withSessionOpener } from "../snmp/open-session.ts";
import type { Credential } from "../../common/credential.ts";
import { DcaError } from "../../common/errors.ts";
import { createReadPool } from "./read-pool.ts";

/** A printer the agent knows: where it answered and with which credential. */
export interface KnownDevice {
  /** "10.0.0.7" or "10.0.0.7:1161" or "[fd00::7]:1161", as in DeviceReading.address. */
  address: string;
  /** Name of the credential that worked last. */
  credential?: string;
  /** Vendor OIDs the last walk of this device found: read by GET instead of walking again. */
  learned?: string[];
}

export interface ReadKnownEvents {
  onReading?(reading: DeviceReading, learned: string[]): void | Promise<void>;
  onFailed?(address: string, message: string): void;
}

function ordered(creds: readonly Credential[], last?: string): Credential[] {
  const hit = creds.find((c) => c.name === last);
  return hit ? [hit, ...creds.filter((c) => c !== hit)] : [...creds];
}

/**
 * Reads every device; resolves with how many were read and how many failed.
 * Without `openSession`, the pass reads every device through one shared-socket client.
 */
export async function readKnownDevices(
  config: Config,
  devices: readonly KnownDevice[],
  events: ReadKnownEvents = {},
  openSession?: OpenSession,
): Promise<{ read: number; failed: number }> {
  return withSessionOpener(openSession, (open) => readAll(config, devices, events, open));
}

async function readAll(config: Config, devices: readonly KnownDevice[], events: ReadKnownEvents, openSession: OpenSession) {
  const credentials: readonly Credential[] = config.credentials;
  const stats = { read: 0, failed: 0 };
  const pool = createReadPool(config.snmp.readConcurrency);
  const one = async (d: KnownDevice) => {
    try {
      const { host, port } = parseEndpoint(d.address, config.snmp.port);
      const { reading, learned } = await readDeviceDetailed({
        target: { host, port, timeoutMs: config.snmp.timeout, retries: config.snmp.retries },
        credentials: ordered(credentials, d.credential),
        learned: d.learned,
        openSession,
        limits: { deadlineMs: config.snmp.readDeadline },
      });
      stats.read++;
      await events.onReading?.(reading, learned);
    } catch (e) {
      stats.failed++;
      events.onFailed?.(d.address, e instanceof DcaError ? e.message : String(e));
    }
  };
  for (const d of devices) {
    await pool.room();
    pool.start(() => one(d));
  }
  await pool.idle();
  return stats;
}
