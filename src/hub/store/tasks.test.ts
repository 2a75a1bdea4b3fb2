import { afterEach, describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { timestampDate, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ReportTaskResultRequestSchema, TaskResultSchema, TaskSchema, TaskStatus } from "../../gen/dca/v1/agent_service_pb.ts";
import { type HubStore, SENT_TIMEOUT_MS, StoreError, openHubStore } from "./index.ts";
import { MAX_RESULT_BYTES } from "./tasks.ts";
import { makeReading, outbox, tempDataDir, testClock } from "../../../test/support/hub-store-fixtures.ts";

const open: HubStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

function setup() {
  const clock = testClock();
  const store = openHubStore(tempDataDir(), { now: clock.now });
  open.push(store);
  const activate = (siteId: string, installId: string) => {
    const r = store.activate({ code: store.createActivationCode(siteId).code, installId, hostname: installId, agentVersion: "0.1.0", platform: "linux-x64" });
    if (!r.ok) throw new Error(r.reason);
    return r.agent;
  };
  const a = store.createSite("Site A");
  const b = store.createSite("Site B");
  for (const site of [a, b]) store.updateSiteConfig(site.id, (c) => void (c.targets = ["10.0.0.0/16"]));
  return { store, clock, a, b, a1: activate(a.id, "a1"), a2: activate(a.id, "a2"), b1: activate(b.id, "b1") };
}
const scan = (...targets: string[]) => create(TaskSchema, { kind: { case: "scan", value: { targets } } });
const read = (address: string) => create(TaskSchema, { kind: { case: "readDevice", value: { address } } });
const report = (taskId: string, status: TaskStatus, extra: { message?: string; readingIds?: string[]; finishedAtMs?: number } = {}) =>
  create(ReportTaskResultRequestSchema, {
    taskId,
    status,
    message: extra.message ?? "",
    readingIds: extra.readingIds ?? [],
    finishedAt: extra.finishedAtMs === undefined ? undefined : timestampFromMs(extra.finishedAtMs),
  });

describe("tasks", () => {
  test("a task is created pending with an id and time, taken once, oldest first", () => {
    const { store, clock, a, a1, a2 } = setup();
    const t1 = store.createTask(a.id, scan("10.0.0.0/24"));
    clock.advance(1000);
    const t2 = store.createTask(a.id, read("10.0.0.7"));
    expect(t1).toMatchObject({ siteId: a.id, kind: "scan", state: "pending", agentId: undefined, message: "", readingIds: [] });
    expect(t1.id).toMatch(/^tsk_/);
    expect(t2.kind).toBe("read_device");
    expect(timestampDate(t2.task.createdAt!)).toEqual(clock.now());

    const taken = store.takePendingTasks(a1);
    expect(taken.map((t) => t.id)).toEqual([t1.id, t2.id]);
    expect(taken[1].kind).toEqual({ case: "readDevice", value: expect.objectContaining({ address: "10.0.0.7" }) });
    expect(store.getTask(t1.id)).toMatchObject({ state: "sent", agentId: a1.id, sentAt: clock.now() });
    // Neither the same agent nor another agent of the site gets them again while they are fresh.
    expect(store.takePendingTasks(a1)).toEqual([]);
    expect(store.takePendingTasks(a2)).toEqual([]);
  });

  test("the limit is respected and the rest waits for the next poll", () => {
    const { store, a, a1 } = setup();
    const ids = [1, 2, 3].map((i) => store.createTask(a.id, read(`10.0.0.${i}`)).id);
    expect(store.takePendingTasks(a1, 2).map((t) => t.id)).toEqual(ids.slice(0, 2));
    expect(store.takePendingTasks(a1, 2).map((t) => t.id)).toEqual(ids.slice(2));
  });

  test("a task sent but never answered goes out again after ten minutes; a running one does not", () => {
    const { store, clock, a, a1, a2 } = setup();
    const lost = store.createTask(a.id, scan());
    const busy = store.createTask(a.id, scan("10.0.1.0/24"));
    store.takePendingTasks(a1);
    expect(store.reportTaskResult(a1, report(busy.id, TaskStatus.RUNNING))).toBe(true);
    clock.advance(SENT_TIMEOUT_MS - 1);
    expect(store.takePendingTasks(a2)).toEqual([]);
    clock.advance(1);
    expect(store.takePendingTasks(a2).map((t) => t.id)).toEqual([lost.id]);
    expect(store.getTask(lost.id)?.agentId).toBe(a2.id);
  });

  test("a task for one agent goes only to that agent", () => {
    const { store, a, a1, a2 } = setup();
    const t = store.createTask(a.id, read("10.0.0.9"), { agentId: a2.id });
    expect(store.getTask(t.id)).toMatchObject({ targetAgentId: a2.id, agentId: a2.id });
    expect(store.takePendingTasks(a1)).toEqual([]);
    expect(store.takePendingTasks(a2).map((x) => x.id)).toEqual([t.id]);
  });

  test("a report finishes the task once; later reports do not change it", () => {
    const { store, clock, a, a1 } = setup();
    const t = store.createTask(a.id, scan());
    store.takePendingTasks(a1);
    const finished = clock.ms + 5000;
    expect(store.reportTaskResult(a1, report(t.id, TaskStatus.DONE, { message: "62 addresses, 3 printers read", readingIds: ["r1", "r2", "r3"], finishedAtMs: finished }))).toBe(true);
    expect(store.getTask(t.id)).toMatchObject({ state: "done", message: "62 addresses, 3 printers read", readingIds: ["r1", "r2", "r3"], finishedAt: new Date(finished) });
    expect(store.reportTaskResult(a1, report(t.id, TaskStatus.FAILED, { message: "late" }))).toBe(true);
    expect(store.getTask(t.id)).toMatchObject({ state: "done", message: "62 addresses, 3 printers read" });
    expect(store.reportTaskResult(a1, report(t.id, TaskStatus.UNSPECIFIED))).toBe(false);
    expect(store.reportTaskResult(a1, report("tsk_unknown", TaskStatus.DONE))).toBe(false);
  });

  test("an agent can neither take nor report another site's task", () => {
    const { store, a, b, a1, b1 } = setup();
    const ta = store.createTask(a.id, scan());
    const tb = store.createTask(b.id, read("10.0.0.1"));
    expect(store.takePendingTasks(b1).map((t) => t.id)).toEqual([tb.id]);
    expect(store.reportTaskResult(b1, report(ta.id, TaskStatus.DONE, { message: "not mine" }))).toBe(false);
    expect(store.getTask(ta.id)).toMatchObject({ state: "pending", message: "" });
    expect(store.reportTaskResult(a1, report(tb.id, TaskStatus.REFUSED))).toBe(false);
    expect(store.getTask(tb.id)?.state).toBe("sent");
    expect(store.takePendingTasks(a1).map((t) => t.id)).toEqual([ta.id]);
    expect(store.listTasks({ siteId: b.id }).map((t) => t.id)).toEqual([tb.id]);
    // A task may not name an agent of another site.
    expect(() => store.createTask(a.id, scan(), { agentId: b1.id })).toThrow(/has no agent/);
  });

  test("a task without a kind or for an unknown site is refused", () => {
    const { store, a } = setup();
    expect(() => store.createTask(a.id, create(TaskSchema))).toThrow(/needs a kind/);
    expect(() => store.createTask("site_nope", scan())).toThrow(/unknown site/);
  });

  test("a task may only aim inside the site's targets or at a device the site knows", () => {
    const { store, a, a1 } = setup();
    store.updateSiteConfig(a.id, (c) => void (c.exclude = ["10.0.9.0/24"]));
    const ping = (address: string) => create(TaskSchema, { kind: { case: "ping", value: { address } } });
    const refused = (t: ReturnType<typeof ping>) => {
      try {
        store.createTask(a.id, t);
      } catch (e) {
        expect(e).toBeInstanceOf(StoreError);
        return (e as StoreError).message;
      }
      return "created";
    };
    expect(store.createTask(a.id, ping("10.0.3.4")).kind).toBe("ping");
    expect(refused(ping("192.168.1.1"))).toContain('"192.168.1.1" is outside this site\'s targets');
    expect(refused(ping("10.0.9.5"))).toContain("excluded");
    expect(refused(scan("10.0.0.0/8"))).toContain("outside");
    expect(store.createTask(a.id, scan("10.0.0.0/16")).kind).toBe("scan");
    expect(refused(create(TaskSchema, { kind: { case: "webProbe", value: { address: "intranet.example" } } }))).toContain("outside");
    // A device the site already knows, outside today's targets, is allowed.
    store.storeReadings(a1, [outbox("rdg-known-1", makeReading({ address: "192.168.7.7", readAt: Date.now(), serial: "KNOWN1" }))]);
    expect(store.createTask(a.id, ping("192.168.7.7")).state).toBe("pending");
    // Nothing refused was queued.
    expect(store.listTasks({ siteId: a.id }).map((t) => t.kind).sort()).toEqual(["ping", "ping", "scan"]);
  });

  test("a result is kept with the task; one over the bound is dropped and said so", () => {
    const { store, a, a1 } = setup();
    const t = store.createTask(a.id, create(TaskSchema, { kind: { case: "ping", value: { address: "10.0.0.1" } } }));
    store.takePendingTasks(a1);
    const result = create(TaskResultSchema, { kind: { case: "ping", value: { address: "10.0.0.1", sent: 4, received: 3, lossPercent: 25, repliesMs: [1, 2, 3] } } });
    expect(store.reportTaskResult(a1, create(ReportTaskResultRequestSchema, { taskId: t.id, status: TaskStatus.DONE, message: "3/4", result }))).toBe(true);
    const kept = store.getTask(t.id)!;
    expect(kept.result?.kind.case).toBe("ping");
    expect(kept.result?.kind.value).toMatchObject({ sent: 4, received: 3, repliesMs: [1, 2, 3] });

    const t2 = store.createTask(a.id, create(TaskSchema, { kind: { case: "traceroute", value: { address: "10.0.0.1" } } }));
    store.takePendingTasks(a1);
    const hops = Array.from({ length: 64 }, (_, i) => ({ ttl: i + 1, address: "x".repeat(5000) }));
    const big = create(TaskResultSchema, { kind: { case: "traceroute", value: { hops } } });
    store.reportTaskResult(a1, create(ReportTaskResultRequestSchema, { taskId: t2.id, status: TaskStatus.DONE, message: "long", result: big }));
    const dropped = store.getTask(t2.id)!;
    expect(dropped.result).toBeUndefined();
    expect(dropped.message).toContain(`over ${MAX_RESULT_BYTES}`);
    expect(dropped.state).toBe("done");
  });

  test("tasksCreatedSince walks new tasks once, from any cursor", () => {
    const { store, a, b, a1 } = setup();
    const start = store.lastTaskCursor();
    const t1 = store.createTask(a.id, scan());
    const t2 = store.createTask(b.id, read("10.0.0.2"));
    const t3 = store.createTask(a.id, read("10.0.0.3"), { agentId: a1.id });
    const first = store.tasksCreatedSince(start, 2);
    expect(first.tasks).toEqual([
      { id: t1.id, siteId: a.id, targetAgentId: undefined },
      { id: t2.id, siteId: b.id, targetAgentId: undefined },
    ]);
    const second = store.tasksCreatedSince(first.cursor);
    expect(second.tasks).toEqual([{ id: t3.id, siteId: a.id, targetAgentId: a1.id }]);
    expect(store.tasksCreatedSince(second.cursor)).toEqual({ cursor: second.cursor, tasks: [] });
    expect(store.lastTaskCursor()).toBe(second.cursor);
  });
});
