/** `task create|list|show`: queue a task for a site's agents and read its result. */
import { readFileSync } from "node:fs";
import { create } from "@bufbuild/protobuf";
import { type ParsedArgs, UsageError, flag, intFlag, listFlag } from "../../common/args.ts";
import { parseEndpoint } from "../../common/endpoint.ts";
import { TargetError, parseTargetSpec } from "../../common/target-spec.ts";
import { type Task, TaskResultSchema, TaskSchema, ZebraAction, ZebraTransport } from "../../gen/dca/v1/agent_service_pb.ts";
import { DEFAULT_WEB_PORTS, MAX_WEB_PORTS, PING_LIMITS, TRACEROUTE_LIMITS, type TaskSetting } from "../../common/task-limits.ts";
import { DcaError } from "../../common/errors.ts";
import { cleanText } from "../../common/text.ts";
import { messageToJson } from "../../common/message-json.ts";
import { StoreError, type StoredTask, type TaskAdminStore } from "../store/index.ts";
import { type AdminCommand, type AdminContext, type SiteNames, arg, noMoreArgs, printJson, siteArg, siteFlag, wantsJson } from "./admin-context.ts";
import { formatTable, formatTime } from "./admin-format.ts";
import { formatTaskResult } from "./task-result-format.ts";

const KINDS = "scan, read, ping, traceroute, snmp-test, zebra or web";
const ZEBRA_USAGE = "zebra ADDRESS (read | send (--file F | --text ZPL) | getvar NAME | setvar NAME VALUE) [--lpr [--queue Q]] [--port N]";
/** The states a task ends in. */
const FINISHED = new Set<StoredTask["state"]>(["done", "failed", "refused", "canceled"]);
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

/** A task setting given as --`name`: 0 (the agent's default) when absent, refused outside the bounds the agent applies. */
function setting(p: ParsedArgs, name: string, limits: TaskSetting): number {
  const v = intFlag(p, name);
  if (v === undefined) return 0;
  if (v < limits.min || v > limits.max) throw new UsageError(`--${name} must be from ${limits.min} to ${limits.max} (default ${limits.default}), got ${v}`);
  return v;
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
        kind: {
          case: "ping",
          value: {
            address: oneAddress(rest, kind),
            count: setting(p, "count", PING_LIMITS.count),
            timeoutMs: setting(p, "timeout-ms", PING_LIMITS.timeoutMs),
            intervalMs: setting(p, "interval-ms", PING_LIMITS.intervalMs),
          },
        },
      });
    case "traceroute":
      only(1);
      return create(TaskSchema, {
        kind: {
          case: "traceroute",
          value: { address: oneAddress(rest, kind), maxHops: setting(p, "max-hops", TRACEROUTE_LIMITS.maxHops), timeoutMs: setting(p, "timeout-ms", TRACEROUTE_LIMITS.timeoutMs) },
        },
      });
    case "snmp-test":
      only(1);
      return create(TaskSchema, { kind: { case: "snmpTest", value: { address: oneAddress(rest, kind) } } });
    case "zebra":
      return zebraTask(p, rest);
    case "web": {
      only(1);
      // A --tls-ports port is probed too: the agent probes only the ports listed (or its defaults).
      const tlsPorts = ports(p, "tls-ports");
      const given = ports(p, "ports");
      const list = tlsPorts.length ? [...new Set([...(given.length ? given : DEFAULT_WEB_PORTS), ...tlsPorts])] : given;
      if (list.length > MAX_WEB_PORTS) throw new UsageError(`--ports and --tls-ports together take at most ${MAX_WEB_PORTS} ports, got ${list.length}`);
      return create(TaskSchema, {
        kind: { case: "webProbe", value: { address: oneAddress(rest, kind), ports: list, tlsPorts, ledm: p.flags.has("ledm") } },
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
    if (FINISHED.has(t.state) || Date.now() >= until) return t;
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
      if (t.state === "failed" || t.state === "refused" || t.state === "canceled") return 1;
      throw new DcaError("deadline-exceeded", `task ${t.id} is still ${t.state} after ${wait} s; see "task show ${t.id}" later, or "task cancel ${t.id}"`);
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

  "task cancel": {
    usage: "task cancel TASK_ID",
    run(ctx, p) {
      const id = arg(p, 0, "TASK_ID");
      noMoreArgs(p, 1);
      const before = ctx.store.getTask(id);
      if (!before) throw new StoreError("not-found", `unknown task "${id}"; see "dca-hub task list"`);
      const t = FINISHED.has(before.state) ? before : ctx.store.cancelTask(id)!;
      if (t.state !== "canceled" || t === before) throw new DcaError("failed-precondition", `task ${id} already finished (${t.state}); nothing to cancel`);
      const started = t.sentAt ? "; an agent that already started it finishes, but its result is not kept" : "";
      ctx.io.out(`task ${id} canceled${started}\n`);
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
      if (!t) throw new StoreError("not-found", `unknown task "${id}"; see "dca-hub task list"`);
      if (wantsJson(p)) printJson(ctx, taskJson(t));
      else showTask(ctx, t);
      return 0;
    },
  },
};
