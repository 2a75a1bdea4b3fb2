/**
 * The printer-fleet simulator: many SNMP agents on loopback addresses, each
 * serving a recording, with per-device silence, latency, loss and a wrong
 * community. Tests start it in-process; benchmarks and the demo run it
 * through main.ts in a process of its own.
 */
import { type RecordingSet, createRecordingCache, listRecordingFiles, recordingSetOf } from "./recording-set.ts";
import type { Recording } from "./snmprec.ts";
import { type Responder, createResponder } from "./agent/responder.ts";
import { type SimStats, addSimStats, createSimStats } from "./agent/sim-stats.ts";
import { type V3UserConfig, createV3Engine, engineIdFor } from "./agent/v3-engine.ts";
import { type HostileMode, parseHostileModes, replySource } from "./agent/hostile-modes.ts";
import { assertLoopback } from "./loopback.ts";
import { HOSTILE_SLOW_MS, isWalkRequest } from "./agent/hostile.ts";
import { type UdpEndpoint, type UdpTransport, bindUdpEndpoint } from "./udp-endpoint.ts";

export type { SimStats } from "./agent/sim-stats.ts";
export type { V3UserConfig } from "./agent/v3-engine.ts";
export type { HostileMode } from "./agent/hostile-modes.ts";

/** The community a `wrongCommunity: true` device answers instead of the configured ones. */
export const WRONG_COMMUNITY = "sim-wrong-community";

/** One simulated device. */
export interface DeviceOptions {
  /** 127.0.0.0/8 or ::1; anything else is refused. */
  address: string;
  /** UDP port; 0 (the default) lets the kernel choose, see {@link FleetDevice.port}. */
  port?: number;
  /** A `.snmprec` path (its `name@Context.snmprec` companions load too), or parsed data. */
  recording: string | Recording | RecordingSet;
  /** v1/v2c communities; default ["public"]. `community@Context` selects a context. */
  communities?: readonly string[];
  v3Users?: readonly V3UserConfig[];
  /** Bound but never answers. */
  silent?: boolean;
  /** Delay before each response. */
  latencyMs?: number;
  /** Probability (0..1) that a request is dropped. */
  lossRate?: number;
  /**
   * Answer only another community (true: {@link WRONG_COMMUNITY}), so the
   * client's community is wrong and its v1/v2c requests time out; v3 is unaffected.
   */
  wrongCommunity?: boolean | string;
  /** Largest v1/v2c response (default 1472); v3 uses the request's msgMaxSize. */
  maxResponseSize?: number;
  /** Misbehaviours on top of the recording, by name (agent/hostile-modes.ts); `slow` sets latencyMs to HOSTILE_SLOW_MS unless it is given. */
  hostile?: readonly HostileMode[];
}

/** snmpsimd `--data-dir` style: one endpoint, the community (file stem) selects the recording. */
export interface DataDirOptions {
  address: string;
  port?: number;
  /** A directory of `.snmprec` files, or a list of files and directories. */
  recordings: string | readonly string[];
  /** v3 users; their contextName selects the recording the same way. */
  v3Users?: readonly V3UserConfig[];
  maxResponseSize?: number;
}

/** Options of {@link startFleet}. */
export interface FleetOptions {
  devices?: readonly DeviceOptions[];
  dataDir?: DataDirOptions;
  /** Socket API; "bun" (default) measured faster than node:dgram, see test/bench/sim/README.md. */
  transport?: UdpTransport;
  /** Random source for loss, injectable for deterministic tests. */
  random?: () => number;
}

/** A running device. */
export interface FleetDevice {
  readonly address: string;
  readonly port: number;
  /** Name of the recording it serves (or "data-dir"). */
  readonly name: string;
  readonly engineId?: Uint8Array;
  stats(): SimStats;
}

/** A running fleet. */
export interface Fleet {
  readonly devices: readonly FleetDevice[];
  readonly dataDir?: FleetDevice;
  /** Totals over all devices. */
  stats(): SimStats;
  /** Closes every socket and cancels delayed responses. */
  stop(): Promise<void>;
}

interface Plan {
  address: string;
  port: number;
  name: string;
  communities: Map<string, Recording>;
  contexts: Map<string, Recording>;
  v3Users: readonly V3UserConfig[];
  silent: boolean;
  latencyMs: number;
  lossRate: number;
  maxResponseSize?: number;
  hostile: readonly HostileMode[];
  /** Extra delay of GETNEXT/GETBULK answers (`slow-walks`). */
  walkLatencyMs: number;
}

function asSet(r: DeviceOptions["recording"], load: (p: string) => RecordingSet): RecordingSet {
  if (typeof r === "string") return load(r);
  return "main" in r ? r : recordingSetOf(r);
}

