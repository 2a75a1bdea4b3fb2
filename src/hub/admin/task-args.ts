/**
 * The arguments of `task create SITE KIND ...` as a Task message: each kind's
 * ADDRESS or targets and its flags, checked here for a quick usage error
 * (the hub checks again: src/hub/adminapi/task-checks.ts).
 */
import { readFileSync } from "node:fs";
import { create } from "@bufbuild/protobuf";
import { type ParsedArgs, UsageError, flag, intFlag, listFlag } from "../../common/args.ts";
import { parseEndpoint } from "../../common/endpoint.ts";
import { TargetError, parseTargetSpec } from "../../common/target-spec.ts";
import { type Task, TaskSchema, ZebraAction, ZebraTransport } from "../../gen/dca/v1/agent_service_pb.ts";
import { DEFAULT_WEB_PORTS, MAX_WEB_PORTS, PING_LIMITS, SGD_NAME, TRACEROUTE_LIMITS, type TaskSetting, ZEBRA_SEND_MAX_BYTES } from "../../common/task-limits.ts";
import { arg } from "./admin-context.ts";

const KINDS = "scan, read, ping, traceroute, snmp-test, zebra or web";
export const ZEBRA_USAGE = "zebra ADDRESS (read | send (--file F | --text ZPL) | getvar NAME | setvar NAME VALUE) [--lpr [--queue Q]] [--port N]";

/** What a task is aimed at, in words. */
export function taskTarget(t: Task): string {
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

/** --port of a Zebra task: 0 for the transport's default. */
function zebraPort(p: ParsedArgs): number {
  const port = intFlag(p, "port") ?? 0;
  if (port > 65535) throw new UsageError(`--port takes 1-65535, got ${port}`);
  return port;
}

function zebraTask(p: ParsedArgs, rest: string[]): Task {
  const address = oneAddress(rest, "zebra");
  const action = rest[1];
  const lpr = p.flags.has("lpr");
  const common = {
    address,
    transport: lpr ? ZebraTransport.LPR : ZebraTransport.RAW,
    port: zebraPort(p),
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
      if (data.length === 0 || data.length > ZEBRA_SEND_MAX_BYTES) throw new UsageError(`zebra send needs 1 byte to ${ZEBRA_SEND_MAX_BYTES / 1024} KiB of data, got ${data.length}`);
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
  if (value.name !== undefined && !SGD_NAME.test(value.name)) throw new UsageError(`"${value.name.slice(0, 60)}" is not an SGD variable name`);
  return create(TaskSchema, { kind: { case: "zebra", value: { ...common, ...value } } });
}

/** The Task that `task create SITE KIND ...` asks for (its flags checked: usage errors name them). */
export function buildTask(p: ParsedArgs): Task {
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
