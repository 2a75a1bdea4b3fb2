/**
 * The agent as a service (tailscale's auto.go habit): a thin loop around
 * one-shot parts. It polls the hub (./poller.ts), applies its config as a
 * whole (./config-keeper.ts), runs tasks beside the scheduled job
 * (./task-pool.ts, ./job-scheduler.ts), uploads the outbox in order
 * (./uploader.ts) and follows the wake-up line (./wake-line.ts). Readings
 * go from the collectors straight into the outbox; the loop only hears
 * that an upload is wanted. Every time and timer comes from one Clock.
 */
import type { PollResponse, Task } from "../../gen/dca/v1/agent_service_pb.ts";
import type { AgentStatus } from "./poll-hub.ts";
import { JOB_RETRY_BACKOFF, SERVICE_BACKOFF, createBackoff } from "../../common/backoff.ts";
import { type Clock, sleep, systemClock } from "../../common/clock.ts";
import type { Outbox } from "../outbox/index.ts";
import { createConfigKeeper } from "./config-keeper.ts";
import type { ServiceHubClient } from "./hub-client.ts";
import { type JobKind, type JobRunner, createJobScheduler } from "./job-scheduler.ts";
import { type JobContext, runDiscovery, runReads } from "./jobs.ts";
import { createPoller } from "./poller.ts";
import { gateSink } from "./reading-sink.ts";
import type { RuntimeStore } from "./runtime-state.ts";
import { createTaskPool } from "./task-pool.ts";
import { type TaskOutcome, runTask } from "./tasks/run-task.ts";
import { createUploader } from "./uploader.ts";
import { createIdleTrim } from "./idle-trim.ts";
import { type StartWakeups, createWakeLine } from "./wake-line.ts";
import { type WebAccessContext, createOpenTunnels } from "../webaccess/open-tunnels.ts";

/** What does the work: the real jobs and tasks by default; tests give their own. */
export type AgentRunners = Record<JobKind, JobRunner> & { task(ctx: JobContext, task: Task): Promise<TaskOutcome> };

const REAL_RUNNERS: AgentRunners = { discovery: runDiscovery, reads: runReads, task: runTask };

/** Poll interval before the hub or a config names one. */
const DEFAULT_POLL_MS = 300_000;
/** The loop looks at the job schedule at least this often. */
const MAX_IDLE_MS = 1_000;

/** What the service runs with; run-command.ts wires the real ones. */
export interface RunAgentOptions {
  client: ServiceHubClient;
  outbox: Outbox;
  runtime: RuntimeStore;
  agentVersion: string;
  hostname: string;
  log: (line: string) => void;
  /** Every time and timer (default systemClock). */
  clock?: Clock;
  /** For backoff and poll jitter (default Math.random). */
  random?: () => number;
  /** First wait after a failed poll or upload, and the longest (default SERVICE_BACKOFF). */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  uploadBatch?: number;
  /** Starts the MQTT wake-up client when the hub names a broker (restarted when that changes, closed on stop). */
  startWakeups?: StartWakeups;
  runners?: Partial<AgentRunners>;
  /** Gives unused memory back once jobs, tasks and uploads have ended (default Bun.shrink; tests give their own). */
  trimMemory?: () => void;
  /** Self-update (src/agent/update): its poll fields, and each successful poll's answer. */
  updates?: { pollFields(): NonNullable<AgentStatus["update"]>; polled(r: PollResponse): void };
  /** Device Web Access: the agent's SSH key (sent on every poll) and the way to the relay; absent: web-access tasks are refused. */
  webAccess?: Omit<WebAccessContext, "tunnels">;
}

/** The running service. */
export interface RunningAgent {
  /** Poll now (an MQTT nudge). */
  wake(): void;
  /**
   * Ends the loop (a poll under way is cancelled), cancels the job and the
   * tasks under way (they store nothing more), closes the wake-up line and
   * waits for an upload under way.
   */
  stop(): Promise<void>;
  done: Promise<void>;
}

