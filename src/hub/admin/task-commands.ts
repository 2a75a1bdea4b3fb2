/** `task create|list|show`: queue a task for a site's agents and read its result. */
import { readFileSync } from "node:fs";
import { create } from "@bufbuild/protobuf";
import { type ParsedArgs, UsageError, flag, intFlag, listFlag } from "../../common/args.ts";
import { parseEndpoint } from "../../common/endpoint.ts";
import { TargetError, parseTargetSpec } from "../../common/target-spec.ts";
import { type Task, TaskResultSchema, TaskSchema, ZebraAction, ZebraTransport } from "../../gen/dca/v1/agent_service_pb.ts";
import { cleanText } from "../../common/text.ts";
import { messageToJson } from "../../common/message-json.ts";
import { StoreError, type StoredTask, type TaskAdminStore } from "../store/index.ts";
import { type AdminCommand, type AdminContext, type SiteNames, arg, noMoreArgs, printJson, siteArg, siteFlag, wantsJson } from "./admin-context.ts";
import { formatTable, formatTime } from "./admin-format.ts";
import { formatTaskResult } from "./task-result-format.ts";

const KINDS = "scan, read, ping, traceroute, snmp-test, zebra or web";
const ZEBRA_USAGE = "zebra ADDRESS (read | send (--file F | --text ZPL) | getvar NAME | setvar NAME VALUE) [--lpr [--queue Q]] [--port N]";
/** The longest `--wait` an admin command blocks for. */
const MAX_WAIT_S = 600;

/** What a task is aimed at, in words. */
function taskTarget(t: Task): string {
  const k = t.kind;
  switch (k.case) {
    case "scan":
      return k.value.targets.join(" ") || "(site targets)";
    case "zebra":
      return `${k.value.address} ${ZebraAction[k.value.action]?.toLowerCase() ?? ""}${k.value.name ? ` ${k.value.name}` : ""}`;
    case "webProbe":
      return `${k.value.address}${k.value.ports.length ? ` ports ${k.value.ports.join(",")}` : ""}`;
    case undefined:
      return "";
    default:
      return k.value.address;
  }
}

const taskJson = ({ task, result, ...t }: StoredTask) => ({
  ...t,
  task: messageToJson(TaskSchema, task),
  ...(result ? { result: messageToJson(TaskResultSchema, result) } : {}),
});

/** One ADDRESS: a device, not a range (the hub then checks it is inside the site's targets). */
function oneAddress(rest: string[], kind: string): string {
  if (rest.length < 1) throw new UsageError(`task create SITE ${kind} needs an ADDRESS`);
  const address = rest[0];
  checkTargets([address]);
  try {
    parseEndpoint(address, 161);
  } catch {
    throw new UsageError("ADDRESS must be one address, not a range");
  }
  return address;
}

/** Task targets in the one target syntax (src/common/target-spec.ts); a bad one is a usage error naming it. */
function checkTargets(targets: string[]): string[] {
  for (const t of targets) {
    try {
      parseTargetSpec(t);
    } catch (e) {
      if (e instanceof TargetError) throw new UsageError(e.message);
      throw e;
    }
  }
  return targets;
}

function ports(p: ParsedArgs, name: string): number[] {
  return listFlag(p, name).map((s) => {
    const n = Number(s);
    if (!/^\d+$/.test(s) || n < 1 || n > 65535) throw new UsageError(`--${name} takes ports 1-65535, got "${s}"`);
    return n;
  });
}

