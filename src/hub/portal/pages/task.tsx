/** @jsxImportSource hono/jsx */
/**
 * One task's page (/tasks/:id): GetTask as the signed-in person, rendered
 * by TaskLive inside `<div data-sse>`, so portal.js replaces it with each
 * change WatchTask sends (/tasks/:id/events) until the task has finished:
 * the result arrives without a reload. Cancel (CancelTask) while it has not
 * finished; a refusal is shown with the RPC's words.
 */
import { CsrfField, Layout, Notice } from "../layout.tsx";
import type { PageResult } from "../page.ts";
import type { PortalCtx } from "../portal-context.ts";
import { attempt } from "./attempt.ts";
import { FINISHED_STATES, KIND_WORDS, TaskLive } from "./task-live.tsx";
import type { TaskRecord } from "../../../gen/dca/v1/admin_tasks_pb.ts";

/** The host of "host:port" or "[v6]:port" (a bare IPv6 address stays as it is). */
const hostOf = (address: string) => /^([^:[\]]+):\d+$/.exec(address)?.[1] ?? /^\[(.*)\]:\d+$/.exec(address)?.[1] ?? address;

function TaskPage(p: { c: PortalCtx; task: TaskRecord; ok?: string; error?: string }) {
  const portal = p.c.get("portal");
  const t = p.task;
  const id = encodeURIComponent(t.id);
  const k = t.task?.kind;
  // The device at the task's address, on the devices page (a scan has targets, not one address).
  const address = k && k.case !== "scan" && k.case !== undefined ? k.value.address : "";
  return (
    <Layout portal={portal} title={`Task ${t.id}`} path="/tasks">
      <p class="crumbs">
        <a href="/tasks">Tasks</a> / <a href={`/sites/${encodeURIComponent(t.siteId)}`}>{t.siteName || t.siteId}</a>
      </p>
      <h1>
        {KIND_WORDS[t.kind] ?? t.kind} task {t.id}
      </h1>
      {p.ok && <Notice kind="ok">{p.ok}</Notice>}
      {p.error && <Notice kind="error">{p.error}</Notice>}
      <section class="card" aria-live="polite">
        <div data-sse={FINISHED_STATES.has(t.state) ? undefined : `/tasks/${id}/events`} id="task-live">
          <TaskLive task={t} />
        </div>
      </section>
      {address && (
        <p>
          <a href={`/devices?site=${encodeURIComponent(t.siteId)}&q=${encodeURIComponent(hostOf(address))}`}>The site's devices at {address}</a>
        </p>
      )}
      {!FINISHED_STATES.has(t.state) && (
        <form method="post" action={`/tasks/${id}/cancel`} class="task-cancel">
          <CsrfField portal={portal} />
          <button type="submit" class="danger">
            Cancel this task
          </button>
          <span class="hint"> An agent that already started it finishes, but its result is not kept.</span>
        </form>
      )}
    </Layout>
  );
}

/** GET /tasks/:id */
export async function getTaskPage(c: PortalCtx): Promise<PageResult> {
  const { task } = await c.get("portal").api.getTask({ id: c.req.param("id") ?? "" });
  return <TaskPage c={c} task={task!} />;
}

/** POST /tasks/:id/cancel */
export async function postCancelTask(c: PortalCtx): Promise<PageResult> {
  const api = c.get("portal").api;
  const id = c.req.param("id") ?? "";
  const r = await attempt(() => api.cancelTask({ id }));
  if (r.ok) return <TaskPage c={c} task={r.value.task!} ok="Task canceled." />;
  const { task } = await api.getTask({ id });
  return c.html(<TaskPage c={c} task={task!} error={r.message} />, r.status);
}
