/**
 * The suite of TaskAdminStore, what the `task` admin commands need: tasks
 * queued for a site or one of its agents, only at what the site may reach,
 * and listed with what became of them.
 */
import { describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { TaskSchema } from "../../../src/gen/dca/v1/agent_service_pb.ts";
import { StoreError, type TaskAdminStore } from "../../../src/hub/store/index.ts";
import { makeReading, outbox } from "../hub-store-fixtures.ts";
import { type OpenStore, codeOf, newAgent, storesUnderTest, twoSites } from "./store-under-test.ts";
import { ping, read, scan } from "./task-builders.ts";

/** Runs every TaskAdminStore test on the stores `open` makes; `name` names the implementation. */
export function describeTaskAdminStore(name: string, open: OpenStore): void {
  describe(`${name} as TaskAdminStore`, () => {
    const opened = storesUnderTest<TaskAdminStore>(open);
    const setup = () => {
      const t = opened();
      const { a, b } = twoSites(t.rest);
      return { ...t, a, b, a1: newAgent(t.rest, t.rest, a.id, "a1").agent, b1: newAgent(t.rest, t.rest, b.id, "b1").agent };
    };

    test("a task is created pending with an id, its kind's name and the time", () => {
      const { store, clock, a } = setup();
      const t1 = store.createTask(a.id, scan("10.0.0.0/24"));
      clock.advance(1000);
      const t2 = store.createTask(a.id, read("10.0.0.7"));
      expect(t1).toMatchObject({ siteId: a.id, kind: "scan", state: "pending", agentId: undefined, message: "", readingIds: [] });
      expect(t1.id).toMatch(/^tsk_/);
      expect(t2.kind).toBe("read_device");
      expect(timestampDate(t2.task.createdAt!)).toEqual(new Date(clock.ms));
      expect(t2.task.id).toBe(t2.id);
      expect(t2.createdAt).toEqual(new Date(clock.ms));
    });

    test("tasks are listed newest first, by site, and found by id", () => {
      const { store, clock, a, b, a1 } = setup();
      const t1 = store.createTask(a.id, scan());
      clock.advance(1000);
      const t2 = store.createTask(b.id, scan());
      clock.advance(1000);
      const t3 = store.createTask(a.id, read("10.0.0.3"), { agentId: a1.id });
      expect(store.listTasks().map((t) => t.id)).toEqual([t3.id, t2.id, t1.id]);
      expect(store.listTasks({ siteId: a.id }).map((t) => t.id)).toEqual([t3.id, t1.id]);
      expect(store.getTask(t3.id)).toEqual(t3);
      expect(t3).toMatchObject({ agentId: a1.id, targetAgentId: a1.id });
      expect(store.getTask("tsk_unknown")).toBeUndefined();
      expect(store.listTasks({ siteId: "site_nope" })).toEqual([]);
    });

    test("listings by sites and state, the newest few, and how many match", () => {
      const { store, clock, a, b } = setup();
      const ids = [a, b, a, b, a].map((s) => {
        clock.advance(1000);
        return store.createTask(s.id, scan()).id;
      });
      store.cancelTask(ids[4]!);
      expect(store.listTasks({ siteIds: [a.id], limit: 2 }).map((t) => t.id)).toEqual([ids[4], ids[2]]);
      expect(store.countTasks({ siteIds: [a.id] })).toBe(3);
      expect(store.listTasks({ siteIds: "all", state: "pending", limit: 3 }).map((t) => t.id)).toEqual([ids[3], ids[2], ids[1]]);
      expect(store.countTasks({ state: "pending" })).toBe(4);
      expect(store.countTasks({ siteId: b.id, state: "canceled" })).toBe(0);
      expect(store.listTasks({ siteIds: [] })).toEqual([]);
      expect(store.countTasks({ siteIds: [] })).toBe(0);
      expect(store.listTasks({ siteIds: [a.id, b.id] })).toHaveLength(5);
    });

    test("a task without a kind, for an unknown site, or naming an agent of another site is refused", () => {
      const { store, a, b1 } = setup();
      expect(() => store.createTask(a.id, create(TaskSchema))).toThrow(/needs a kind/);
      expect(() => store.createTask("site_nope", scan())).toThrow(/unknown site/);
      expect(() => store.createTask(a.id, scan(), { agentId: b1.id })).toThrow(/has no agent/);
      expect(codeOf(() => store.createTask(a.id, scan(), { agentId: "agt_nosuchagent000" }))).toBe("not-found");
      expect(store.listTasks()).toEqual([]);
    });

    test("a task may only aim inside the site's targets or at a device the site knows", () => {
      const { store, rest, a, a1 } = setup();
      rest.updateSiteConfig(a.id, (c) => void (c.exclude = ["10.0.9.0/24"]));
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
      rest.storeReadings(a1, [outbox("rdg-known-1", makeReading({ address: "192.168.7.7", readAt: Date.now(), serial: "KNOWN1" }))]);
      expect(store.createTask(a.id, ping("192.168.7.7")).state).toBe("pending");
      // Nothing refused was queued.
      expect(store.listTasks({ siteId: a.id }).map((t) => t.kind).sort()).toEqual(["ping", "ping", "scan"]);
    });
  });
}
