/**
 * The service's jobs: a discovery pass, a read pass over known printers,
 * and tasks from the hub. Each puts every reading into the outbox through
 * `store` as soon as it is made.
 */
import type { Task } from "../../gen/dca/v1/agent_service_pb.ts";
import { TaskStatus } from "../../gen/dca/v1/agent_service_pb.ts";
import type { DeviceReading } from "../../gen/dca/v1/reading_pb.ts";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { collectFleet } from "../collect/collect-fleet.ts";
import { isSingleAddress, readKnownDevices } from "../collect/read-known.ts";
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

export interface TaskOutcome {
  status: TaskStatus;
  message: string;
  readingIds: string[];
  startedAt: Timestamp;
}

/** Devices not seen for this long drop off the read list. */
const FORGET_AFTER_MS = 7 * 24 * 3600_000;

/**
 * Remembers a printer for the hourly reads: where it answered, with which
 * credential, and the vendor OIDs its walk found (discovery walks afresh
 * three times a day; reads in between GET only those).
 */
function remember(state: RuntimeState, reading: DeviceReading, learned: string[]): void {
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

async function discover(ctx: JobContext, targets: readonly string[], exclude: readonly string[], taskId?: string) {
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

/** Runs one task from the hub; never throws (a failure is the task's result). */
export async function runTask(ctx: JobContext, task: Task): Promise<TaskOutcome> {
  const startedAt = timestampFromDate(new Date());
  const out = (status: TaskStatus, message: string, readingIds: string[] = []): TaskOutcome => ({ status, message, readingIds, startedAt });
  try {
    switch (task.kind.case) {
      case "scan": {
        const targets = task.kind.value.targets.length ? task.kind.value.targets : ctx.config.config.scan.targets;
        if (targets.length === 0) return out(TaskStatus.FAILED, "no targets: the site has none configured and the task gave none");
        const r = await discover(ctx, targets, ctx.config.config.scan.exclude, task.id);
        return out(TaskStatus.DONE, r.message, r.ids);
      }
      case "readDevice": {
        const address = task.kind.value.address;
        if (!isSingleAddress(address)) return out(TaskStatus.REFUSED, `"${address.slice(0, 100)}" is not one device address`);
        const ids: string[] = [];
        let failure = "";
        await readKnownDevices(ctx.config.config, [{ address, credential: ctx.state.devices.find((d) => d.address === address)?.credential }], {
          onReading: (reading, learned) => {
            const id = ctx.store(reading, task.id);
            if (id) ids.push(id);
            remember(ctx.state, reading, learned);
          },
          onFailed: (_a, message) => {
            failure = message;
          },
        });
        ctx.saveState();
        return failure ? out(TaskStatus.FAILED, failure) : out(TaskStatus.DONE, `read ${address}`, ids);
      }
      default:
        return out(TaskStatus.REFUSED, "this agent does not know this kind of task; update the agent");
    }
  } catch (e) {
    return out(TaskStatus.FAILED, (e as Error).message);
  }
}
