/**
 * The suite of WakeStore, what the hub's MQTT side needs of the store: new
 * tasks since a cursor, every site's config version, and each agent's
 * standing (for the broker's login and for evicting revoked agents).
 */
import { describe, expect, test } from "bun:test";
import type { WakeStore } from "../../../src/hub/store/index.ts";
import { type OpenStore, newAgent, storesUnderTest, twoSites } from "./store-under-test.ts";
import { read, scan } from "./task-builders.ts";

/** Runs every WakeStore test on the stores `open` makes; `name` names the implementation. */
export function describeWakeStore(name: string, open: OpenStore): void {
  describe(`${name} as WakeStore`, () => {
    const opened = storesUnderTest<WakeStore>(open);
    const setup = () => {
      const t = opened();
      return { ...t, ...twoSites(t.rest) };
    };

    test("tasksCreatedSince walks new tasks once, from any cursor", () => {
      const { store, rest, a, b } = setup();
      const a1 = newAgent(rest, rest, a.id, "a1").agent;
      const start = store.lastTaskCursor();
      const t1 = rest.createTask(a.id, scan());
      const t2 = rest.createTask(b.id, read("10.0.0.2"));
      const t3 = rest.createTask(a.id, read("10.0.0.3"), { agentId: a1.id });
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

    test("cursor 0 is the start; lastTaskCursor skips what is already there", () => {
      const { store, rest, a } = setup();
      expect(store.tasksCreatedSince(0)).toEqual({ cursor: 0, tasks: [] });
      const t0 = rest.createTask(a.id, scan());
      const t1 = rest.createTask(a.id, scan());
      const now = store.lastTaskCursor();
      const t2 = rest.createTask(a.id, scan());
      expect(store.tasksCreatedSince(0).tasks.map((t) => t.id)).toEqual([t0.id, t1.id, t2.id]);
      expect(store.tasksCreatedSince(now).tasks.map((t) => t.id)).toEqual([t2.id]);
    });

    test("siteConfigVersions gives every site's config version, one up on each change", () => {
      const { store, rest, a, b } = setup();
      // setup changed each config once (its targets).
      expect(store.siteConfigVersions()).toEqual(new Map([[a.id, 2n], [b.id, 2n]]));
      rest.updateSiteConfig(b.id, (c) => void (c.pollIntervalSeconds = 60));
      const c = rest.createSite("Site C");
      expect(store.siteConfigVersions()).toEqual(new Map([[a.id, 2n], [b.id, 3n], [c.id, 1n]]));
    });

    test("an agent's standing: the broker logs in only current, enabled agents; the notifier lists them all", () => {
      const { store, rest, a, b } = setup();
      const first = newAgent(rest, rest, a.id, "i1");
      const other = newAgent(rest, rest, b.id, "i2");
      expect(store.authenticateAgent(first.agent.id, first.secret)?.id).toBe(first.agent.id);
      expect(store.authenticateAgent(first.agent.id, other.secret)).toBeUndefined();

      rest.setAgentDisabled(other.agent.id, true);
      expect(store.authenticateAgent(other.agent.id, other.secret)).toBeUndefined();
      expect(store.getAgent(other.agent.id)).toMatchObject({ disabled: true, replacedBy: undefined });

      const second = newAgent(rest, rest, a.id, "i1");
      expect(store.authenticateAgent(first.agent.id, first.secret)).toBeUndefined();
      expect(store.getAgent(first.agent.id)).toMatchObject({ disabled: false, replacedBy: second.agent.id });
      expect(store.getAgent("agt_nosuchagent000")).toBeUndefined();

      expect(store.listAgents(a.id).map((x) => x.id)).toEqual([first.agent.id, second.agent.id]);
      expect(store.listAgents().map((x) => x.id)).toEqual([first.agent.id, other.agent.id, second.agent.id]);
      expect(store.listAgents("site_nope")).toEqual([]);
    });
  });
}
