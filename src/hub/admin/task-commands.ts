/** `task create|list|show|cancel`: tasks for a site's agents and their results, as clients of AdminService. */
import { UsageError, flag, intFlag } from "../../common/args.ts";
import { DcaError } from "../../common/errors.ts";
import { cleanText } from "../../common/text.ts";
import type { StoredTask } from "../store/index.ts";
import { type AdminCommand, type AdminContext, arg, noMoreArgs, printJson, wantsJson } from "./admin-context.ts";
import { formatTable, formatTime } from "./admin-format.ts";
import { ZEBRA_USAGE, buildTask, taskTarget } from "./task-args.ts";
import { type TaskView, taskJson, taskOf } from "./task-from-proto.ts";
import { formatTaskResult } from "./task-result-format.ts";

/** The states a task ends in. */
const FINISHED = new Set<StoredTask["state"]>(["done", "failed", "refused", "canceled"]);
/** The longest `--wait` an admin command blocks for. */
const MAX_WAIT_S = 600;
/** How often `--wait` asks an older hub (no WatchTask) at most: each GetTask is a read the audit log records. */
const WAIT_POLL_MS = { first: 100, max: 1000 };
/** The longest one WatchTask call (the hub resets a call after 60 s: CONNECTION_LIMITS.streamDeadlineMs); --wait watches again for longer. */
const WATCH_CALL_S = 50;

function showTask(ctx: AdminContext<unknown>, t: TaskView): void {
  const lines: [string, string][] = [
    ["Task", `${t.id} (${t.kind})`],
    ["Site", t.siteName || t.siteId],
    ["Target", taskTarget(t.task)],
    ["State", t.state],
    ["Agent", t.agentId ?? "any agent of the site"],
    ["Created", formatTime(t.createdAt)],
    ["Sent", formatTime(t.sentAt)],
    ["Finished", formatTime(t.finishedAt)],
    ["Message", t.message || "-"],
    ["Readings", t.readingIds.join(" ") || "-"],
  ];
  // Everything below may come from an agent, and from a printer through it: no terminal escapes.
  const head = lines.map(([k, v]) => `${k.padEnd(9)} ${cleanText(v, 10_000)}`).join("\n");
  const result = t.result ? formatTaskResult(t.result) : [];
  ctx.io.out(`${head}\n${result.length ? `Result\n${result.map((l) => `  ${cleanText(l, 2000)}`).join("\n")}\n` : ""}`);
}

/**
 * Follows the task (WatchTask: the hub sends it at each change) until it is done, failed, refused or
 * canceled, or `seconds` pass; returns it as it then is. An older hub without WatchTask is asked instead.
 */
async function waitFor(ctx: AdminContext<unknown>, id: string, seconds: number): Promise<TaskView> {
  const until = Date.now() + seconds * 1000;
  let last: TaskView | undefined;
  try {
    for (let left = seconds; left > 0; left = Math.ceil((until - Date.now()) / 1000)) {
      const s = Math.min(left, WATCH_CALL_S);
      // Read to the end: the hub ends the stream once the task has finished or the time is up (a
      // stream left early keeps its HTTP/2 stream, and with it this process, alive).
      for await (const r of ctx.api.watchTask({ id, maxSeconds: s }, { timeoutMs: (s + 10) * 1000 })) last = taskOf(r.task!);
      if (last && FINISHED.has(last.state)) return last;
    }
    return last ?? taskOf((await ctx.api.getTask({ id })).task!);
  } catch (e) {
    if (!(e instanceof DcaError) || e.code !== "unimplemented") throw e;
  }
  return pollFor(ctx, id, until);
}

/** `waitFor` against a hub without WatchTask: GetTask, at most once a second. */
async function pollFor(ctx: AdminContext<unknown>, id: string, until: number): Promise<TaskView> {
  for (let pause = WAIT_POLL_MS.first; ; pause = Math.min(pause * 2, WAIT_POLL_MS.max)) {
    const t = taskOf((await ctx.api.getTask({ id })).task!);
    if (FINISHED.has(t.state) || Date.now() >= until) return t;
    await Bun.sleep(Math.min(pause, Math.max(0, until - Date.now())));
  }
}

