/**
 * The fleet's AdminService messages back into the shapes the `agent`,
 * `install` and `device` commands always printed (the store's, field for
 * field and in the same order), so their `--json` output stays what scripts expect.
 */
import type {
  Agent as AgentMessage,
  CounterFlag as CounterFlagMessage,
  Device,
  Install as InstallMessage,
  StoredReading as StoredReadingMessage,
} from "../../gen/dca/v1/admin_fleet_pb.ts";
import type { Agent, CounterFlag, DeviceSummary, Install, StoredReading } from "../store/index.ts";
import { dateOf } from "./from-proto.ts";

const n = (v: bigint | number): number => Number(v);

export const agentOf = (a: AgentMessage): Agent => ({
  id: a.id,
  siteId: a.siteId,
  installId: a.installId,
  hostname: a.hostname,
  agentVersion: a.agentVersion,
  platform: a.platform,
  createdAt: dateOf(a.createdAt) ?? new Date(0),
  lastPollAt: dateOf(a.lastPollAt),
  configVersion: n(a.configVersion),
  outboxDepth: n(a.outboxDepth),
  outboxBytes: n(a.outboxBytes),
  droppedReadings: n(a.droppedReadings),
  knownDevices: a.knownDevices,
  lastError: a.lastError,
  readingsReceived: n(a.readingsReceived),
  disabled: a.disabled,
  replacedBy: a.replacedBy || undefined,
  updateStatus: a.updateStatus,
  sshPublicKey: a.sshPublicKey,
});

export const installOf = (i: InstallMessage): Install => ({
  installId: i.installId,
  failedAttempts: i.failedAttempts,
  locked: i.locked,
  resetGeneration: i.resetGeneration,
  lastAttemptAt: dateOf(i.lastAttemptAt),
});

export const deviceOf = (d: Device): DeviceSummary => ({
  id: d.id,
  siteId: d.siteId,
  vendor: d.vendor,
  model: d.model,
  serialNumber: d.serialNumber,
  macAddress: d.macAddress,
  address: d.address,
  lastReadAt: dateOf(d.lastReadAt),
  totalPages: d.totalPages === undefined ? undefined : n(d.totalPages),
  lowestSupply: d.lowestSupply ? { description: d.lowestSupply.description, percent: d.lowestSupply.percent } : undefined,
  status: d.status,
  readingCount: n(d.readingCount),
  flags: d.flags,
});

/** A stored reading; a reading the hub sent without its message is an error, not an empty reading. */
export function storedReadingOf(r: StoredReadingMessage): StoredReading {
  if (!r.reading) throw new Error(`the hub sent reading ${r.id} without its content`);
  return {
    id: r.id,
    deviceId: r.deviceId,
    agentId: r.agentId,
    siteId: r.siteId,
    seq: n(r.seq),
    taskId: r.taskId,
    readAt: dateOf(r.readAt) ?? new Date(0),
    receivedAt: dateOf(r.receivedAt) ?? new Date(0),
    address: r.address,
    reading: r.reading,
  };
}

export const counterFlagOf = (f: CounterFlagMessage): CounterFlag => ({
  deviceId: f.deviceId,
  siteId: f.siteId,
  readingId: f.readingId,
  kind: f.kind,
  name: f.name,
  previous: n(f.previous),
  value: n(f.value),
  reason: f.reason as CounterFlag["reason"],
  at: dateOf(f.at) ?? new Date(0),
});

/** Site names by id, from the rows themselves (every row carries its site's name). */
export function siteNamesOf(rows: { siteId: string; siteName: string }[]): Map<string, string> {
  return new Map(rows.map((r) => [r.siteId, r.siteName]));
}
