/**
 * AdminService: tasks for a site's agents (the `task` commands). Each call
 * checks the site of the task it touches: a technician queues and cancels
 * tasks only on their sites, a viewer only reads them. A new task reaches
 * its agents as before: the serve process watches the store's task cursor
 * and nudges them over MQTT (src/hub/mqtt/task-notifier.ts).
 */
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { DcaError } from "../../common/errors.ts";
import { taskTargets } from "../../common/task-targets.ts";
import type { Permission } from "../access/index.ts";
import { type AdminStore, StoreError, type StoredTask, type TaskState } from "../store/index.ts";
import { callerOf, note, requireOn, siteFor } from "./admin-call.ts";
import type { TaskEvents } from "../api/task-events.ts";
import { checkNewTask } from "./task-checks.ts";
import { taskToProto } from "./task-to-proto.ts";

type TaskMethods = "createTask" | "listTasks" | "getTask" | "cancelTask";

/** Every state a task may be in. */
const STATES = new Set<TaskState>(["pending", "sent", "running", "done", "failed", "refused", "canceled"]);
/** The most tasks one listing with a limit answers. */
const MAX_LIST = 10_000;

/** The states a task ends in. */
const FINISHED = new Set<StoredTask["state"]>(["done", "failed", "refused", "canceled"]);

/** The task methods over the store. */
export function createTaskHandlers(store: AdminStore, events?: TaskEvents): Pick<ServiceImpl<typeof AdminService>, TaskMethods> {
  const siteName = (siteId: string) => store.getSite(siteId)?.name ?? siteId;
  /** The task named, if the caller has `permission` on its site. */
  const taskFor = (ctx: HandlerContext, permission: Permission, id: string): StoredTask => {
    if (!id) throw new DcaError("invalid-argument", "which task? give its id (dca-hub task list)");
    const t = store.getTask(id);
    if (!t) throw new StoreError("not-found", `unknown task "${id}"; see "dca-hub task list"`);
    requireOn(ctx, permission, t.siteId, `task ${t.id}`);
    return t;
  };
  return {
    createTask(req, ctx) {
      // The site first: a caller learns nothing about a task on a site that is not theirs.
      const site = siteFor(ctx, store, "task.write", req.site);
      const task = checkNewTask(req.task);
      const t = store.createTask(site.id, task, { agentId: req.agent || undefined });
      note(ctx, { target: `task ${t.id}`, detail: { kind: t.kind, aimedAt: taskTargets(t.task)?.targets.join(" ") || "(site targets)", ...(req.agent ? { agent: req.agent } : {}) } });
      return { task: taskToProto(t, site.name) };
    },
    listTasks(req, ctx) {
      const site = req.site ? siteFor(ctx, store, "task.read", req.site) : undefined;
      if (req.state && !STATES.has(req.state as TaskState)) throw new DcaError("invalid-argument", `unknown task state "${req.state.slice(0, 40)}" (${[...STATES].join(", ")})`);
      if (req.limit > MAX_LIST) throw new DcaError("invalid-argument", `a task listing takes a limit from 1 to ${MAX_LIST} (0 for every task), got ${req.limit}`);
      // The caller's sites go into the query, so that the limit counts only tasks they may see.
      const sites = callerOf(ctx).sitesWith("task.read");
      const filter = { siteId: site?.id, siteIds: site ? undefined : sites === "all" ? ("all" as const) : [...sites], state: (req.state || undefined) as TaskState | undefined };
      const tasks = store.listTasks({ ...filter, limit: req.limit || undefined });
      const names = new Map(store.listSites().map((s) => [s.id, s.name]));
      const total = req.limit && tasks.length === req.limit ? store.countTasks(filter) : tasks.length;
      return { tasks: tasks.map((t) => taskToProto(t, names.get(t.siteId) ?? t.siteId)), total };
    },
    getTask(req, ctx) {
      const t = taskFor(ctx, "task.read", req.id);
      return { task: taskToProto(t, siteName(t.siteId)) };
    },
    cancelTask(req, ctx) {
      const before = taskFor(ctx, "task.write", req.id);
      const finished = (state: string) => new DcaError("failed-precondition", `task ${before.id} already finished (${state}); nothing to cancel`);
      if (FINISHED.has(before.state)) throw finished(before.state);
      const t = store.cancelTask(before.id);
      // An agent's result may have landed in between: then it finished, not canceled.
      if (t?.state !== "canceled") throw finished(t?.state ?? before.state);
      events?.changed(t.id);
      note(ctx, { detail: { kind: t.kind, wasSent: t.sentAt !== undefined } });
      return { task: taskToProto(t, siteName(t.siteId)) };
    },
  };
}
