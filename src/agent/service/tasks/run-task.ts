/**
 * Tasks from the hub, behind one dispatch table. What each kind will touch
 * (src/common/task-targets.ts) is checked against the site's targets and
 * known devices before anything is sent. A handler's failure is
 * the task's result; runTask never throws. Each handler imports what it
 * runs on first use, so an agent that never gets such a task never loads it.
 */
import { plural } from "../../../common/text.ts";
import { create } from "@bufbuild/protobuf";
import { type Timestamp, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { type Task, type TaskResult, TaskResultSchema, TaskStatus, ZebraAction, ZebraTransport } from "../../../gen/dca/v1/agent_service_pb.ts";
import type { DeviceReading } from "../../../gen/dca/v1/reading_pb.ts";
import { checkTaskScope } from "../../../common/task-scope.ts";
import { type JobContext, discover, readKnown, remember } from "../jobs.ts";

export interface TaskOutcome {
  status: TaskStatus;
  message: string;
  readingIds: string[];
  startedAt: Timestamp;
  result?: TaskResult;
}

type Kinds = NonNullable<Task["kind"]["case"]>;
type ValueOf<K extends Kinds> = Extract<Task["kind"], { case: K }>["value"];
type Run = Omit<TaskOutcome, "startedAt" | "readingIds"> & { readingIds?: string[] };

interface Handler<K extends Kinds> {
  /** What the task is aimed at, in a few words (logs, `task list`). */
  describe(v: ValueOf<K>): string;
  run(ctx: JobContext, v: ValueOf<K>, task: Task): Promise<Run>;
}

/** Reads one device over SNMP into the outbox; the reading, or the reason it failed. */
async function readOne(ctx: JobContext, address: string): Promise<{ reading?: DeviceReading; failure?: string }> {
  let out: { reading?: DeviceReading; failure?: string } = {};
  const known = ctx.state.devices.find((d) => d.address === address);
  await readKnown(ctx.config.config, [{ address, credential: known?.credential, learned: known?.learned }], {
    onReading: (reading, learned) => {
      out = { reading };
      remember(ctx.state, reading, learned, ctx.clock.now());
    },
    onFailed: (_a, message) => {
      out = { failure: message };
    },
  });
  ctx.saveState();
  return out;
}

const storeOne = (ctx: JobContext, reading: DeviceReading, taskId: string) => {
  const id = ctx.sink.put(reading, { taskId });
  return id ? [id] : [];
};

const ZEBRA_ACTIONS: Record<number, string> = { [ZebraAction.READ]: "read", [ZebraAction.SEND]: "send", [ZebraAction.GETVAR]: "getvar", [ZebraAction.SETVAR]: "setvar" };

export const TASK_HANDLERS: { [K in Kinds]: Handler<K> } = {
  scan: {
    describe: (v) => `scan ${v.targets.join(" ") || "(site targets)"}`,
    async run(ctx, v, task) {
      const targets = v.targets.length ? v.targets : ctx.config.config.scan.targets;
      if (targets.length === 0) return { status: TaskStatus.FAILED, message: "no targets: the site has none configured and the task gave none" };
      const r = await discover(ctx, targets, ctx.config.config.scan.exclude, task.id);
      return { status: TaskStatus.DONE, message: r.message, readingIds: r.ids };
    },
  },
  readDevice: {
    describe: (v) => `read ${v.address}`,
    async run(ctx, v, task) {
      const r = await readOne(ctx, v.address);
      if (!r.reading) return { status: TaskStatus.FAILED, message: r.failure ?? "no reading" };
      return { status: TaskStatus.DONE, message: `read ${v.address}`, readingIds: storeOne(ctx, r.reading, task.id) };
    },
  },
  ping: {
    describe: (v) => `ping ${v.address}`,
    run: async (_ctx, v) => (await import("./diagnostics.ts")).runPing(v),
  },
  traceroute: {
    describe: (v) => `traceroute ${v.address}`,
    run: async (_ctx, v) => (await import("./diagnostics.ts")).runTraceroute(v),
  },
  snmpTest: {
    describe: (v) => `snmp-test ${v.address}`,
    run: async (ctx, v) => (await import("./snmp-test.ts")).runSnmpTest(v, ctx.config.config),
  },
  zebra: {
    describe: (v) => `zebra ${ZEBRA_ACTIONS[v.action] ?? "?"} ${v.address}${v.transport === ZebraTransport.LPR ? " (lpr)" : ""}${v.name ? ` ${v.name}` : ""}`,
    async run(ctx, v, task) {
      const { runZebra } = await import("./zebra.ts");
      const r = await runZebra(v, async () => (await readOne(ctx, v.address)).reading);
      return { ...r, readingIds: r.reading ? storeOne(ctx, r.reading, task.id) : [] };
    },
  },
  webProbe: {
    describe: (v) => `web ${v.address}${v.ports.length ? `:${v.ports.join(",")}` : ""}`,
    async run(ctx, v, task) {
      const { probeWeb } = await import("../../webprobe/index.ts");
      const { result, reading } = await probeWeb(v.address, { ports: v.ports, tlsPorts: v.tlsPorts, ledm: v.ledm });
      const answered = result.ports.filter((p) => p.statusCode > 0);
      const parts = result.ports.map((p) => `${p.scheme}:${p.port} ${p.statusCode || p.error}${p.title ? ` "${p.title}"` : ""}`);
      if (result.ledm?.found) parts.push(`LEDM: ${plural(result.ledm.consumables.length, "consumable")}, ${plural(result.ledm.counters.length, "counter")}`);
      return {
        status: answered.length ? TaskStatus.DONE : TaskStatus.FAILED,
        message: `${v.address}: ${parts.join("; ")}`.slice(0, 1500),
        result: create(TaskResultSchema, { kind: { case: "webProbe", value: result } }),
        readingIds: reading ? storeOne(ctx, reading, task.id) : [],
      };
    },
  },
  webAccess: {
    describe: (v) => `web-access ${v.address}:${v.port}`,
    run: async (ctx, v, task) => (await import("../../webaccess/run-web-access.ts")).runWebAccess(ctx, v, task),
  },
};

/** What a task is, in a few words. */
export function describeTask(task: Task): string {
  const k = task.kind;
  if (!k.case) return "unknown kind";
  return (TASK_HANDLERS[k.case] as Handler<typeof k.case>).describe(k.value as never);
}

/** Runs one task from the hub; never throws (a failure is the task's result). */
export async function runTask(ctx: JobContext, task: Task): Promise<TaskOutcome> {
  const startedAt = timestampFromMs(ctx.clock.now());
  const k = task.kind;
  if (!k.case || !(k.case in TASK_HANDLERS)) {
    return { status: TaskStatus.REFUSED, message: "this agent does not know this kind of task; update the agent", readingIds: [], startedAt };
  }
  const handler = TASK_HANDLERS[k.case] as Handler<typeof k.case>;
  const scope = {
    targets: ctx.config.config.scan.targets,
    exclude: ctx.config.config.scan.exclude,
    known: ctx.state.devices.map((d) => d.address),
  };
  const verdict = checkTaskScope(task, scope);
  if (!verdict.ok) return { status: TaskStatus.REFUSED, message: `refused: ${verdict.reason}`, readingIds: [], startedAt };
  try {
    const r = await handler.run(ctx, k.value as never, task);
    return { ...r, readingIds: r.readingIds ?? [], startedAt };
  } catch (e) {
    const message = `${(e as Error).message ?? e}`;
    return { status: TaskStatus.FAILED, message: message.slice(0, 1500), readingIds: [], startedAt };
  }
}