function zebraTask(p: ParsedArgs, rest: string[]): Task {
  const address = oneAddress(rest, "zebra");
  const action = rest[1];
  const lpr = p.flags.has("lpr");
  const common = {
    address,
    transport: lpr ? ZebraTransport.LPR : ZebraTransport.RAW,
    port: intFlag(p, "port") ?? 0,
    queue: flag(p, "queue") ?? "",
  };
  const want = (n: number) => {
    if (rest.length !== n) throw new UsageError(`usage: task create SITE ${ZEBRA_USAGE}`);
  };
  let value: { action: ZebraAction; data?: Uint8Array; name?: string; value?: string };
  switch (action) {
    case "read":
    case "status":
      want(2);
      value = { action: ZebraAction.READ };
      break;
    case "send": {
      want(2);
      const file = flag(p, "file");
      const text = flag(p, "text");
      if ((file === undefined) === (text === undefined)) throw new UsageError("zebra send takes one of --file F or --text ZPL");
      let data: Uint8Array;
      try {
        data = file !== undefined ? readFileSync(file) : Buffer.from(text!, "utf8");
      } catch (e) {
        throw new UsageError(`cannot read --file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      if (data.length === 0 || data.length > 1024 * 1024) throw new UsageError(`zebra send needs 1 byte to 1 MiB of data, got ${data.length}`);
      value = { action: ZebraAction.SEND, data };
      break;
    }
    case "getvar":
      want(3);
      value = { action: ZebraAction.GETVAR, name: rest[2] };
      break;
    case "setvar":
      want(4);
      value = { action: ZebraAction.SETVAR, name: rest[2], value: rest[3] };
      break;
    default:
      throw new UsageError(`usage: task create SITE ${ZEBRA_USAGE}`);
  }
  if (lpr && value.action !== ZebraAction.SEND) throw new UsageError("--lpr only sends data (zebra ADDRESS send); status and SGD need the raw port");
  if (value.name !== undefined && !/^[A-Za-z0-9_.]{1,128}$/.test(value.name)) throw new UsageError(`"${value.name.slice(0, 60)}" is not an SGD variable name`);
  return create(TaskSchema, { kind: { case: "zebra", value: { ...common, ...value } } });
}

function buildTask(p: ParsedArgs): Task {
  const kind = arg(p, 1, `the task kind (${KINDS})`);
  const rest = p.positional.slice(2);
  const only = (n: number) => {
    if (rest.length > n) throw new UsageError(`unexpected argument "${rest[n]}"`);
  };
  switch (kind) {
    case "scan": {
      const targets = checkTargets(rest.flatMap((t) => t.split(",")));
      return create(TaskSchema, { kind: { case: "scan", value: { targets } } });
    }
    case "read":
      only(1);
      return create(TaskSchema, { kind: { case: "readDevice", value: { address: oneAddress(rest, kind) } } });
    case "ping":
      only(1);
      return create(TaskSchema, {
        kind: { case: "ping", value: { address: oneAddress(rest, kind), count: intFlag(p, "count") ?? 0, timeoutMs: intFlag(p, "timeout-ms") ?? 0, intervalMs: intFlag(p, "interval-ms") ?? 0 } },
      });
    case "traceroute":
      only(1);
      return create(TaskSchema, {
        kind: { case: "traceroute", value: { address: oneAddress(rest, kind), maxHops: intFlag(p, "max-hops") ?? 0, timeoutMs: intFlag(p, "timeout-ms") ?? 0 } },
      });
    case "snmp-test":
      only(1);
      return create(TaskSchema, { kind: { case: "snmpTest", value: { address: oneAddress(rest, kind) } } });
    case "zebra":
      return zebraTask(p, rest);
    case "web": {
      only(1);
      const list = ports(p, "ports");
      if (list.length > 16) throw new UsageError("--ports takes at most 16 ports");
      return create(TaskSchema, {
        kind: { case: "webProbe", value: { address: oneAddress(rest, kind), ports: list, tlsPorts: ports(p, "tls-ports"), ledm: p.flags.has("ledm") } },
      });
    }
    default:
      throw new UsageError(`unknown task kind "${kind}" (${KINDS})`);
  }
}

function showTask(ctx: AdminContext<SiteNames>, t: StoredTask): void {
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
  // Everything below may come from an agent, and from a printer through it: no terminal escapes.
  const head = lines.map(([k, v]) => `${k.padEnd(9)} ${cleanText(v, 10_000)}`).join("\n");
  const result = t.result ? formatTaskResult(t.result) : [];
  ctx.io.out(`${head}\n${result.length ? `Result\n${result.map((l) => `  ${cleanText(l, 2000)}`).join("\n")}\n` : ""}`);
}

/** Blocks until the task is done, failed or refused, or `seconds` pass; returns it as it then is. */
function waitFor(ctx: AdminContext<TaskAdminStore>, id: string, seconds: number): StoredTask {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const t = ctx.store.getTask(id)!;
    if (t.state === "done" || t.state === "failed" || t.state === "refused" || Date.now() >= until) return t;
    Bun.sleepSync(100);
  }
}

/** The task commands. */
export const TASK_COMMANDS: Record<string, AdminCommand<TaskAdminStore & SiteNames>> = {
  "task create": {
    usage:
      "task create SITE (scan [TARGET...] | read ADDRESS | ping ADDRESS [--count N] [--timeout-ms N] [--interval-ms N] | " +
      "traceroute ADDRESS [--max-hops N] [--timeout-ms N] | snmp-test ADDRESS | " +
      `${ZEBRA_USAGE} | web ADDRESS [--ports P,...] [--tls-ports P,...] [--ledm]) [--agent A] [--wait [--wait-seconds N]] [--json]`,
    valued: ["agent", "count", "timeout-ms", "interval-ms", "max-hops", "port", "queue", "file", "text", "ports", "tls-ports", "wait-seconds"],
    booleans: ["json", "lpr", "ledm", "wait"],
    run(ctx, p) {
      const site = siteArg(ctx, arg(p, 0, "SITE"));
      const wait = p.flags.has("wait") ? (intFlag(p, "wait-seconds") ?? 60) : undefined;
      if (wait !== undefined && (wait < 1 || wait > MAX_WAIT_S)) throw new UsageError(`--wait-seconds takes 1-${MAX_WAIT_S}`);
      const task = ctx.store.createTask(site.id, buildTask(p), { agentId: flag(p, "agent") });
      if (wait === undefined) {
        if (wantsJson(p)) printJson(ctx, taskJson(task));
        else ctx.io.out(`task ${task.id} (${task.kind} ${taskTarget(task.task)}) queued for site "${site.name}"; agents are nudged at once, or take it on their next poll\n`);
        return 0;
      }
      const t = waitFor(ctx, task.id, wait);
      if (wantsJson(p)) printJson(ctx, taskJson(t));
      else showTask(ctx, t);
      if (t.state === "done") return 0;
      if (t.state === "failed" || t.state === "refused") return 1;
      ctx.io.err(`task ${t.id} is still ${t.state} after ${wait} s; see "task show ${t.id}" later\n`);
      return 4;
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
