/**
 * Tasks from the hub run beside the scheduled job (a technician waiting on
 * a ping should not wait for an hour-long discovery), a few at a time, in
 * the order the hub gave them. Each result is reported at once; one the
 * hub did not take waits and goes again after the next successful poll.
 * A web-access task holds its tunnel for as long as the session lasts
 * (hours): it starts at once and takes no place of the few, so that a
 * technician's ping does not wait for another's printer page; the web-access
 * handler bounds the tunnels itself (src/agent/webaccess/open-tunnels.ts).
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { type ReportTaskResultRequest, ReportTaskResultRequestSchema, type Task, TaskStatus } from "../../gen/dca/v1/agent_service_pb.ts";
import type { Clock } from "../../common/clock.ts";
import { DcaError, type ErrorCode } from "../../common/errors.ts";
import { MAX_TASK_READING_IDS, TEXT_LIMITS } from "../../common/wire-limits.ts";
import type { ServiceHubClient } from "./hub-client.ts";
import { cutText } from "../../common/text.ts";
import { type TaskOutcome, describeTask } from "./tasks/run-task.ts";

/** Refusals of a report that a retry would only repeat. */
const REFUSED_FOR_GOOD = new Set<ErrorCode>(["permission-denied", "not-found", "invalid-argument"]);

/** Tasks from the hub that may run at once (web-access tunnels apart). */
export const MAX_CONCURRENT_TASKS = 4;

/** Kinds of task that last as long as a session, not a moment: they run beside the others. */
const LONG_RUNNING: ReadonlySet<Task["kind"]["case"]> = new Set(["webAccess"]);
const isLong = (t: Task) => LONG_RUNNING.has(t.kind.case);

/** What a task pool needs. */
export interface TaskPoolOptions {
  client: ServiceHubClient;
  clock: Clock;
  /** Runs one task; never throws (a failure is the task's outcome). */
  run(task: Task): Promise<TaskOutcome>;
  /** Once aborted, no task starts and no result is sent (calls under way are cancelled). */
  stopping: AbortSignal;
  /** A task ended (its readings may wait for upload). */
  onSettled(): void;
  log(line: string): void;
  max?: number;
}

/** Tasks queued and running, and results waiting for the hub. */
export interface TaskPool {
  /** Queues tasks from a poll, skipping any already queued or running. */
  offer(tasks: readonly Task[]): void;
  /** Starts queued tasks while fewer than the maximum run. */
  start(): void;
  /** Sends the results the hub has not taken yet, in order; rejects if the hub refuses one (it stays). */
  flushReports(): Promise<void>;
  /** Tasks running now. */
  running(): number;
}

/** An empty pool. */
export function createTaskPool(opts: TaskPoolOptions): TaskPool {
  const { clock, log } = opts;
  const max = opts.max ?? MAX_CONCURRENT_TASKS;
  const queue: Task[] = [];
  const running = new Set<string>();
  /** Of `running`, the long ones. */
  const long = new Set<string>();
  /** Results not yet accepted by the hub. */
  const pending: ReportTaskResultRequest[] = [];
  let flushing: Promise<void> | undefined;

  async function sendPending(): Promise<void> {
    while (pending.length > 0 && !opts.stopping.aborted) {
      const report = pending[0]!;
      try {
        await opts.client.reportTaskResult(report, { signal: opts.stopping });
      } catch (e) {
        // A refusal that no retry changes (the task went to another agent, or is gone) would
        // block every report after it: it is said once and dropped; anything else waits.
        const err = DcaError.from(e);
        if (!REFUSED_FOR_GOOD.has(err.code)) throw e;
        log(`task ${report.taskId}: the hub refused its result (${err.message}); dropped`);
      }
      pending.shift();
    }
  }

  /** One flush at a time: two at once would both send the first result, then drop the second unsent. */
  function flushReports(): Promise<void> {
    flushing ??= sendPending().finally(() => {
      flushing = undefined;
    });
    return flushing;
  }

  function finished(task: Task, result: TaskOutcome): void {
    // Within the wire's bounds, so that a long message cannot block every report after it.
    pending.push(create(ReportTaskResultRequestSchema, {
      ...result,
      message: cutText(result.message, TEXT_LIMITS.taskMessage),
      readingIds: result.readingIds.slice(0, MAX_TASK_READING_IDS),
      taskId: task.id,
      finishedAt: timestampFromMs(clock.now()),
    }));
    log(`task ${task.id}: ${result.status === TaskStatus.DONE ? "done" : TaskStatus[result.status].toLowerCase()}: ${result.message}`);
  }

  return {
    offer(tasks) {
      for (const t of tasks) if (!running.has(t.id) && !queue.some((q) => q.id === t.id)) queue.push(t);
    },
    start() {
      for (let i = 0; !opts.stopping.aborted && i < queue.length; ) {
        const task = queue[i]!;
        if (!isLong(task) && running.size - long.size >= max) {
          i++;
          continue;
        }
        queue.splice(i, 1);
        running.add(task.id);
        if (isLong(task)) long.add(task.id);
        log(`task ${task.id} (${describeTask(task)}) started`);
        void opts
          .run(task)
          .then((result) => {
            finished(task, result);
            return flushReports().catch(() => { /* sent again after the next poll */ });
          })
          .finally(() => {
            running.delete(task.id);
            long.delete(task.id);
            opts.onSettled();
          });
      }
    },
    flushReports,
    running: () => running.size,
  };
}
