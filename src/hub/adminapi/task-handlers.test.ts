import { describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { type Task, TaskSchema, ZebraAction } from "../../gen/dca/v1/agent_service_pb.ts";
import { refused, twoSites } from "./testdata/two-sites.ts";

const ping = (address: string, count = 0): Task => create(TaskSchema, { kind: { case: "ping", value: { address, count } } });

describe("task handlers: who may do what where", () => {
  test("a technician of site A creates and cancels tasks on A and is refused on B", async () => {
    const { h, a, b } = twoSites();
    const tech = h.as("technician", "A");
    const mine = (await tech.createTask({ site: "A", task: ping("127.0.0.9") })).task!;
    expect(mine).toMatchObject({ siteId: a.id, siteName: "A", kind: "ping", state: "pending" });
    expect((await tech.cancelTask({ id: mine.id })).task?.state).toBe("canceled");
    // Another site, or one that does not exist: the same refusal, and nothing queued.
    const e = await refused(tech.createTask({ site: "B", task: ping("127.0.1.9") }));
    expect(e.message).toMatch(/^permission denied: technician1 may not create or cancel tasks on site "B" \(task\.write\)/);
    await refused(tech.createTask({ site: "Nowhere", task: ping("127.0.1.9") }));
    // Site B's task, queued by the owner: neither read nor canceled by A's technician.
    const theirs = (await h.api.createTask({ site: "B", task: ping("127.0.1.9") })).task!;
    await refused(tech.getTask({ id: theirs.id }));
    await refused(tech.cancelTask({ id: theirs.id }));
    expect(h.store.getTask(theirs.id)?.state).toBe("pending");
    expect(h.store.listTasks({ siteId: b.id })).toHaveLength(1);
    // An agent of another site is no agent of this one.
    await refused(tech.createTask({ site: "A", task: ping("127.0.0.9"), agent: b.agentId }), "not-found");
    expect((await tech.createTask({ site: "A", task: ping("127.0.0.9"), agent: a.agentId })).task?.targetAgentId).toBe(a.agentId);
  });

  test("a viewer reads their site's tasks and changes nothing; billing sees no tasks", async () => {
    const { h } = twoSites();
    const viewer = h.as("viewer", "A");
    await refused(viewer.createTask({ site: "A", task: ping("127.0.0.9") }));
    const t = (await h.api.createTask({ site: "A", task: ping("127.0.0.9") })).task!;
    expect((await viewer.getTask({ id: t.id })).task?.id).toBe(t.id);
    await refused(viewer.cancelTask({ id: t.id }));
    await refused(h.as("billing").listTasks({}));
    await refused(h.as("billing").getTask({ id: t.id }));
  });

  test("listings show only the sites the caller may see", async () => {
    const { h, a } = twoSites();
    for (const site of ["A", "B", "B"]) await h.api.createTask({ site, task: ping(site === "A" ? "127.0.0.9" : "127.0.1.9") });
    expect((await h.api.listTasks({})).tasks).toHaveLength(3);
    const tech = h.as("technician", "A");
    const seen = (await tech.listTasks({})).tasks;
    expect(seen.map((t) => t.siteId)).toEqual([a.id]);
    expect((await tech.listTasks({ site: "A" })).tasks).toHaveLength(1);
    await refused(tech.listTasks({ site: "B" }));
    expect((await h.as("admin").listTasks({ site: "B" })).tasks).toHaveLength(2);
  });

  test("the hub checks the task itself: no web access task, settings within the agent's bounds", async () => {
    const { h } = twoSites();
    const web = create(TaskSchema, { kind: { case: "webAccess", value: { address: "127.0.0.7", port: 80, forwardPath: "/tmp/x" } } });
    expect((await refused(h.api.createTask({ site: "A", task: web }), "invalid-argument")).message).toContain("OpenWebAccess");
    expect((await refused(h.api.createTask({ site: "A", task: ping("127.0.0.9", 1000) }), "invalid-argument")).message).toContain("ping count must be from 1 to 100");
    await refused(h.api.createTask({ site: "A" }), "invalid-argument");
    const zebra = (action: ZebraAction, name = "") => create(TaskSchema, { kind: { case: "zebra", value: { address: "127.0.0.6", action, name } } });
    expect((await refused(h.api.createTask({ site: "A", task: zebra(ZebraAction.GETVAR, 'x" ~JR') }), "invalid-argument")).message).toContain("not an SGD variable name");
    expect((await refused(h.api.createTask({ site: "A", task: zebra(ZebraAction.SEND) }), "invalid-argument")).message).toContain("zebra send needs 1 byte");
    const ports = create(TaskSchema, { kind: { case: "webProbe", value: { address: "127.0.0.7", ports: Array.from({ length: 17 }, (_, i) => 9000 + i) } } });
    await refused(h.api.createTask({ site: "A", task: ports }), "invalid-argument");
    expect(h.store.listTasks()).toHaveLength(0);
  });

  test("the audit log names the task created and every refusal", async () => {
    const { h, a } = twoSites();
    const tech = h.as("technician", "A");
    const t = (await tech.createTask({ site: "A", task: ping("127.0.0.9") })).task!;
    await refused(tech.createTask({ site: "B", task: ping("127.0.1.9") }));
    await tech.getTask({ id: t.id });
    const records = h.store.listAudit({}).filter((r) => r.actor === "technician1");
    expect(records.map((r) => [r.action, r.outcome])).toEqual([
      ["GetTask", "ok"],
      ["CreateTask", "denied"],
      ["CreateTask", "ok"],
    ]);
    expect(records[2]).toMatchObject({ siteId: a.id, target: `task ${t.id}`, detail: { kind: "ping", aimedAt: "127.0.0.9" } });
    expect(records[0]).toMatchObject({ siteId: a.id, target: `task ${t.id}` });
  });
});
