/** @jsxImportSource hono/jsx */
/**
 * GET /tasks/:id/events: a task followed live as server-sent events, from
 * WatchTask as the signed-in person (task.read on its site, checked and
 * audited by the RPC). Each change is one "task" event whose data is HTML
 * the hub rendered (escaped), which portal.js puts into the element with
 * data-sse; "end" follows once the task has finished. A refusal answers
 * before the stream starts (the error page's status; EventSource stops).
 * Pages of wave 2 give their own renderer to taskEventsHandler.
 */
import type { TaskRecord } from "../../../gen/dca/v1/admin_tasks_pb.ts";
import type { Child } from "hono/jsx";
import { type PageResult } from "../page.ts";
import type { PortalCtx } from "../portal-context.ts";
import { SSE_MAX_MS, type SseEvent, sseResponse } from "../sse.ts";

const FINISHED = new Set(["done", "failed", "refused", "canceled"]);

/** The default fragment: state and the agent's message. */
export function TaskSummary(p: { task: TaskRecord }): Child {
  return (
    <dl class="facts" data-state={p.task.state}>
      <dt>Task</dt>
      <dd>
        {p.task.id} ({p.task.kind})
      </dd>
      <dt>State</dt>
      <dd class="task-state">{p.task.state}</dd>
      <dt>Message</dt>
      <dd>{p.task.message || "-"}</dd>
    </dl>
  );
}

/** A handler streaming a task's changes, each rendered by `render`. */
export function taskEventsHandler(render: (t: TaskRecord) => Child = (task) => <TaskSummary task={task} />) {
  return async (c: PortalCtx): Promise<PageResult> => {
    const { api } = c.get("portal");
    const abort = new AbortController();
    c.req.raw.signal?.addEventListener("abort", () => abort.abort(), { once: true });
    // Bounded by max_seconds (the hub ends the watch) and by the SSE stream's own limit, which
    // aborts it. No client deadline: its timer outlived a watch ended early and kept a stopping
    // hub's process alive for its full 55 s.
    const watch = api.watchTask({ id: c.req.param("id") ?? "", maxSeconds: Math.ceil(SSE_MAX_MS / 1000) }, { signal: abort.signal });
    const it = watch[Symbol.asyncIterator]();
    // The first answer (or the refusal) before the stream starts.
    const first = await it.next();
    async function* events(): AsyncGenerator<SseEvent> {
      try {
        for (let r = first; !r.done; r = await it.next()) {
          const task = r.value.task!;
          yield { event: "task", data: String(await render(task)) };
          if (FINISHED.has(task.state)) {
            yield { event: "end", data: task.state };
            return;
          }
        }
      } finally {
        abort.abort();
      }
    }
    return sseResponse(events(), { signal: c.req.raw.signal, maxMs: SSE_MAX_MS });
  };
}
