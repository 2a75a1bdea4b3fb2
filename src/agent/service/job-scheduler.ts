/**
 * The scheduled jobs, one at a time: discovery when the targets changed
 * or its interval passed, else a read pass over the known printers when
 * its interval passed. When a job ends, the runtime state records it. A
 * new config with other targets or credentials cancels a discovery under
 * way and starts the new one; stopping the service cancels any job.
 */
import type { Clock } from "../../common/clock.ts";
import { type ServiceConfig, discoveryKey, targetsKey } from "./config-from-hub.ts";
import type { JobContext } from "./jobs.ts";
import type { RuntimeState, RuntimeStore } from "./runtime-state.ts";

/** A scheduled job. */
export type JobKind = "discovery" | "reads";

/** Runs one job; readings go into the context's sink as they are made. */
export type JobRunner = (ctx: JobContext) => Promise<void>;

/** Which job is due at `now`, if any. */
export function dueJob(c: ServiceConfig, state: RuntimeState, now: number): JobKind | undefined {
  const hasTargets = c.config.scan.targets.length > 0;
  if (hasTargets && (state.discoveredVersion !== targetsKey(c.config) || now - (state.lastDiscoveryAt ?? 0) >= c.schedule.discoveryMs)) {
    return "discovery";
  }
  if (state.devices.length > 0 && now - (state.lastReadAt ?? 0) >= c.schedule.readMs) return "reads";
  return undefined;
}

/** What a job scheduler needs. */
export interface JobSchedulerOptions {
  runners: Record<JobKind, JobRunner>;
  runtime: RuntimeStore;
  state: RuntimeState;
  clock: Clock;
  /**
   * Once aborted, no job starts, one running is cancelled, and it is not
   * recorded as done (readings it made after the stop were refused, so the
   * next start runs it again).
   */
  stopping: AbortSignal;
  /** A job failed: `message` says why (the next poll's last_error). */
  onError(message: string): void;
  /** A job ended, well or not (its readings may wait for upload). */
  onSettled(): void;
  log(line: string): void;
}

/** The scheduled job, one at a time. */
export interface JobScheduler {
  /** Starts the due job, if any and none is running; `ctx` gives it the config in force. */
  startIfDue(config: ServiceConfig, ctx: () => JobContext): void;
  /** Whether a job is running. */
  running(): boolean;
}

/** A scheduler with no job running. */
export function createJobScheduler(opts: JobSchedulerOptions): JobScheduler {
  const { state, clock } = opts;
  let job: Promise<void> | undefined;
  /** The job under way: its kind, what its config's discovery depends on, and its cancel. */
  let current: { kind: JobKind; key: string; cancel: AbortController } | undefined;
  /** A discovery was cancelled for a new config: the new one runs next, whatever the schedule. */
  let rerun = false;
  opts.stopping.addEventListener("abort", () => current?.cancel.abort(), { once: true });

  function record(kind: JobKind, c: ServiceConfig): void {
    if (opts.stopping.aborted) return;
    if (kind === "discovery") {
      state.discoveredVersion = targetsKey(c.config);
      state.lastDiscoveryAt = clock.now();
    }
    // A discovery reads every printer it finds: the read pass can wait its full interval.
    state.lastReadAt = clock.now();
    opts.runtime.save(state);
  }

  return {
    startIfDue(c, ctx) {
      if (current?.kind === "discovery" && !current.cancel.signal.aborted && current.key !== discoveryKey(c.config)) {
        opts.log(`config version ${c.version} changed the targets or credentials: the discovery under way is cancelled and starts again with them`);
        current.cancel.abort();
        rerun = true;
      }
      if (job || opts.stopping.aborted) return;
      const kind = rerun && c.config.scan.targets.length > 0 ? "discovery" : dueJob(c, state, clock.now());
      rerun = false;
      if (!kind) return;
      const cancel = new AbortController();
      current = { kind, key: discoveryKey(c.config), cancel };
      job = opts.runners[kind]({ ...ctx(), signal: cancel.signal })
        .then(() => {
          if (!cancel.signal.aborted) record(kind, c);
        })
        .catch((e) => {
          const message = `job failed: ${(e as Error).message}`;
          opts.onError(message);
          opts.log(message);
        })
        .finally(() => {
          job = undefined;
          current = undefined;
          opts.onSettled();
        });
    },
    running: () => job !== undefined,
  };
}