function devicePlan(d: DeviceOptions, load: (p: string) => RecordingSet): Plan {
  assertLoopback(d.address);
  const set = asSet(d.recording, load);
  const wrong = d.wrongCommunity === true ? WRONG_COMMUNITY : d.wrongCommunity || undefined;
  const communities = new Map<string, Recording>();
  for (const c of wrong ? [wrong] : (d.communities ?? ["public"])) {
    communities.set(c, set.main);
    for (const [ctx, rec] of set.contexts) communities.set(`${c}@${ctx}`, rec);
  }
  const lossRate = d.lossRate ?? 0;
  if (!(lossRate >= 0 && lossRate <= 1)) throw new Error(`lossRate must be within 0..1, got ${d.lossRate}`);
  return {
    address: d.address,
    port: d.port ?? 0,
    name: set.name,
    communities,
    contexts: new Map([["", set.main], ...set.contexts]),
    v3Users: d.v3Users ?? [],
    silent: d.silent ?? false,
    latencyMs: Math.max(0, d.latencyMs ?? (d.hostile?.includes("slow") ? HOSTILE_SLOW_MS : 0)),
    lossRate,
    maxResponseSize: d.maxResponseSize,
    hostile: parseHostileModes(d.hostile ?? []),
    walkLatencyMs: d.hostile?.includes("slow-walks") ? HOSTILE_SLOW_MS : 0,
  };
}

function dataDirPlan(o: DataDirOptions, load: (p: string) => RecordingSet): Plan {
  assertLoopback(o.address);
  const communities = new Map<string, Recording>();
  for (const file of listRecordingFiles(typeof o.recordings === "string" ? [o.recordings] : o.recordings)) {
    const set = load(file);
    communities.set(set.name, set.main);
    for (const [ctx, rec] of set.contexts) communities.set(`${set.name}@${ctx}`, rec);
  }
  return {
    address: o.address,
    port: o.port ?? 0,
    name: "data-dir",
    communities,
    contexts: communities,
    v3Users: o.v3Users ?? [],
    silent: false,
    latencyMs: 0,
    lossRate: 0,
    maxResponseSize: o.maxResponseSize,
    hostile: [],
    walkLatencyMs: 0,
  };
}

/** Starts every device (binding all sockets) and resolves when all listen. */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const load = createRecordingCache();
  const plans = (options.devices ?? []).map((d) => devicePlan(d, load));
  if (options.dataDir) plans.push(dataDirPlan(options.dataDir, load));
  const seen = new Set<string>();
  for (const p of plans) {
    const key = `${p.address}:${p.port}`;
    if (p.port !== 0 && seen.has(key)) throw new Error(`two devices on ${key}`);
    seen.add(key);
  }
  const transport = options.transport ?? "bun";
  const random = options.random ?? Math.random;
  const endpoints: UdpEndpoint[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const started: FleetDevice[] = [];

  const startOne = async (p: Plan): Promise<FleetDevice> => {
    let responder: Responder | undefined;
    let endpoint: UdpEndpoint | undefined;
    // Responses leave from `replier` (a second socket) when a hostile mode says so.
    let replier: UdpEndpoint | undefined;
    const send = (data: Uint8Array, port: number, address: string, stats: SimStats) => {
      if (!(replier ?? endpoint)?.send(data, port, address)) stats.sendErrors++;
    };
    endpoint = await bindUdpEndpoint(transport, p.address, p.port, (data, port, address) => {
      const r = responder;
      if (!r) return;
      const stats = r.stats;
      if (p.silent || (p.lossRate > 0 && random() < p.lossRate)) {
        stats.received++;
        if (p.silent) stats.silenced++;
        else stats.lost++;
        return;
      }
      const out = r.respond(data);
      if (!out) return;
      const delay = p.latencyMs + (p.walkLatencyMs > 0 && isWalkRequest(data) ? p.walkLatencyMs : 0);
      if (delay === 0) return send(out, port, address, stats);
      const copy = out.slice();
      const t = setTimeout(() => {
        timers.delete(t);
        send(copy, port, address, stats);
      }, delay);
      timers.add(t);
    });
    endpoints.push(endpoint);
    const from = replySource(p.hostile, p.address, endpoint.port);
    if (from) {
      assertLoopback(from.address);
      replier = await bindUdpEndpoint(transport, from.address, from.port, () => {});
      endpoints.push(replier);
    }
    const engine =
      p.v3Users.length > 0 ? createV3Engine({ engineId: engineIdFor(p.address, endpoint.port), users: p.v3Users }) : undefined;
    const r = createResponder({ communities: p.communities, contexts: p.contexts, engine, maxResponseSize: p.maxResponseSize, hostile: p.hostile });
    responder = r;
    return {
      address: p.address,
      port: endpoint.port,
      name: p.name,
      engineId: engine?.engineId,
      stats: () => ({ ...r.stats }),
    };
  };

  try {
    // Bind in batches: a thousand concurrent binds gain nothing and hide the first error.
    for (let i = 0; i < plans.length; i += 64) {
      started.push(...(await Promise.all(plans.slice(i, i + 64).map(startOne))));
    }
  } catch (e) {
    for (const ep of endpoints) ep.close();
    throw e;
  }
  const dataDir = options.dataDir ? started.pop() : undefined;
  const all = dataDir ? [...started, dataDir] : started;
  return {
    devices: started,
    dataDir,
    stats: () => all.reduce((sum, d) => addSimStats(sum, d.stats()), createSimStats()),
    async stop() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const ep of endpoints) ep.close();
      endpoints.length = 0;
    },
  };
}
