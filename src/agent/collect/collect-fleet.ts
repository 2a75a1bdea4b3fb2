/**
 * One discovery pass: sweep the targets with the single-socket prober,
 * classify each responder, read every printer (a bounded number at a time).
 * Used by `dca scan` and by the service's discovery schedule; a failure on
 * one device is an event, never a failed sweep.
 */
import type { DeviceReading } from "../../gen/dca/v1/reading_pb.ts";
import type { Config } from "../../common/config/index.ts";
import { classifyDevice } from "../discovery/classify.ts";
import { createProbeGetter } from "../discovery/probe-getter.ts";
import { type ProbeAnswer, type SweepProgress, createProber } from "../discovery/prober.ts";
import { resolveTargets } from "../discovery/targets.ts";
import { readDeviceDetailed } from "../reader/read-device.ts";
import { type CommunityCredential, type Credential, DEFAULT_CREDENTIAL } from "../../common/credential.ts";
import { createNetSnmpSession } from "../snmp/net-snmp-session.ts";
import type { SnmpSession } from "../snmp/session.ts";
import { createSessionOpener } from "../snmp/open-session.ts";
import { createSnmpClient } from "../snmp/snmp-client.ts";
import { DcaError } from "../../common/errors.ts";
import { createReadPool } from "./read-pool.ts";

export interface CollectStats {
  addresses: number;
  found: number;
  printers: number;
  read: number;
  skipped: number;
  failed: number;
}

export interface CollectEvents {
  /** `learned`: the vendor OIDs the read's walk found (for later reads by GET). */
  onReading?(reading: DeviceReading, learned: string[]): void | Promise<void>;
  onSkipped?(where: string, reason: string): void;
  onFailed?(where: string, message: string): void;
  /** A target that could not be resolved (bad host name...): skipped, not fatal. */
  onTargetError?(message: string): void;
}

export interface CollectHandle {
  /** Live counters for a progress line. */
  progress(): SweepProgress & CollectStats;
  done: Promise<CollectStats>;
}

/** Credentials to read a responder with: the one that answered the probe first. */
function credentialsFor(answer: ProbeAnswer, creds: readonly Credential[], communities: readonly CommunityCredential[]): Credential[] {
  if (answer.community === "v3") return creds.filter((c) => c.version === "v3");
  const hit = communities[answer.community];
  if (!hit) return [...creds];
  const first: Credential = { ...hit, version: answer.version === "v1" ? "v1" : "v2c" };
  return [first, ...creds.filter((c) => c !== hit)];
}

/**
 * Starts a discovery pass over `targets` (minus `exclude`). Target syntax
 * errors throw TargetError before anything is sent. Once `signal` is
 * aborted the sweep is cancelled and `done` resolves with what was done so
 * far, without waiting for reads under way (their readings still arrive).
 */
export async function collectFleet(
  config: Config,
  targetsIn: readonly string[],
  exclude: readonly string[],
  events: CollectEvents = {},
  signal?: AbortSignal,
): Promise<CollectHandle> {
  const targets = await resolveTargets([...targetsIn], { exclude: [...exclude], defaultPort: config.snmp.port });
  for (const err of targets.errors) events.onTargetError?.(err.message);
  const credentials: readonly Credential[] = config.credentials;
  const communityCreds = credentials.filter((c): c is CommunityCredential => c.version !== "v3");
  const communities = communityCreds.map((c) => c.community.reveal());
  const v3 = credentials.find((c) => c.version === "v3");
  const prober = createProber({
    // The prober needs a community to send; with only v3 credentials, the default one's.
    communities: communities.length ? communities : [DEFAULT_CREDENTIAL.community.reveal()],
    // Probe both community versions, taking turns by round: old printers answer only v1.
    versions: ["v2c", "v1"],
    v3Discovery: v3 !== undefined,
    // Classification GETs wait a read's timeout; the sweep's rounds wait its own (shorter) one.
    timeoutMs: config.snmp.timeout,
    sweepTimeoutMs: config.snmp.sweepTimeout,
    retries: config.snmp.retries,
    rate: config.snmp.rate,
    window: config.snmp.concurrency,
  });
  // Every printer of the pass is read through one socket per family.
  const client = createSnmpClient();
  const openSession = createSessionOpener(client);
  const stats: CollectStats = { addresses: targets.count, found: 0, printers: 0, read: 0, skipped: 0, failed: 0 };
  const sweep = prober.sweep(targets);

  const handle = async (answer: ProbeAnswer) => {
    const where = answer.port === 161 ? answer.address : `${answer.address}:${answer.port}`;
    let getter = createProbeGetter(prober, answer, communities);
    let v3Session: SnmpSession | undefined;
    if (!getter && v3) {
      getter = v3Session = createNetSnmpSession({ host: answer.address, port: answer.port, timeoutMs: config.snmp.timeout, retries: config.snmp.retries }, v3);
    }
    const verdict = await classifyDevice(answer, getter).finally(() => v3Session?.close());
    if (!verdict.printer) {
      stats.skipped++;
      events.onSkipped?.(where, verdict.reason);
      return;
    }
    stats.printers++;
    try {
      const { reading, learned } = await readDeviceDetailed({
        target: { host: answer.address, port: answer.port, timeoutMs: config.snmp.timeout, retries: config.snmp.retries },
        credentials: credentialsFor(answer, credentials, communityCreds),
        openSession,
        limits: { deadlineMs: config.snmp.readDeadline },
      });
      stats.read++;
      await events.onReading?.(reading, learned);
    } catch (e) {
      stats.failed++;
      events.onFailed?.(where, e instanceof DcaError ? e.message : String((e as Error).stack ?? e));
    }
  };

  const run = async (): Promise<CollectStats> => {
    const pool = createReadPool(config.snmp.readConcurrency);
    const aborted = new Promise<void>((resolve) => {
      if (signal?.aborted) resolve();
      signal?.addEventListener("abort", () => resolve(), { once: true });
    });
    const cancel = () => sweep.cancel();
    signal?.addEventListener("abort", cancel, { once: true });
    try {
      for await (const answer of sweep) {
        if (signal?.aborted) break;
        stats.found++;
        await Promise.race([pool.room(), aborted]);
        if (signal?.aborted) break;
        pool.start(() => handle(answer));
      }
      await Promise.race([pool.idle(), aborted]);
    } finally {
      signal?.removeEventListener("abort", cancel);
      const close = () => {
        prober.close();
        client.close();
      };
      // Classifications and reads under way after an abort still use the sockets: close them when they end.
      if (pool.size === 0) close();
      else void pool.idle().then(close);
    }
    return stats;
  };
  return { progress: () => ({ ...sweep.progress(), ...stats }), done: run() };
}
