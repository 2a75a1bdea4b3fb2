/**
 * The scheduled jobs, one at a time: discovery when the targets changed
 * or its interval passed, else a read pass over the known printers when
 * its interval passed. When a job ends, the runtime state records it. A
 * new config with other targets or credentials cancels a discovery under
 * way and starts the new one; stopping the service cancels any job.
 */
import { type Backoff, JOB_RETRY_BACKOFF, createBackoff } from "../../common/backoff.ts";
import type { Clock } from "../../common/clock.ts";
import { formatDuration } from "../../common/duration.ts";
import { DcaError } from "../../common/errors.ts";
import { type ServiceConfig, discoveryKey, targetsKey } from "./config-from-hub.ts";
import type { JobContext } from "./jobs.ts";
import type { RuntimeState, RuntimeStore } from "./runtime-state.ts";

/** A scheduled job. */
export type JobKind = "discovery" | "reads";

/** How the log names each job. */
const JOB_NAMES: Record<JobKind, string> = { discovery: "discovery", reads: "the read pass" };

/** A kind of job that failed last time: not run again before `retryAt` unless the config changed. */
interface Failure {
  count: number;
  retryAt: number;
  version: bigint;
  message: string;
}

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
  /** The waits before a failed job of the same kind runs again (default {@link JOB_RETRY_BACKOFF}). */
  retry?: Backoff;
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
  const retry = opts.retry ?? createBackoff(JOB_RETRY_BACKOFF.baseMs, JOB_RETRY_BACKOFF.capMs);
  const failures = new Map<JobKind, Failure>();
  opts.stopping.addEventListener("abort", () => current?.cancel.abort(), { once: true });

  /** A failed job waits its backoff, unless a new config came since: the log says so once per cause. */
  function failed(kind: JobKind, c: ServiceConfig, e: unknown): void {
    const before = failures.get(kind);
    const count = (before?.count ?? 0) + 1;
    const delay = Math.ceil(retry.delayMs(count) / 1000) * 1000;
    const message = DcaError.from(e).message;
    failures.set(kind, { count, retryAt: clock.now() + delay, version: c.version, message });
    opts.onError(`${JOB_NAMES[kind]} failed: ${message}`);
    if (message !== before?.message) {
      opts.log(`${JOB_NAMES[kind]} failed: ${message}; it runs again in ${formatDuration(delay)} or with the next config`);
    }
  }

  function succeeded(kind: JobKind): void {
    const before = failures.get(kind);
    if (!before) return;
    failures.delete(kind);
    opts.log(`${JOB_NAMES[kind]} works again (after ${before.count} failed ${before.count === 1 ? "run" : "runs"})`);
  }

  /** Whether `kind` failed under this config and its wait has not passed. */
  function waiting(kind: JobKind, c: ServiceConfig): boolean {
    const f = failures.get(kind);
    return !!f && f.version === c.version && clock.now() < f.retryAt;
  }

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
      if (!kind || waiting(kind, c)) return;
      const cancel = new AbortController();
      current = { kind, key: discoveryKey(c.config), cancel };
      job = opts.runners[kind]({ ...ctx(), signal: cancel.signal })
        .then(() => {
          if (cancel.signal.aborted) return;
          record(kind, c);
          succeeded(kind);
        })
        .catch((e) => failed(kind, c, e))
        .finally(() => {
          job = undefined;
          current = undefined;
          opts.onSettled();
        });
    },
    running: () => job !== undefined,
  };
}
