/**
 * Tasks, driven through runAgent on the manual clock with a fake hub and
 * runners the test holds: beside a long discovery, a few at a time, and
 * results the hub did not take sent again after the next poll.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { type Task, TaskSchema, TaskStatus } from "../../gen/dca/v1/agent_service_pb.ts";
import { TEXT_LIMITS } from "../../common/wire-limits.ts";
import { sampleReading } from "../outbox/testdata/sample-reading.ts";
import { type Deferred, deferred, pollAnswer, unavailable } from "./testdata/fake-hub.ts";
import { type TestAgent, advanceUntil, doneOutcome, hubConfig, pingTask, startTestAgent } from "./testdata/test-agent.ts";

const webAccessTask = (id: string): Task => create(TaskSchema, { id, kind: { case: "webAccess", value: { address: "127.0.0.1", port: 80 } } });

let t: TestAgent | undefined;

/** An agent whose tasks each wait until the test resolves them (`held`); `order` is the order they started in. */
function startHeldAgent(): { held: Map<string, Deferred>; order: string[] } {
  const held = new Map<string, Deferred>();
  const order: string[] = [];
  t = startTestAgent({
    runners: {
      task: async (_ctx, task) => {
        order.push(task.id);
        const d = deferred();
        held.set(task.id, d);
        await d.promise;
        return doneOutcome(t!.clock);
      },
    },
  });
  return { held, order };
}
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("tasks", () => {
  test("a task runs and is reported while a long discovery is still under way", async () => {
    const discovery = deferred();
    t = startTestAgent({
      runners: {
        discovery: async (ctx) => {
          ctx.sink.put(sampleReading(1));
          await discovery.promise;
          ctx.sink.put(sampleReading(2));
        },
        task: async (ctx, task) => doneOutcome(t!.clock, "pinged", [ctx.sink.put(sampleReading(3), { taskId: task.id })!]),
      },
    });
    const { clock, hub, agent, lines } = t;
    hub.onPoll = (_req, n) => pollAnswer({ config: n === 1 ? hubConfig() : undefined, tasks: n === 2 ? [pingTask("tsk_1")] : [] });
    await clock.advance(1_000);
    expect(hub.polls).toHaveLength(1);
    agent.wake();
    await clock.advance(1_000);
    expect(hub.taken.map((r) => [r.taskId, r.status, r.message])).toEqual([["tsk_1", TaskStatus.DONE, "pinged"]]);
    expect(lines).toContain("task tsk_1 (ping 127.0.0.1) started");
    expect(lines).toContain("task tsk_1: done: pinged");
    expect(hub.received.map((r) => [Number(r.seq), r.taskId])).toEqual([[1, ""], [2, "tsk_1"]]);
    expect(t.runtime.load().lastDiscoveryAt).toBeUndefined();
    discovery.resolve();
    await clock.advance(1_000);
    expect(t.runtime.load().lastDiscoveryAt).toBe(clock.now() - 1_000);
    expect(hub.received.map((r) => Number(r.seq))).toEqual([1, 2, 3]);
  });

  test("at most 4 run at once, in the order the hub gave them; a task already queued is not queued twice", async () => {
    const { held, order } = startHeldAgent();
    const { clock, hub } = t!;
    const ids = ["t1", "t2", "t3", "t4", "t5", "t6"];
    hub.onPoll = (_req, n) => pollAnswer({ config: n === 1 ? hubConfig({ targets: [] }) : undefined, tasks: ids.map(pingTask) });
    await clock.advance(1_000);
    expect(order).toEqual(["t1", "t2", "t3", "t4"]);
    // The next poll names all six again: none runs twice.
    await advanceUntil(clock, () => hub.polls.length === 2);
    await clock.advance(1_000);
    expect(order).toEqual(["t1", "t2", "t3", "t4"]);
    held.get("t2")!.resolve();
    await clock.advance(1_000);
    expect(order).toEqual(["t1", "t2", "t3", "t4", "t5"]);
    for (const id of ["t1", "t3", "t4", "t5"]) held.get(id)!.resolve();
    await clock.advance(1_000);
    held.get("t6")!.resolve();
    await clock.advance(1_000);
    expect(hub.taken.map((r) => r.taskId)).toEqual(["t2", "t1", "t3", "t4", "t5", "t6"]);
  });

  test("web-access tasks (hours long) take none of the 4 places: pings still run beside them", async () => {
    const { held, order } = startHeldAgent();
    const { clock, hub } = t!;
    const tunnels = ["w1", "w2", "w3", "w4", "w5"].map(webAccessTask);
    hub.onPoll = (_req, n) => pollAnswer({ config: n === 1 ? hubConfig({ targets: [] }) : undefined, tasks: n === 1 ? [...tunnels, pingTask("p1")] : n === 2 ? [pingTask("p2")] : [] });
    await clock.advance(1_000);
    expect(order).toEqual(["w1", "w2", "w3", "w4", "w5", "p1"]);
    t!.agent.wake();
    await clock.advance(1_000);
    expect(order).toEqual(["w1", "w2", "w3", "w4", "w5", "p1", "p2"]);
    for (const d of held.values()) d.resolve();
    await clock.advance(1_000);
    expect(hub.taken).toHaveLength(7);
  });

  test("a result the hub did not take goes again after the next successful poll, in order", async () => {
    t = startTestAgent();
    const { clock, hub } = t;
    let hubDown = true;
    hub.onReport = () => {
      if (hubDown) throw unavailable();
    };
    hub.onPoll = (_req, n) => {
      if (n > 1 && hubDown) throw unavailable();
      return pollAnswer({ config: n === 1 ? hubConfig({ targets: [] }) : undefined, tasks: n === 1 ? [pingTask("a"), pingTask("b")] : [] });
    };
    await clock.advance(1_000);
    expect(hub.reports.map((r) => r.req.taskId)).toEqual(["a"]);
    expect(hub.taken).toHaveLength(0);
    hubDown = false;
    await advanceUntil(clock, () => hub.polls.length === 2);
    expect(hub.taken.map((r) => r.taskId)).toEqual(["a", "b"]);
    expect(hub.taken[0]!.finishedAt).toBeDefined();
  });

  test("a result the hub refuses for good (the task went to another agent) is said once and does not hold up the next", async () => {
    t = startTestAgent();
    const { clock, hub } = t;
    hub.onReport = (req) => {
      if (req.taskId === "a") throw new ConnectError("task a was not given to this agent; its result is not kept", Code.PermissionDenied);
    };
    hub.onPoll = (_req, n) => pollAnswer({ config: n === 1 ? hubConfig({ targets: [] }) : undefined, tasks: n === 1 ? [pingTask("a"), pingTask("b")] : [] });
    await advanceUntil(clock, () => hub.taken.length === 1);
    expect(hub.taken.map((r) => r.taskId)).toEqual(["b"]);
    expect(hub.reports.filter((r) => r.req.taskId === "a")).toHaveLength(1);
    expect(t.lines.filter((l) => l.includes("refused its result")).length).toBe(1);
  });

  test("a result within the wire's bounds, however long the message", async () => {
    t = startTestAgent({ runners: { task: async () => doneOutcome(t!.clock, "m".repeat(3 * TEXT_LIMITS.taskMessage)) } });
    t.hub.onPoll = (_req, n) => pollAnswer({ config: n === 1 ? hubConfig({ targets: [] }) : undefined, tasks: n === 1 ? [pingTask("a")] : [] });
    await t.clock.advance(1_000);
    expect(t.hub.taken[0]!.message).toHaveLength(TEXT_LIMITS.taskMessage);
  });
});
