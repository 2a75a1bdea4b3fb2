/**
 * The service's scheduled jobs: a discovery pass and a read pass over known
 * printers (tasks from the hub are in ./tasks). Each puts every reading into the outbox through
 * `store` as soon as it is made.
 */
import type { DeviceReading } from "../../gen/dca/v1/reading_pb.ts";
import { collectFleet } from "../collect/collect-fleet.ts";
import { readKnownDevices } from "../collect/read-known.ts";
import type { ServiceConfig } from "./config-from-hub.ts";
import type { RuntimeState } from "./runtime-state.ts";

export interface JobContext {
  config: ServiceConfig;
  state: RuntimeState;
  /** Puts a reading into the outbox; returns its id (undefined when stopping). */
  store(reading: DeviceReading, taskId?: string): string | undefined;
  saveState(): void;
  log(line: string): void;
  wake(): void;
}


/** Devices not seen for this long drop off the read list. */
const FORGET_AFTER_MS = 7 * 24 * 3600_000;

/**
 * Remembers a printer for the hourly reads: where it answered, with which
 * credential, and the vendor OIDs its walk found (discovery walks afresh
 * three times a day; reads in between GET only those).
 */
export function remember(state: RuntimeState, reading: DeviceReading, learned: string[]): void {
  const now = Date.now();
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

export async function discover(ctx: JobContext, targets: readonly string[], exclude: readonly string[], taskId?: string) {
  const ids: string[] = [];
  const started = performance.now();
  const handle = await collectFleet(ctx.config.config, targets, exclude, {
    onReading: (reading, learned) => {
      const id = ctx.store(reading, taskId);
      if (id) ids.push(id);
      remember(ctx.state, reading, learned);
    },
    onFailed: (where, message) => ctx.log(`read of ${where} failed: ${message}`),
    onTargetError: (message) => ctx.log(`target skipped: ${message}`),
  });
  const stats = await handle.done;
  const cutoff = Date.now() - FORGET_AFTER_MS;
  ctx.state.devices = ctx.state.devices.filter((d) => d.lastSeenAt >= cutoff);
  ctx.saveState();
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  const message = `${stats.addresses} addresses in ${secs} s: ${stats.found} answered, ${stats.read} printers read, ${stats.skipped} not printers, ${stats.failed} failed`;
  return { ids, stats, message };
}

export async function runDiscovery(ctx: JobContext): Promise<void> {
  const { scan } = ctx.config.config;
  ctx.log(`discovery of ${scan.targets.join(", ")} started`);
  const r = await discover(ctx, scan.targets, scan.exclude);
  ctx.log(`discovery done: ${r.message}`);
}

export async function runReads(ctx: JobContext): Promise<void> {
  const started = performance.now();
  const r = await readKnownDevices(ctx.config.config, ctx.state.devices, {
    onReading: (reading, learned) => {
      ctx.store(reading);
      remember(ctx.state, reading, learned);
    },
    onFailed: (address, message) => ctx.log(`read of ${address} failed: ${message}`),
  });
  ctx.saveState();
  ctx.log(`read ${r.read} of ${r.read + r.failed} known printers in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