/** The task commands. */
export const TASK_COMMANDS: Record<string, AdminCommand<unknown>> = {
  "task create": {
    usage:
      "task create SITE (scan [TARGET...] | read ADDRESS | ping ADDRESS [--count N] [--timeout-ms N] [--interval-ms N] | " +
      "traceroute ADDRESS [--max-hops N] [--timeout-ms N] | snmp-test ADDRESS | " +
      `${ZEBRA_USAGE} | web ADDRESS [--ports P,...] [--tls-ports P,...] [--ledm]) [--agent A] [--wait [--wait-seconds N]] [--json]`,
    valued: ["agent", "count", "timeout-ms", "interval-ms", "max-hops", "port", "queue", "file", "text", "ports", "tls-ports", "wait-seconds"],
    booleans: ["json", "lpr", "ledm", "wait"],
    remote: true,
    async run(ctx, p) {
      const site = arg(p, 0, "SITE");
      const wait = p.flags.has("wait") ? (intFlag(p, "wait-seconds") ?? 60) : undefined;
      if (wait !== undefined && (wait < 1 || wait > MAX_WAIT_S)) throw new UsageError(`--wait-seconds takes 1-${MAX_WAIT_S}`);
      const task = taskOf((await ctx.api.createTask({ site, task: buildTask(p), agent: flag(p, "agent") ?? "" })).task!);
      if (wait === undefined) {
        if (wantsJson(p)) printJson(ctx, taskJson(task));
        else ctx.io.out(`task ${task.id} (${task.kind} ${taskTarget(task.task)}) queued for site "${task.siteName}"; agents are nudged at once, or take it on their next poll\n`);
        return 0;
      }
      const t = await waitFor(ctx, task.id, wait);
      if (wantsJson(p)) printJson(ctx, taskJson(t));
      else showTask(ctx, t);
      if (t.state === "done") return 0;
      if (t.state === "failed" || t.state === "refused" || t.state === "canceled") return 1;
      throw new DcaError("deadline-exceeded", `task ${t.id} is still ${t.state} after ${wait} s; see "task show ${t.id}" later, or "task cancel ${t.id}"`);
    },
  },

  "task list": {
    usage: "task list [--site S] [--state STATE] [--limit N] [--json]",
    valued: ["site", "state", "limit"],
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const limit = intFlag(p, "limit") ?? 0;
      if (limit > 10_000) throw new UsageError("--limit takes 1-10000 (0 or none for every task)");
      const listed = await ctx.api.listTasks({ site: flag(p, "site") ?? "", state: flag(p, "state") ?? "", limit });
      const tasks = listed.tasks.map(taskOf);
      if (wantsJson(p)) printJson(ctx, tasks.map(taskJson));
      else if (tasks.length === 0) ctx.io.out("no tasks\n");
      else {
        ctx.io.out(
          formatTable(
            ["ID", "SITE", "KIND", "TARGET", "STATE", "CREATED", "FINISHED", "AGENT", "MESSAGE"],
            tasks.map((t) => [
              t.id,
              t.siteName || t.siteId,
              t.kind,
              taskTarget(t.task),
              t.state,
              formatTime(t.createdAt),
              formatTime(t.finishedAt),
              t.agentId ?? "any",
              t.message,
            ]),
          ),
        );
        if (listed.total > tasks.length) ctx.io.out(`(the newest ${tasks.length} of ${listed.total} tasks)\n`);
      }
      return 0;
    },
  },

  "task cancel": {
    usage: "task cancel TASK_ID",
    remote: true,
    async run(ctx, p) {
      const id = arg(p, 0, "TASK_ID");
      noMoreArgs(p, 1);
      const t = taskOf((await ctx.api.cancelTask({ id })).task!);
      const started = t.sentAt ? "; an agent that already started it finishes, but its result is not kept" : "";
      ctx.io.out(`task ${id} canceled${started}\n`);
      return 0;
    },
  },

  "task show": {
    usage: "task show TASK_ID [--json]",
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      const id = arg(p, 0, "TASK_ID");
      noMoreArgs(p, 1);
      const t = taskOf((await ctx.api.getTask({ id })).task!);
      if (wantsJson(p)) printJson(ctx, taskJson(t));
      else showTask(ctx, t);
      return 0;
    },
  },
};
