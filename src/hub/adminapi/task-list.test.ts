/**
 * ListTasks with a state and a limit: the newest tasks the caller may see,
 * the limit counting only those (another site's tasks never take a place),
 * the total of every match, and a bad state or limit refused in words.
 */
import { describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { type Task, TaskSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import { refused, twoSites } from "./testdata/two-sites.ts";

const ping = (address: string): Task => create(TaskSchema, { kind: { case: "ping", value: { address } } });

describe("ListTasks by state, with a limit", () => {
  test("the newest of the caller's tasks, the total, and the state filter", async () => {
    const { h, a, b } = twoSites();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(h.store.createTask(a.id, ping(`127.0.0.${10 + i}`)).id);
      h.store.createTask(b.id, ping(`127.0.1.${10 + i}`));
      h.clock.advance(1000);
    }
    h.store.cancelTask(ids[4]!);
    const tech = h.as("technician", "A");
    const newest = await tech.listTasks({ limit: 3 });
    expect(newest.tasks.map((t) => t.id)).toEqual([ids[4], ids[3], ids[2]]);
    expect(newest.total).toBe(5);
    const pending = await tech.listTasks({ state: "pending", limit: 2 });
    expect(pending.tasks.map((t) => t.id)).toEqual([ids[3], ids[2]]);
    expect(pending.total).toBe(4);
    expect((await tech.listTasks({ state: "canceled" })).tasks.map((t) => t.id)).toEqual([ids[4]]);
    // Without a limit, as before: every task the caller may see.
    expect((await tech.listTasks({})).tasks).toHaveLength(5);
    expect((await h.api.listTasks({ limit: 4 })).total).toBe(10);
    expect((await h.api.listTasks({ site: "B", state: "pending" })).total).toBe(5);
    expect((await refused(tech.listTasks({ state: "lost" }), "invalid-argument")).message).toContain('unknown task state "lost"');
    expect((await refused(tech.listTasks({ limit: 10_001 }), "invalid-argument")).message).toContain("from 1 to 10000");
  });
});
