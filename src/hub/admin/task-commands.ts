/** `task create|list|show`. */
import { create, toJson } from "@bufbuild/protobuf";
import { type ParsedArgs, UsageError, flag } from "../../agent/cli/args.ts";
import { parseTargetSpec } from "../../agent/discovery/target-spec.ts";
import { type Task, TaskSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import { cleanText } from "../../common/text.ts";
import { StoreError, type StoredTask } from "../store/index.ts";
import { type AdminCommand, type AdminContext, arg, noMoreArgs, printJson, siteArg, siteFlag, wantsJson } from "./admin-context.ts";
import { formatTable, formatTime } from "./admin-format.ts";
import { checkTargets } from "./site-config-commands.ts";

/** What a task is aimed at, in words. */
function taskTarget(t: Task): string {
  if (t.kind.case === "scan") return t.kind.value.targets.join(" ") || "(site targets)";
  if (t.kind.case === "readDevice") return t.kind.value.address;
  return "";
}

const taskJson = ({ task, ...t }: StoredTask) => ({ ...t, task: toJson(TaskSchema, task) });

function buildTask(p: ParsedArgs): Task {
  const kind = arg(p, 1, "the task kind (scan or read)");
  const rest = p.positional.slice(2);
  if (kind === "scan") {
    const targets = checkTargets(rest.flatMap((t) => t.split(",")), "a target");
    return create(TaskSchema, { kind: { case: "scan", value: { targets } } });
  }
  if (kind === "read") {
    if (rest.length !== 1) throw new UsageError("task create SITE read takes exactly one ADDRESS");
    checkTargets(rest, "ADDRESS");
    const spec = parseTargetSpec(rest[0]);
    if (spec.kind === "range" && spec.start !== spec.end) throw new UsageError("ADDRESS must be one address, not a range");
    return create(TaskSchema, { kind: { case: "readDevice", value: { address: rest[0] } } });
  }
  throw new UsageError(`unknown task kind "${kind}" (scan or read)`);
}

function showTask(ctx: AdminContext, t: StoredTask): void {
  const lines: [string, string][] = [
    ["Task", `${t.id} (${t.kind})`],
    ["Site", ctx.store.getSite(t.siteId)?.name ?? t.siteId],
    ["Target", taskTarget(t.task)],
    ["State", t.state],
    ["Agent", t.agentId ?? "any agent of the site"],
    ["Created", formatTime(t.createdAt)],
    ["Sent", formatTime(t.sentAt)],
    ["Finished", formatTime(t.finishedAt)],
    ["Message", t.message || "-"],
    ["Readings", t.readingIds.join(" ") || "-"],
  ];
  // The message comes from an agent: no terminal escapes reach the admin's terminal.
  ctx.io.out(`${lines.map(([k, v]) => `${k.padEnd(9)} ${cleanText(v, 10_000)}`).join("\n")}\n`);
}

/** The task commands. */
export const TASK_COMMANDS: Record<string, AdminCommand> = {
  "task create": {
    usage: "task create SITE (scan [TARGET...] | read ADDRESS) [--agent A] [--json]",
    valued: ["agent"],
    booleans: ["json"],
    run(ctx, p) {
      const site = siteArg(ctx, arg(p, 0, "SITE"));
      const task = ctx.store.createTask(site.id, buildTask(p), { agentId: flag(p, "agent") });
      if (wantsJson(p)) printJson(ctx, taskJson(task));
      else ctx.io.out(`task ${task.id} (${task.kind} ${taskTarget(task.task)}) queued for site "${site.name}"; agents take it on their next poll\n`);
      return 0;
    },
  },

  "task list": {
    usage: "task list [--site S] [--json]",
    valued: ["site"],
    booleans: ["json"],
    run(ctx, p) {
      noMoreArgs(p, 0);
      const site = siteFlag(ctx, p);
      const tasks = ctx.store.listTasks({ siteId: site?.id });
      if (wantsJson(p)) printJson(ctx, tasks.map(taskJson));
      else if (tasks.length === 0) ctx.io.out("no tasks\n");
      else {
        const names = new Map(ctx.store.listSites().map((s) => [s.id, s.name]));
        ctx.io.out(
          formatTable(
            ["ID", "SITE", "KIND", "TARGET", "STATE", "CREATED", "FINISHED", "AGENT", "MESSAGE"],
            tasks.map((t) => [
              t.id,
              names.get(t.siteId) ?? t.siteId,
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
      }
      return 0;
    },
  },

  "task show": {
    usage: "task show TASK_ID [--json]",
    booleans: ["json"],
    run(ctx, p) {
      const id = arg(p, 0, "TASK_ID");
      noMoreArgs(p, 1);
      const t = ctx.store.getTask(id);
      if (!t) throw new StoreError("not-found", `unknown task "${id}" (see "task list")`);
      if (wantsJson(p)) printJson(ctx, taskJson(t));
      else showTask(ctx, t);
      return 0;
    },
  },
};
