/**
 * The agent as a service: poll the hub on schedule (jittered; backoff with a
 * cap when it fails), apply its config atomically, run discovery and reads
 * on schedule and tasks when asked, put every reading into the outbox
 * first, and upload the outbox in order. One scheduled job (discovery or
 * reads) runs at a time; tasks, polling and uploading go on beside it.
 */

import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  type AgentConfig,
  type MqttSettings,
  type ReportTaskResultRequest,
  ReportTaskResultRequestSchema,
  type Task,
  TaskStatus,
} from "../../gen/dca/v1/agent_service_pb.ts";
import type { DeviceReading } from "../../gen/dca/v1/reading_pb.ts";
import { createBackoff, withJitter } from "../../common/backoff.ts";
import type { Outbox } from "../outbox/index.ts";
import { wakeSettingsKey } from "../wake/index.ts";
import { type ServiceConfig, serviceConfigFromHub, targetsKey } from "./config-from-hub.ts";
import type { HubClient } from "./hub-client.ts";
import { type JobContext, runDiscovery, runReads } from "./jobs.ts";
import { describeTask, runTask } from "./tasks/run-task.ts";
import type { RuntimeState, RuntimeStore } from "./runtime-state.ts";

/** Tasks from the hub that may run at once. */
const MAX_CONCURRENT_TASKS = 4;

export interface RunAgentOptions {
  client: HubClient;
  outbox: Outbox;
  runtime: RuntimeStore;
  agentVersion: string;
  hostname: string;
  log: (line: string) => void;
  /** First wait after a failed poll or upload, and the longest. */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  uploadBatch?: number;
  /** Starts the MQTT wake-up client when the hub names a broker (restarted when that changes, closed on stop). */
  startWakeups?: (settings: MqttSettings, hooks: { wake(): void; pollSeconds(): number }) => { close(): Promise<void> };
}

export interface RunningAgent {
  /** Poll now (an MQTT nudge). */
  wake(): void;
  stop(): Promise<void>;
  done: Promise<void>;
}


