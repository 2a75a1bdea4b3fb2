/**
 * The fleet's store values as AdminService messages: agents, installs,
 * devices, stored readings and counter flags. Rows carry their site's name
 * so that a listing needs no second call (and no right to list sites).
 */
import { create } from "@bufbuild/protobuf";
import {
  type Agent as AgentMessage,
  AgentSchema,
  type CounterFlag as CounterFlagMessage,
  CounterFlagSchema,
  type Device,
  DeviceSchema,
  type Install as InstallMessage,
  InstallSchema,
  type StoredReading as StoredReadingMessage,
  StoredReadingSchema,
} from "../../gen/dca/v1/admin_fleet_pb.ts";
import { fingerprintOf } from "../relay/agent-ssh-key.ts";
import { type Agent, type CounterFlag, type DeviceSummary, type Install, type StoredReading, deviceHealth } from "../store/index.ts";
import { HEALTH_VALUES } from "./device-query-args.ts";
import { ts } from "./to-proto.ts";

/** Site names by id, for the rows' site_name. */
export type SiteNameOf = (siteId: string) => string;

/** A store count as a uint64 (never negative, whole). */
const u64 = (n: number): bigint => BigInt(Math.max(0, Math.trunc(n)));

export const agentToProto = (a: Agent, siteName: SiteNameOf): AgentMessage =>
  create(AgentSchema, {
    id: a.id,
    siteId: a.siteId,
    siteName: siteName(a.siteId),
    installId: a.installId,
    hostname: a.hostname,
    agentVersion: a.agentVersion,
    platform: a.platform,
    createdAt: ts(a.createdAt),
    lastPollAt: ts(a.lastPollAt),
    configVersion: u64(a.configVersion),
    outboxDepth: u64(a.outboxDepth),
    outboxBytes: u64(a.outboxBytes),
    droppedReadings: u64(a.droppedReadings),
    knownDevices: a.knownDevices,
    lastError: a.lastError,
    readingsReceived: u64(a.readingsReceived),
    disabled: a.disabled,
    replacedBy: a.replacedBy ?? "",
    updateStatus: a.updateStatus,
    sshPublicKey: a.sshPublicKey,
    sshKeyFingerprint: a.sshPublicKey ? fingerprintOf(a.sshPublicKey) : "",
  });

export const installToProto = (i: Install): InstallMessage =>
  create(InstallSchema, {
    installId: i.installId,
    failedAttempts: i.failedAttempts,
    locked: i.locked,
    resetGeneration: i.resetGeneration,
    lastAttemptAt: ts(i.lastAttemptAt),
  });

export const deviceToProto = (d: DeviceSummary, siteName: SiteNameOf): Device =>
  create(DeviceSchema, {
    id: d.id,
    siteId: d.siteId,
    siteName: siteName(d.siteId),
    vendor: d.vendor,
    model: d.model,
    serialNumber: d.serialNumber,
    macAddress: d.macAddress,
    address: d.address,
    lastReadAt: ts(d.lastReadAt),
    totalPages: d.totalPages === undefined ? undefined : u64(d.totalPages),
    lowestSupply: d.lowestSupply ? { description: d.lowestSupply.description, percent: d.lowestSupply.percent } : undefined,
    status: d.status,
    readingCount: u64(d.readingCount),
    flags: d.flags,
    health: HEALTH_VALUES[deviceHealth(d.status)],
  });

export const storedReadingToProto = (r: StoredReading): StoredReadingMessage =>
  create(StoredReadingSchema, {
    id: r.id,
    deviceId: r.deviceId,
    agentId: r.agentId,
    siteId: r.siteId,
    seq: u64(r.seq),
    taskId: r.taskId,
    readAt: ts(r.readAt),
    receivedAt: ts(r.receivedAt),
    address: r.address,
    reading: r.reading,
  });

export const counterFlagToProto = (f: CounterFlag): CounterFlagMessage =>
  create(CounterFlagSchema, {
    deviceId: f.deviceId,
    siteId: f.siteId,
    readingId: f.readingId,
    kind: f.kind,
    name: f.name,
    previous: u64(f.previous),
    value: u64(f.value),
    reason: f.reason,
    at: ts(f.at),
  });
