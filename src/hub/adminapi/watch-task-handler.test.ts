/**
 * WatchTask behind the real door rules and store, on a manual clock: the
 * task at once, each change as soon as the hub's task events say so (no
 * time passes), a change made elsewhere at the next slow look at the store,
 * the end when the task has finished or the watch's time is up, and a
 * refusal before anything is sent for a task on another site.
 */
import { describe, expect, test } from "bun:test";
import { createRouterTransport } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { ReportTaskResultRequestSchema, TaskSchema, TaskStatus } from "../../gen/dca/v1/agent_service_pb.ts";
import { bearerInterceptor, createAdminClient } from "../admin/admin-client.ts";
import { createTaskEvents } from "../api/task-events.ts";
import { manualClock } from "../../../test/support/manual-clock.ts";
import { guardAdminService, storeAdminAuth, storeAudit } from "./index.ts";
import { twoSites } from "./testdata/two-sites.ts";
import { WATCH_POLL_MS, createWatchTaskHandler } from "./watch-task-handler.ts";

function world() {
  const { h, a, b } = twoSites();
  const clock = manualClock();
  const events = createTaskEvents();
  const service = guardAdminService({ service: createWatchTaskHandler({ store: h.store, events, clock }), auth: storeAdminAuth(h.store), audit: storeAudit(h.store) });
  const asUser = (role: string, site?: string) => {
    const user = h.store.createUser({ username: `${role}-${Math.random().toString(36).slice(2, 8)}` });
    h.store.grantRole({ userId: user.id, role, siteId: site ? h.store.getSite(site)!.id : undefined });
    const token = h.store.createSession({ userId: user.id, method: "password", address: "127.0.0.1", client: "test" }).token;
    return createAdminClient(createRouterTransport(({ service: s }) => s(AdminService, service), { transport: { interceptors: [bearerInterceptor(token)] } }), "test");
  };
  const task = h.store.createTask(a.id, create(TaskSchema, { kind: { case: "ping", value: { address: a.deviceAddress } } }));
  const agent = h.store.getAgent(a.agentId)!;
  return { h, a, b, clock, events, asUser, task, agent };
}

describe("WatchTask", () => {
  test("the task now, each change at its event, the end when it has finished", async () => {
    const w = world();
    const it = w.asUser("viewer", "A").watchTask({ id: w.task.id })[Symbol.asyncIterator]();
    expect((await it.next()).value?.task?.state).toBe("pending");
    const next = it.next();
    w.h.store.takePendingTasks(w.agent);
    w.events.changed(w.task.id);
    await w.clock.settle();
    expect((await next).value?.task?.state).toBe("sent");
    w.h.store.reportTaskResult(w.agent, create(ReportTaskResultRequestSchema, { taskId: w.task.id, status: TaskStatus.DONE, message: "3/3 answered" }));
    w.events.changed(w.task.id);
    const done = await it.next();
    expect(done.value?.task).toMatchObject({ state: "done", message: "3/3 answered" });
    expect((await it.next()).done).toBe(true);
    expect(w.clock.pendingTimers()).toBe(0);
    const audit = w.h.store.listAudit({ limit: 5 }).filter((r) => r.action === "WatchTask");
    expect(audit.length).toBe(1);
  });

  test("a change no event tells of is seen at the next look at the store; the watch ends when its time is up", async () => {
    const w = world();
    const it = w.asUser("owner").watchTask({ id: w.task.id, maxSeconds: 10 })[Symbol.asyncIterator]();
    await it.next();
    const next = it.next();
    w.h.store.takePendingTasks(w.agent);
    await w.clock.advance(WATCH_POLL_MS);
    expect((await next).value?.task?.state).toBe("sent");
    const end = it.next();
    await w.clock.advance(10_000);
    expect((await end).done).toBe(true);
  });

  test("a task of another site is refused before anything is sent", async () => {
    const w = world();
    const e = await (async () => {
      try {
        for await (const _ of w.asUser("technician", "B").watchTask({ id: w.task.id })) void _;
      } catch (x) {
        return x as Error & { code?: string };
      }
    })();
    expect(e?.code).toBe("permission-denied");
  });
});
