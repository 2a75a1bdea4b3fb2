/**
 * Tasks an admin queues for a site ("scan now", "read this device"). An
 * agent takes them on its poll; a task handed out and never answered goes
 * out again after SENT_TIMEOUT_MS, so a crashed agent does not swallow it.
 */
import { clone, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { type ReportTaskResultRequest, type Task, TaskResultSchema, TaskSchema, TaskStatus } from "../../gen/dca/v1/agent_service_pb.ts";
import { TASK_KIND_NAMES, taskTargets } from "../../common/task-targets.ts";
import { checkTaskScope } from "../../common/task-scope.ts";
import { ID_PATTERN } from "../../common/wire-limits.ts";
import { newId } from "./ids.ts";
import { type StoreContext, optDate } from "./store-context.ts";
import { StoreError } from "./store-error.ts";
import type { AgentConfig } from "../../gen/dca/v1/agent_service_pb.ts";
import type { Agent, Site, StoredTask, TaskKind, TaskState } from "./types.ts";

/** Which tasks a listing wants: of one site, of some sites ("all": every site), in one state. */
export interface TaskFilter {
  siteId?: string;
  siteIds?: readonly string[] | "all";
  state?: TaskState;
}

/** The WHERE clause of a task listing and its arguments; undefined when no site may match (an empty site list). */
function taskWhere(f: TaskFilter): { sql: string; args: string[] } | undefined {
  const terms: string[] = [];
  const args: string[] = [];
  if (f.siteId !== undefined) {
    terms.push("site_id = ?");
    args.push(f.siteId);
  }
  if (f.siteIds !== undefined && f.siteIds !== "all") {
    if (f.siteIds.length === 0) return undefined;
    terms.push(`site_id IN (${f.siteIds.map(() => "?").join(", ")})`);
    args.push(...f.siteIds);
  }
  if (f.state !== undefined) {
    terms.push("state = ?");
    args.push(f.state);
  }
  return { sql: terms.length ? ` WHERE ${terms.join(" AND ")}` : "", args };
}

/** A task sent without any answer for this long is sent again. */
export const SENT_TIMEOUT_MS = 10 * 60_000;
/** How many tasks one poll takes unless told otherwise. */
export const DEFAULT_TAKE_LIMIT = 20;

const MAX_MESSAGE = 2000;
const MAX_READING_IDS = 10_000;
/** The largest task result the hub keeps (the agent bounds its results well below this). */
export const MAX_RESULT_BYTES = 256 * 1024;

interface TaskRow {
  id: string;
  site_id: string;
  target_agent_id: string | null;
  agent_id: string | null;
  kind: TaskKind;
  data: Uint8Array;
  state: TaskState;
  created_at: number;
  sent_at: number | null;
  finished_at: number | null;
  message: string;
  reading_ids: string;
  result: Uint8Array | null;
}

const toStoredTask = (r: TaskRow): StoredTask => ({
  id: r.id,
  siteId: r.site_id,
  agentId: r.agent_id ?? r.target_agent_id ?? undefined,
  targetAgentId: r.target_agent_id ?? undefined,
  kind: r.kind,
  task: fromBinary(TaskSchema, r.data),
  state: r.state,
  createdAt: new Date(r.created_at),
  sentAt: optDate(r.sent_at),
  finishedAt: optDate(r.finished_at),
  message: r.message,
  readingIds: JSON.parse(r.reading_ids) as string[],
  result: r.result ? fromBinary(TaskResultSchema, r.result) : undefined,
});

const STATE_OF: Partial<Record<TaskStatus, TaskState>> = {
  [TaskStatus.RUNNING]: "running",
  [TaskStatus.DONE]: "done",
  [TaskStatus.FAILED]: "failed",
  [TaskStatus.REFUSED]: "refused",
};
const FINAL = new Set<TaskState>(["done", "failed", "refused", "canceled"]);

/** The task methods of the store; `requireSite` comes from the site methods. */
export function createTasks(ctx: StoreContext, requireSite: (idOrName: string) => Site, getSiteConfig: (siteId: string) => AgentConfig) {
  const { db } = ctx;
  const siteOf = (agent: Agent) => db.query<{ site_id: string }, [string]>("SELECT site_id FROM agents WHERE id = ?").get(agent.id)?.site_id;

  function getTask(id: string): StoredTask | undefined {
    return ctx.read(() => {
      const r = db.query<TaskRow, [string]>("SELECT * FROM tasks WHERE id = ?").get(id);
      return r ? toStoredTask(r) : undefined;
    });
  }

  return {
    getTask,

    createTask(siteId: string, task: Task, opts: { agentId?: string } = {}): StoredTask {
      const kind: TaskKind | undefined = task.kind.case ? TASK_KIND_NAMES[task.kind.case] : undefined;
      const aimed = taskTargets(task);
      if (!kind || !aimed) throw new StoreError("invalid-argument", `a task needs a kind (${Object.values(TASK_KIND_NAMES).join(", ")})`);
      return ctx.write(() => {
        const site = requireSite(siteId);
        // Only addresses inside the site's targets or its known devices: the agent checks again.
        const config = getSiteConfig(site.id);
        const known = db.query<{ address: string }, [string]>("SELECT DISTINCT address FROM devices WHERE site_id = ?").all(site.id).map((r) => r.address);
        const verdict = checkTaskScope(task, { targets: config.targets, exclude: config.exclude, known });
        if (!verdict.ok) throw new StoreError("invalid-argument", `site "${site.name}": ${verdict.reason}`);
        if (opts.agentId !== undefined) {
          const a = db.query<{ site_id: string }, [string]>("SELECT site_id FROM agents WHERE id = ?").get(opts.agentId);
          if (!a || a.site_id !== site.id) throw new StoreError("not-found", `site "${site.name}" has no agent "${opts.agentId}"`);
        }
        const now = ctx.now().getTime();
        const t = clone(TaskSchema, task);
        t.id = newId("tsk");
        t.createdAt = timestampFromMs(now);
        db.run("INSERT INTO tasks (id, site_id, target_agent_id, kind, data, state, created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)", [
          t.id,
          site.id,
          opts.agentId ?? null,
          kind,
          toBinary(TaskSchema, t),
          now,
        ]);
        return toStoredTask(db.query<TaskRow, [string]>("SELECT * FROM tasks WHERE id = ?").get(t.id)!);
      });
    },

    takePendingTasks(agent: Agent, limit = DEFAULT_TAKE_LIMIT): Task[] {
      return ctx.write(() => {
        const siteId = siteOf(agent);
        if (!siteId) return [];
        const now = ctx.now().getTime();
        const rows = db
          .query<TaskRow, [string, string, number, number]>(
            `SELECT * FROM tasks WHERE site_id = ? AND (target_agent_id IS NULL OR target_agent_id = ?)
               AND (state = 'pending' OR (state = 'sent' AND sent_at <= ?))
             ORDER BY created_at, rowid LIMIT ?`,
          )
          .all(siteId, agent.id, now - SENT_TIMEOUT_MS, Math.max(0, Math.trunc(limit)));
        for (const r of rows) db.run("UPDATE tasks SET state = 'sent', sent_at = ?, agent_id = ? WHERE id = ?", [now, agent.id, r.id]);
        return rows.map((r) => fromBinary(TaskSchema, r.data));
      });
    },

    reportTaskResult(agent: Agent, r: ReportTaskResultRequest): boolean {
      const state = STATE_OF[r.status];
      if (!state || !r.taskId) return false;
      return ctx.write(() => {
        const siteId = siteOf(agent);
        const row = db.query<TaskRow, [string, string]>("SELECT * FROM tasks WHERE id = ? AND site_id = ?").get(r.taskId, siteId ?? "");
        if (!row) return false;
        // Only the agent the task was given to (or, before it is sent, aimed at) reports on it:
        // another agent of the site must not finish it, or the real result would be dropped.
        const holder = row.agent_id ?? row.target_agent_id;
        if (holder !== agent.id) {
          throw new StoreError("permission-denied", `task ${row.id} was not given to this agent; its result is not kept`);
        }
        // The first final answer stands; a late "running" or a repeated report changes nothing.
        if (FINAL.has(row.state)) return true;
        const finishedAt = FINAL.has(state) ? (r.finishedAt ? timestampMs(r.finishedAt) : ctx.now().getTime()) : null;
        const ids = r.readingIds.filter((id) => ID_PATTERN.test(id)).slice(0, MAX_READING_IDS);
        let message = r.message.slice(0, MAX_MESSAGE);
        let result = r.result?.kind.case ? toBinary(TaskResultSchema, r.result) : null;
        if (result && result.length > MAX_RESULT_BYTES) {
          message = `${message} [the hub dropped the detailed result: ${result.length} bytes, over ${MAX_RESULT_BYTES}]`;
          result = null;
        }
        db.run("UPDATE tasks SET state = ?, agent_id = ?, finished_at = ?, message = ?, reading_ids = ?, result = ?, sent_at = coalesce(sent_at, ?) WHERE id = ?", [
          state,
          agent.id,
          finishedAt,
          message,
          JSON.stringify(ids),
          result,
          ctx.now().getTime(),
          row.id,
        ]);
        return true;
      });
    },

    /**
     * Tasks created after `cursor` (0: from the start), oldest first, and the cursor to
     * pass next time. The hub's wake-up notifier uses it to nudge the agents a new task is
     * for, whichever process (server or admin command) created it.
     */
    tasksCreatedSince(cursor: number, limit = 1000): { cursor: number; tasks: { id: string; siteId: string; targetAgentId?: string }[] } {
      return ctx.read(() => {
        const rows = db
          .query<{ rowid: number; id: string; site_id: string; target_agent_id: string | null }, [number, number]>(
            "SELECT rowid, id, site_id, target_agent_id FROM tasks WHERE rowid > ? ORDER BY rowid LIMIT ?",
          )
          .all(cursor, limit);
        return {
          cursor: rows.length ? rows[rows.length - 1].rowid : cursor,
          tasks: rows.map((r) => ({ id: r.id, siteId: r.site_id, targetAgentId: r.target_agent_id ?? undefined })),
        };
      });
    },

    /**
     * Cancels a task not finished yet: no agent is sent it any more, and a
     * result reported for it later is dropped. Returns the task as it is now
     * (unchanged if it had finished), or undefined for an unknown id.
     */
    cancelTask(id: string): StoredTask | undefined {
      return ctx.write(() => {
        db.run("UPDATE tasks SET state = 'canceled', finished_at = ?, message = 'canceled by the hub admin' WHERE id = ? AND state IN ('pending', 'sent', 'running')", [
          ctx.now().getTime(),
          id,
        ]);
        const row = db.query<TaskRow, [string]>("SELECT * FROM tasks WHERE id = ?").get(id);
        return row ? toStoredTask(row) : undefined;
      });
    },

    /** The newest task cursor (start watching from now). */
    lastTaskCursor(): number {
      return ctx.read(() => db.query<{ c: number | null }, []>("SELECT max(rowid) AS c FROM tasks").get()?.c ?? 0);
    },

    listTasks(opts: TaskFilter & { limit?: number } = {}): StoredTask[] {
      const where = taskWhere(opts);
      if (!where) return [];
      const limit = opts.limit && opts.limit > 0 ? ` LIMIT ${Math.trunc(opts.limit)}` : "";
      return ctx.read(() => db.query<TaskRow, string[]>(`SELECT * FROM tasks${where.sql} ORDER BY created_at DESC, rowid DESC${limit}`).all(...where.args).map(toStoredTask));
    },

    countTasks(opts: TaskFilter = {}): number {
      const where = taskWhere(opts);
      if (!where) return 0;
      return ctx.read(() => db.query<{ n: number }, string[]>(`SELECT count(*) AS n FROM tasks${where.sql}`).get(...where.args)?.n ?? 0);
    },
  };
}
