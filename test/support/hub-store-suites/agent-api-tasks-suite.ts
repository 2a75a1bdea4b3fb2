/**
 * AgentApiStore, tasks: an agent takes its site's pending tasks once, a
 * task never answered goes out again, and the first final report stands.
 */
import { describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { ReportTaskResultRequestSchema, TaskResultSchema, TaskSchema, TaskStatus } from "../../../src/gen/dca/v1/agent_service_pb.ts";
import { type AgentApiStore, MAX_RESULT_BYTES, SENT_TIMEOUT_MS } from "../../../src/hub/store/index.ts";
import { type OpenStore, newAgent, storesUnderTest, twoSites } from "./store-under-test.ts";
import { read, report, scan } from "./task-builders.ts";

/** The task tests of an AgentApiStore. */
export function describeAgentApiTasks(open: OpenStore): void {
  describe("taking tasks and reporting on them", () => {
    const opened = storesUnderTest<AgentApiStore>(open);
    const setup = () => {
      const { store, rest, clock } = opened();
      const { a, b } = twoSites(rest);
      const agent = (siteId: string, installId: string) => newAgent(rest, store, siteId, installId).agent;
      return { store, rest, clock, a, b, a1: agent(a.id, "a1"), a2: agent(a.id, "a2"), b1: agent(b.id, "b1") };
    };

    test("pending tasks are taken once, oldest first", () => {
      const { store, rest, clock, a, a1, a2 } = setup();
      const t1 = rest.createTask(a.id, scan("10.0.0.0/24"));
      clock.advance(1000);
      const t2 = rest.createTask(a.id, read("10.0.0.7"));
      const taken = store.takePendingTasks(a1);
      expect(taken.map((t) => t.id)).toEqual([t1.id, t2.id]);
      expect(taken[1].kind).toEqual({ case: "readDevice", value: expect.objectContaining({ address: "10.0.0.7" }) });
      expect(rest.getTask(t1.id)).toMatchObject({ state: "sent", agentId: a1.id, sentAt: new Date(clock.ms) });
      // Neither the same agent nor another agent of the site gets them again while they are fresh.
      expect(store.takePendingTasks(a1)).toEqual([]);
      expect(store.takePendingTasks(a2)).toEqual([]);
    });

    test("the limit is respected and the rest waits for the next poll", () => {
      const { store, rest, a, a1 } = setup();
      const ids = [1, 2, 3].map((i) => rest.createTask(a.id, read(`10.0.0.${i}`)).id);
      expect(store.takePendingTasks(a1, 2).map((t) => t.id)).toEqual(ids.slice(0, 2));
      expect(store.takePendingTasks(a1, 2).map((t) => t.id)).toEqual(ids.slice(2));
    });

    test("a task sent but never answered goes out again after ten minutes; a running one does not", () => {
      const { store, rest, clock, a, a1, a2 } = setup();
      const lost = rest.createTask(a.id, scan());
      const busy = rest.createTask(a.id, scan("10.0.1.0/24"));
      store.takePendingTasks(a1);
      expect(store.reportTaskResult(a1, report(busy.id, TaskStatus.RUNNING))).toBe(true);
      clock.advance(SENT_TIMEOUT_MS - 1);
      expect(store.takePendingTasks(a2)).toEqual([]);
      clock.advance(1);
      expect(store.takePendingTasks(a2).map((t) => t.id)).toEqual([lost.id]);
      expect(rest.getTask(lost.id)?.agentId).toBe(a2.id);
    });

    test("a canceled task goes to no agent, a late report on it is dropped, a finished one stays as it was", () => {
      const { store, rest, clock, a, a1 } = setup();
      const waiting = rest.createTask(a.id, scan());
      const running = rest.createTask(a.id, read("10.0.0.7"));
      const finished = rest.createTask(a.id, read("10.0.0.8"));
      expect(store.takePendingTasks(a1).map((t) => t.id)).toEqual([waiting.id, running.id, finished.id]);
      store.reportTaskResult(a1, report(running.id, TaskStatus.RUNNING));
      store.reportTaskResult(a1, report(finished.id, TaskStatus.DONE, { message: "read" }));
      const again = rest.createTask(a.id, scan("10.0.1.0/24"));
      clock.advance(1000);
      for (const t of [again, running]) expect(rest.cancelTask(t.id)).toMatchObject({ state: "canceled", message: "canceled by the hub admin", finishedAt: new Date(clock.ms) });
      expect(rest.cancelTask(finished.id)).toMatchObject({ state: "done", message: "read" });
      expect(rest.cancelTask("tsk_nosuchtask0000000")).toBeUndefined();
      expect(store.takePendingTasks(a1)).toEqual([]);
      expect(store.reportTaskResult(a1, report(running.id, TaskStatus.DONE, { message: "late" }))).toBe(true);
      expect(rest.getTask(running.id)).toMatchObject({ state: "canceled", message: "canceled by the hub admin" });
    });

    test("a task for one agent goes only to that agent", () => {
      const { store, rest, a, a1, a2 } = setup();
      const t = rest.createTask(a.id, read("10.0.0.9"), { agentId: a2.id });
      expect(rest.getTask(t.id)).toMatchObject({ targetAgentId: a2.id, agentId: a2.id });
      expect(store.takePendingTasks(a1)).toEqual([]);
      expect(store.takePendingTasks(a2).map((x) => x.id)).toEqual([t.id]);
    });

    test("a report finishes the task once; later reports do not change it", () => {
      const { store, rest, clock, a, a1 } = setup();
      const t = rest.createTask(a.id, scan());
      store.takePendingTasks(a1);
      const finished = clock.ms + 5000;
      expect(store.reportTaskResult(a1, report(t.id, TaskStatus.DONE, { message: "62 addresses, 3 printers read", readingIds: ["r1", "r2", "r3"], finishedAtMs: finished }))).toBe(true);
      expect(rest.getTask(t.id)).toMatchObject({ state: "done", message: "62 addresses, 3 printers read", readingIds: ["r1", "r2", "r3"], finishedAt: new Date(finished) });
      expect(store.reportTaskResult(a1, report(t.id, TaskStatus.FAILED, { message: "late" }))).toBe(true);
      expect(rest.getTask(t.id)).toMatchObject({ state: "done", message: "62 addresses, 3 printers read" });
      expect(store.reportTaskResult(a1, report(t.id, TaskStatus.UNSPECIFIED))).toBe(false);
      expect(store.reportTaskResult(a1, report("tsk_unknown", TaskStatus.DONE))).toBe(false);
    });

    test("an agent can neither take nor report another site's task", () => {
      const { store, rest, a, b, a1, b1 } = setup();
      const ta = rest.createTask(a.id, scan());
      const tb = rest.createTask(b.id, read("10.0.0.1"));
      expect(store.takePendingTasks(b1).map((t) => t.id)).toEqual([tb.id]);
      expect(store.reportTaskResult(b1, report(ta.id, TaskStatus.DONE, { message: "not mine" }))).toBe(false);
      expect(rest.getTask(ta.id)).toMatchObject({ state: "pending", message: "" });
      expect(store.reportTaskResult(a1, report(tb.id, TaskStatus.REFUSED))).toBe(false);
      expect(rest.getTask(tb.id)?.state).toBe("sent");
      expect(store.takePendingTasks(a1).map((t) => t.id)).toEqual([ta.id]);
      expect(rest.listTasks({ siteId: b.id }).map((t) => t.id)).toEqual([tb.id]);
    });

    test("only the agent a task was given to reports on it; another agent of the site is refused and the real result is kept", () => {
      const { store, rest, a, a1, a2 } = setup();
      const sent = rest.createTask(a.id, scan());
      expect(store.takePendingTasks(a1).map((t) => t.id)).toEqual([sent.id]);
      const aimed = rest.createTask(a.id, read("10.0.0.9"), { agentId: a1.id });
      for (const t of [sent, aimed]) {
        expect(() => store.reportTaskResult(a2, report(t.id, TaskStatus.FAILED, { message: "forged" }))).toThrow(
          expect.objectContaining({ code: "permission-denied" }),
        );
        expect(rest.getTask(t.id)).toMatchObject({ message: "" });
      }
      expect(store.reportTaskResult(a1, report(sent.id, TaskStatus.DONE, { message: "real" }))).toBe(true);
      expect(rest.getTask(sent.id)).toMatchObject({ state: "done", agentId: a1.id, message: "real" });
      // Once finished, a forged late report is still refused, never silently taken.
      expect(() => store.reportTaskResult(a2, report(sent.id, TaskStatus.FAILED))).toThrow(expect.objectContaining({ code: "permission-denied" }));
      expect(rest.getTask(sent.id)).toMatchObject({ state: "done", message: "real" });
    });

    test("an agent the store does not know takes nothing and reports on nothing", () => {
      const { store, rest, a, a1 } = setup();
      const t = rest.createTask(a.id, scan());
      const gone = { ...a1, id: "agt_nosuchagent000" };
      expect(store.takePendingTasks(gone)).toEqual([]);
      expect(store.reportTaskResult(gone, report(t.id, TaskStatus.DONE))).toBe(false);
      expect(rest.getTask(t.id)?.state).toBe("pending");
    });

    test("a result is kept with the task; one over the bound is dropped and said so", () => {
      const { store, rest, a, a1 } = setup();
      const t = rest.createTask(a.id, create(TaskSchema, { kind: { case: "ping", value: { address: "10.0.0.1" } } }));
      store.takePendingTasks(a1);
      const result = create(TaskResultSchema, { kind: { case: "ping", value: { address: "10.0.0.1", sent: 4, received: 3, lossPercent: 25, repliesMs: [1, 2, 3] } } });
      expect(store.reportTaskResult(a1, create(ReportTaskResultRequestSchema, { taskId: t.id, status: TaskStatus.DONE, message: "3/4", result }))).toBe(true);
      const kept = rest.getTask(t.id)!;
      expect(kept.result?.kind.case).toBe("ping");
      expect(kept.result?.kind.value).toMatchObject({ sent: 4, received: 3, repliesMs: [1, 2, 3] });

      const t2 = rest.createTask(a.id, create(TaskSchema, { kind: { case: "traceroute", value: { address: "10.0.0.1" } } }));
      store.takePendingTasks(a1);
      const hops = Array.from({ length: 64 }, (_, i) => ({ ttl: i + 1, address: "x".repeat(5000) }));
      const big = create(TaskResultSchema, { kind: { case: "traceroute", value: { hops } } });
      store.reportTaskResult(a1, create(ReportTaskResultRequestSchema, { taskId: t2.id, status: TaskStatus.DONE, message: "long", result: big }));
      const dropped = rest.getTask(t2.id)!;
      expect(dropped.result).toBeUndefined();
      expect(dropped.message).toContain(`over ${MAX_RESULT_BYTES}`);
      expect(dropped.state).toBe("done");
    });
  });
}