export function runAgent(opts: RunAgentOptions): RunningAgent {
  const { client, outbox, runtime, log } = opts;
  const backoff = createBackoff(opts.backoffBaseMs ?? 5_000, opts.backoffCapMs ?? 15 * 60_000);
  const uploadBatch = opts.uploadBatch ?? 500;
  let current: ServiceConfig | undefined;
  const saved = runtime.loadConfig();
  if (saved) current = tryApply(saved, false);
  const state: RuntimeState = runtime.load();
  let stopped = false;
  let nextPollAt = 0;
  let pollFailures = 0;
  let uploadFailures = 0;
  let nextUploadAt = 0;
  let uploadWanted = true;
  let uploading: Promise<void> | undefined;
  let job: Promise<void> | undefined;
  let lastError = "";
  const tasks: Task[] = [];
  const runningTasks = new Set<string>();
  /** Task results not yet accepted by the hub, sent again after the next successful poll. */
  const pendingReports: ReportTaskResultRequest[] = [];
  let wakeUp: (() => void) | undefined;
  const wake = () => wakeUp?.();
  /** Nudges so far: one that arrives while a poll is under way asks for another poll after it. */
  let nudges = 0;
  const pollNow = () => {
    nudges++;
    nextPollAt = 0;
    wake();
  };
  let pollSeconds = 300;
  let wakeups: { key: string; client: { close(): Promise<void> } } | undefined;

  function updateWakeups(settings: MqttSettings | undefined) {
    if (!opts.startWakeups) return;
    const key = settings?.urls.length ? wakeSettingsKey(settings) : undefined;
    if (key === wakeups?.key) return;
    void wakeups?.client.close();
    wakeups = settings && key ? { key, client: opts.startWakeups(settings, { wake: pollNow, pollSeconds: () => pollSeconds }) } : undefined;
  }

  function tryApply(c: AgentConfig, fromHub: boolean): ServiceConfig | undefined {
    try {
      const next = serviceConfigFromHub(c);
      if (fromHub) runtime.saveConfig(c);
      outbox.setLimits(next.outbox);
      return next;
    } catch (e) {
      lastError = `config version ${c.version} refused: ${(e as Error).message}`;
      log(lastError);
      return undefined;
    }
  }

  /** Every reading goes through here: into the outbox before anything else. */
  const store = (reading: DeviceReading, taskId?: string): string | undefined => {
    if (stopped) return undefined;
    const id = outbox.put(reading, { taskId });
    uploadWanted = true;
    return id;
  };

  const ctx = (): JobContext => ({ config: current!, state, store, log, saveState: () => runtime.save(state), wake });

  async function poll() {
    const stats = outbox.stats();
    const nudgesBefore = nudges;
    try {
      const r = await client.poll({
        configVersion: current?.version ?? 0n,
        outboxDepth: BigInt(stats.depth),
        outboxBytes: BigInt(stats.bytes),
        droppedReadings: stats.droppedTotal,
        agentVersion: opts.agentVersion,
        hostname: opts.hostname,
        lastDiscovery: state.lastDiscoveryAt ? timestampFromDate(new Date(state.lastDiscoveryAt)) : undefined,
        lastRead: state.lastReadAt ? timestampFromDate(new Date(state.lastReadAt)) : undefined,
        lastError,
        knownDevices: state.devices.length,
      });
      pollFailures = 0;
      if (r.config) {
        const next = tryApply(r.config, true);
        if (next) {
          log(`config version ${next.version} applied (${next.config.scan.targets.length} target(s), ${next.config.credentials.length} credential(s))`);
          current = next;
          lastError = "";
        }
      }
      for (const t of r.tasks) if (!runningTasks.has(t.id) && !tasks.some((q) => q.id === t.id)) tasks.push(t);
      const pollMs = r.nextPollSeconds > 0 ? r.nextPollSeconds * 1000 : (current?.schedule.pollMs ?? 300_000);
      pollSeconds = Math.round(pollMs / 1000);
      nextPollAt = nudges !== nudgesBefore ? 0 : Date.now() + withJitter(pollMs, 0.1);
      if (!stopped) updateWakeups(r.mqtt);
      uploadWanted = true;
      nextUploadAt = 0;
      await flushReports();
    } catch (e) {
      pollFailures++;
      const wait = backoff.delayMs(pollFailures);
      const err = ConnectError.from(e);
      lastError =
        err.code === Code.Unauthenticated
          ? "the hub refuses this agent's credential (agent disabled or replaced?); re-activate with: dca activate --force"
          : `poll failed: ${err.message}`;
      log(`${lastError}; retrying in ${Math.round(wait / 1000)} s`);
      nextPollAt = Date.now() + wait;
    }
  }

  async function flushReports() {
    while (pendingReports.length) {
      await client.reportTaskResult(pendingReports[0]!);
      pendingReports.shift();
    }
  }

  async function upload() {
    try {
      for (;;) {
        const batch = outbox.peekForUpload(uploadBatch, 4 * 1024 * 1024);
        if (batch.length === 0 || stopped) break;
        const r = await client.uploadReadings({ readings: batch, droppedReadings: outbox.stats().droppedTotal });
        const n = outbox.ack(r.acknowledgedIds);
        if (n === 0) throw new Error("the hub acknowledged none of the batch");
      }
      uploadFailures = 0;
    } catch (e) {
      uploadFailures++;
      const wait = backoff.delayMs(uploadFailures);
      lastError = `upload failed: ${e instanceof ConnectError ? e.message : (e as Error).message}`;
      log(`${lastError}; ${outbox.stats().depth} reading(s) wait in the outbox; retrying in ${Math.round(wait / 1000)} s`);
      nextUploadAt = Date.now() + wait;
      uploadWanted = true;
    }
  }

  /**
   * Tasks run beside the scheduled job (a technician waiting on a ping should not wait
   * for an hour-long discovery), a few at a time, in the order the hub gave them.
   */
  function startTasks(): void {
    while (current && tasks.length > 0 && runningTasks.size < MAX_CONCURRENT_TASKS) {
      const task = tasks.shift()!;
      runningTasks.add(task.id);
      log(`task ${task.id} (${describeTask(task)}) started`);
      void runTask(ctx(), task)
        .then((result) => {
          pendingReports.push(create(ReportTaskResultRequestSchema, {
            ...result,
            taskId: task.id,
            finishedAt: timestampFromDate(new Date()),
          }));
          log(`task ${task.id}: ${result.status === TaskStatus.DONE ? "done" : TaskStatus[result.status].toLowerCase()}: ${result.message}`);
          return flushReports().catch(() => { /* retried after the next poll */ });
        })
        .finally(() => {
          runningTasks.delete(task.id);
          uploadWanted = true;
          wake();
        });
    }
  }

  function startJob(): Promise<void> | undefined {
    if (!current) return undefined;
    const now = Date.now();
    const c = current;
    const hasTargets = c.config.scan.targets.length > 0;
    if (hasTargets && (state.discoveredVersion !== targetsKey(c.config) || now - (state.lastDiscoveryAt ?? 0) >= c.schedule.discoveryMs)) {
      return runDiscovery(ctx()).then(() => {
        state.discoveredVersion = targetsKey(c.config);
        state.lastDiscoveryAt = Date.now();
        state.lastReadAt = Date.now();
        runtime.save(state);
      });
    }
    if (state.devices.length > 0 && now - (state.lastReadAt ?? 0) >= c.schedule.readMs) {
      return runReads(ctx()).then(() => {
        state.lastReadAt = Date.now();
        runtime.save(state);
      });
    }
    return undefined;
  }

  const loop = async () => {
    while (!stopped) {
      if (Date.now() >= nextPollAt) await poll();
      startTasks();
      if (!job) {
        const started = startJob();
        if (started) {
          job = started
            .catch((e) => {
              lastError = `job failed: ${(e as Error).message}`;
              log(lastError);
            })
            .finally(() => {
              job = undefined;
              uploadWanted = true;
              wake();
            });
        }
      }
      if (!uploading && uploadWanted && Date.now() >= nextUploadAt && outbox.stats().depth > 0) {
        uploadWanted = false;
        uploading = upload().finally(() => {
          uploading = undefined;
          wake();
        });
      }
      if (stopped) break;
      const wait = Math.max(10, Math.min(nextPollAt - Date.now(), 1000));
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait);
        wakeUp = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wakeUp = undefined;
    }
  };

  const done = loop();
  return {
    wake: pollNow,
    async stop() {
      stopped = true;
      wake();
      await done;
      await wakeups?.client.close();
      await uploading?.catch(() => {});
    },
    done,
  };
}
