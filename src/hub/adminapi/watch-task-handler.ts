/**
 * AdminService.WatchTask: one task followed as it changes. The task goes
 * out at once, then again each time its state, message, readings or result
 * change, until it has finished, the caller goes away, or the watch's time
 * is up. Changes are noticed at once through the hub's task events (fired
 * where the agent API hands out tasks and stores results), and by a slow
 * look at the store besides (a task changed by another process). The door
 * checks task.read on the task's site once and audits the watch once.
 */
import type { ServiceImpl } from "@connectrpc/connect";
import { type Clock, sleep, systemClock } from "../../common/clock.ts";
import { DcaError } from "../../common/errors.ts";
import type { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import type { TaskEvents } from "../api/task-events.ts";
import { StoreError, type StoredTask, type TaskAdminStore } from "../store/index.ts";
import type { SiteAdminStore } from "../store/index.ts";
import { requireOn } from "./admin-call.ts";
import { taskToProto } from "./task-to-proto.ts";

/** The longest one watch lasts (the caller watches again for longer). */
export const WATCH_MAX_SECONDS = 600;
/** How often the store is looked at when no event comes. */
export const WATCH_POLL_MS = 2_000;

const FINISHED = new Set<StoredTask["state"]>(["done", "failed", "refused", "canceled"]);

/** What tells one version of a task from the next. */
const versionOf = (t: StoredTask) =>
  [t.state, t.agentId ?? "", t.sentAt?.getTime() ?? 0, t.finishedAt?.getTime() ?? 0, t.message, t.readingIds.length, t.result ? 1 : 0].join("|");

export interface WatchTaskDeps {
  store: Pick<TaskAdminStore, "getTask"> & Pick<SiteAdminStore, "getSite">;
  events: TaskEvents;
  clock?: Clock;
}

/** The WatchTask handler. */
export function createWatchTaskHandler(deps: WatchTaskDeps): Pick<ServiceImpl<typeof AdminService>, "watchTask"> {
  const { store, events } = deps;
  const clock = deps.clock ?? systemClock;
  return {
    async *watchTask(req, ctx) {
      if (!req.id) throw new DcaError("invalid-argument", "which task? give its id (dca-hub task list)");
      let t = store.getTask(req.id);
      if (!t) throw new StoreError("not-found", `unknown task "${req.id}"; see "dca-hub task list"`);
      requireOn(ctx, "task.read", t.siteId, `task ${t.id}`);
      const siteName = store.getSite(t.siteId)?.name ?? t.siteId;
      const seconds = Math.min(req.maxSeconds || WATCH_MAX_SECONDS, WATCH_MAX_SECONDS);
      const until = clock.monotonic() + seconds * 1000;
      // One wake-up at a time: an event, the poll, the end of the watch or the caller leaving.
      let wake = new AbortController();
      const stop = events.follow(t.id, () => wake.abort());
      const leave = () => wake.abort();
      ctx.signal.addEventListener("abort", leave);
      try {
        let sent = versionOf(t);
        yield { task: taskToProto(t, siteName) };
        while (!FINISHED.has(t.state) && !ctx.signal.aborted) {
          const left = until - clock.monotonic();
          if (left <= 0) return;
          await sleep(clock, Math.min(WATCH_POLL_MS, left), wake.signal);
          wake = new AbortController();
          const now = store.getTask(t.id);
          if (!now) return;
          t = now;
          if (versionOf(t) !== sent) {
            sent = versionOf(t);
            yield { task: taskToProto(t, siteName) };
          }
        }
      } finally {
        stop();
        ctx.signal.removeEventListener("abort", leave);
      }
    },
  };
}