/** Starts the service loop; it runs until stop(). */
export function runAgent(opts: RunAgentOptions): RunningAgent {
  const { client, outbox, runtime, log } = opts;
  const clock = opts.clock ?? systemClock;
  const runners = { ...REAL_RUNNERS, ...opts.runners };
  const backoff = createBackoff(opts.backoffBaseMs ?? SERVICE_BACKOFF.baseMs, opts.backoffCapMs ?? SERVICE_BACKOFF.capMs, opts.random);
  const stopping = new AbortController();
  const { signal } = stopping;
  let lastError = "";
  const setError = (message: string) => {
    lastError = message;
  };

  let interrupt: AbortController | undefined;
  /** Ends the loop's wait early: something finished, or a nudge came. */
  const wake = () => interrupt?.abort();

  const config = createConfigKeeper({ runtime, outbox, onError: setError, log });
  const state = runtime.load();
  const idle = createIdleTrim(clock, { busy: () => jobs.running() || tasks.running() > 0, trim: opts.trimMemory });
  // Work that ends after stop() (a task that ignored the stop) leaves no timer behind.
  const trimSoon = () => {
    if (!signal.aborted) idle.soon();
  };
  const uploaded = () => {
    trimSoon();
    wake();
  };
  const uploader = createUploader({ client, outbox, clock, backoff, batch: opts.uploadBatch, stopping: signal, onError: setError, onSettled: uploaded, log });
  const sink = gateSink(outbox, { closed: signal, onStored: uploader.want });
  const tunnels = createOpenTunnels();
  const webAccess = opts.webAccess && { ...opts.webAccess, tunnels };
  const ctx = (): JobContext => ({ config: config.current()!, state, sink, clock, log, saveState: () => runtime.save(state), signal, webAccess });
  const onSettled = () => {
    trimSoon();
    uploader.want();
    wake();
  };
  const retry = createBackoff(JOB_RETRY_BACKOFF.baseMs, JOB_RETRY_BACKOFF.capMs, opts.random);
  const jobs = createJobScheduler({ runners, runtime, state, clock, stopping: signal, onError: setError, onSettled, log, retry });
  const tasks = createTaskPool({ client, clock, run: (task) => runners.task(ctx(), task), stopping: signal, onSettled, log });
  const pollNow = () => {
    poller.nudge();
    wake();
  };
  const defaultPollMs = () => config.current()?.schedule.pollMs ?? DEFAULT_POLL_MS;
  const wakeLine = createWakeLine(opts.startWakeups, { wake: pollNow, pollSeconds: () => poller.pollSeconds() });
  const poller = createPoller({
    client,
    clock,
    backoff,
    random: opts.random,
    status: () => ({
      configVersion: config.current()?.version ?? 0n,
      outbox: outbox.stats(),
      agentVersion: opts.agentVersion,
      hostname: opts.hostname,
      lastDiscoveryAt: state.lastDiscoveryAt,
      lastReadAt: state.lastReadAt,
      lastError,
      knownDevices: state.devices.length,
      update: opts.updates?.pollFields(),
      sshPublicKey: opts.webAccess?.key.publicKey,
    }),
    apply(r) {
      opts.updates?.polled(r);
      tunnels.end(r.endedWebAccess);
      if (r.config && config.apply(r.config, true)) {
        lastError = "";
        tunnels.configChanged(config.current()!, state.devices.map((d) => d.address));
      }
      tasks.offer(r.tasks);
      // A web-access task starts now, not at the loop's next turn: a technician is waiting for the page.
      if (config.current() && r.tasks.some((t) => t.kind.case === "webAccess")) tasks.start();
      if (!signal.aborted) wakeLine.update(r.mqtt);
      uploader.retryNow();
    },
    defaultPollMs,
    after: tasks.flushReports,
    onError: setError,
    log,
  });

  const loop = async () => {
    while (!signal.aborted) {
      if (poller.isDue()) {
        await poller.pollOnce(signal);
        trimSoon();
      }
      if (signal.aborted) break;
      const c = config.current();
      if (c) {
        tasks.start();
        jobs.startIfDue(c, ctx);
      }
      uploader.startIfDue();
      interrupt = new AbortController();
      await sleep(clock, Math.max(10, Math.min(poller.msUntilDue(), MAX_IDLE_MS)), interrupt.signal);
      interrupt = undefined;
    }
  };

  const done = loop();
  return {
    wake: pollNow,
    async stop() {
      stopping.abort();
      wake();
      await done;
      await wakeLine.close();
      await uploader.idle();
      idle.cancel();
    },
    done,
  };
}
