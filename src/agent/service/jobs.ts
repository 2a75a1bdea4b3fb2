/**
 * The service's scheduled jobs: a discovery pass and a read pass over known
 * printers (tasks from the hub are in ./tasks). Each puts every reading into
 * the sink (the outbox) as soon as it is made.
 *
 * The SNMP, sweep and reading code is imported when a job first runs: an agent
 * that only waits for the hub keeps none of it (see build/compile.ts on splitting).
 */
import type { DeviceReading } from "../../gen/dca/v1/reading_pb.ts";
import type { Clock } from "../../common/clock.ts";
import type { ServiceConfig } from "./config-from-hub.ts";
import type { ReadingSink } from "./reading-sink.ts";
import type { RuntimeState } from "./runtime-state.ts";
import type { WebAccessContext } from "../webaccess/open-tunnels.ts";

/** What a job or task works with. */
export interface JobContext {
  config: ServiceConfig;
  state: RuntimeState;
  /** Where every reading goes as soon as it is made (the outbox). */
  sink: ReadingSink;
  clock: Clock;
  saveState(): void;
  log(line: string): void;
  /** Aborted when the work must end early (the service stops, or a new config replaces the pass). */
  signal?: AbortSignal;
  /** Device Web Access (absent: the agent has no SSH key, and refuses web-access tasks). */
  webAccess?: WebAccessContext;
}

/** Devices not seen for this long drop off the read list. */
const FORGET_AFTER_MS = 7 * 24 * 3600_000;

/**
 * Remembers a printer for the hourly reads: where it answered, with which
 * credential, and the vendor OIDs its walk found (discovery walks afresh
 * three times a day; reads in between GET only those).
 */
export function remember(state: RuntimeState, reading: DeviceReading, learned: string[], now: number): void {
  const known = state.devices.find((d) => d.address === reading.address);
  if (known) {
    known.credential = reading.credential;
    known.lastSeenAt = now;
    known.serial = reading.serialNumber || known.serial;
    known.learned = learned;
  } else {
    state.devices.push({ address: reading.address, credential: reading.credential, lastSeenAt: now, serial: reading.serialNumber || undefined, learned });
  }
}

/**
 * The sink of one pass: the first reading the outbox refuses (a full disk, a read-only folder)
 * ends the pass (`stop`), and is the pass's failure; nothing more is stored or logged per device.
 */
function passSink(sink: ReadingSink, stop?: AbortController) {
  let failure: { error: unknown } | undefined;
  return {
    put(reading: DeviceReading, taskId?: string): string | undefined {
      if (failure) return undefined;
      try {
        return sink.put(reading, { taskId });
      } catch (error) {
        failure = { error };
        stop?.abort();
        return undefined;
      }
    },
    failed: () => failure !== undefined,
    /** Throws what the outbox threw, if it refused a reading. */
    rethrow(): void {
      if (failure) throw failure.error;
    },
  };
}

/** A discovery pass over `targets`; the ids of the readings stored, its counters, and a line saying how it went. */
export async function discover(ctx: JobContext, targets: readonly string[], exclude: readonly string[], taskId?: string) {
  const ids: string[] = [];
  const started = ctx.clock.monotonic();
  const stop = new AbortController();
  const sink = passSink(ctx.sink, stop);
  const { collectFleet } = await import("../collect/collect-fleet.ts");
  const handle = await collectFleet(ctx.config.config, targets, exclude, {
    onReading: (reading, learned) => {
      const id = sink.put(reading, taskId);
      if (id) ids.push(id);
      if (!sink.failed()) remember(ctx.state, reading, learned, ctx.clock.now());
    },
    onFailed: (where, message) => ctx.log(`read of ${where} failed: ${message}`),
    onTargetError: (message) => ctx.log(`target skipped: ${message}`),
  }, ctx.signal ? AbortSignal.any([ctx.signal, stop.signal]) : stop.signal);
  const stats = await handle.done;
  sink.rethrow();
  const cutoff = ctx.clock.now() - FORGET_AFTER_MS;
  ctx.state.devices = ctx.state.devices.filter((d) => d.lastSeenAt >= cutoff);
  ctx.saveState();
  const secs = ((ctx.clock.monotonic() - started) / 1000).toFixed(1);
  const message = `${stats.addresses} addresses in ${secs} s: ${stats.found} answered, ${stats.read} printers read, ${stats.skipped} not printers, ${stats.failed} failed`;
  return { ids, stats, message };
}

/** The scheduled discovery of the site's targets. */
export async function runDiscovery(ctx: JobContext): Promise<void> {
  const { scan } = ctx.config.config;
  ctx.log(`discovery of ${scan.targets.join(", ")} started`);
  const r = await discover(ctx, scan.targets, scan.exclude);
  ctx.log(`discovery ${ctx.signal?.aborted ? "cancelled after" : "done:"} ${r.message}`);
}

/** The scheduled read of the printers discovery found. */
export async function runReads(ctx: JobContext): Promise<void> {
  const started = ctx.clock.monotonic();
  const sink = passSink(ctx.sink);
  const r = await readKnown(ctx.config.config, ctx.state.devices, {
    onReading: (reading, learned) => {
      sink.put(reading);
      if (!sink.failed()) remember(ctx.state, reading, learned, ctx.clock.now());
    },
    onFailed: (address, message) => ctx.log(`read of ${address} failed: ${message}`),
  });
  sink.rethrow();
  ctx.saveState();
  ctx.log(`read ${r.read} of ${r.read + r.failed} known printers in ${((ctx.clock.monotonic() - started) / 1000).toFixed(1)} s`);
}

/** readKnownDevices, loaded on first use. */
export async function readKnown(...args: Parameters<typeof import("../collect/read-known.ts").readKnownDevices>) {
  const { readKnownDevices } = await import("../collect/read-known.ts");
  return await readKnownDevices(...args);
}
