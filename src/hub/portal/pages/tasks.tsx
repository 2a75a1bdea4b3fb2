/** @jsxImportSource hono/jsx */
/**
 * The tasks list (/tasks: every site the person may see, or one site, and
 * by state) and task creation (POST /tasks from the site page's and the
 * device actions' forms): CreateTask as the signed-in person, then the
 * task's own page, where its result arrives live. A refusal (an address
 * outside the site's targets, a bad count) is shown with the RPC's words.
 */
import type { TaskRecord } from "../../../gen/dca/v1/admin_tasks_pb.ts";
import { taskTarget } from "../../admin/task-args.ts";
import { Layout, Notice } from "../layout.tsx";
import type { PageResult } from "../page.ts";
import type { PortalCtx } from "../portal-context.ts";
import { attempt } from "./attempt.ts";
import { taskFromForm } from "./task-form.tsx";
import { KIND_WORDS } from "./task-live.tsx";
import { timeText } from "./time-text.ts";

/** Rows the list shows at most (newest first). */
const MAX_ROWS = 300;
const STATES = ["pending", "sent", "running", "done", "failed", "refused", "canceled"];

/** A table of tasks, newest first. */
export function TaskTable(p: { tasks: TaskRecord[]; caption: string; showSite?: boolean }) {
  if (p.tasks.length === 0) return <p>No tasks.</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption class="hint">{p.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Task</th>
            {p.showSite && <th scope="col">Site</th>}
            <th scope="col">Kind</th>
            <th scope="col">Target</th>
            <th scope="col">State</th>
            <th scope="col">Created</th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {p.tasks.map((t) => (
            <tr>
              <td>
                <a href={`/tasks/${encodeURIComponent(t.id)}`}>{t.id}</a>
              </td>
              {p.showSite && (
                <td>
                  <a href={`/sites/${encodeURIComponent(t.siteId)}`}>{t.siteName || t.siteId}</a>
                </td>
              )}
              <td>{KIND_WORDS[t.kind] ?? t.kind}</td>
              <td>{t.task ? taskTarget(t.task).slice(0, 200) : ""}</td>
              <td>
                <span class={`state state-${t.state}`}>{t.state}</span>
              </td>
              <td>{timeText(t.createdAt)}</td>
              <td>{t.message.slice(0, 200)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** GET /tasks?site=&state= */
export async function getTasks(c: PortalCtx): Promise<PageResult> {
  const portal = c.get("portal");
  const site = (c.req.query("site") ?? "").slice(0, 200);
  const state = STATES.includes(c.req.query("state") ?? "") ? c.req.query("state")! : "";
  const [listed, sites] = await Promise.all([portal.api.listTasks({ site, state, limit: MAX_ROWS }), attempt(() => portal.api.listSites({}))]);
  return (
    <Layout portal={portal} title="Tasks" path="/tasks">
      <h1>Tasks</h1>
      <form method="get" action="/tasks" class="task-filters">
        <div>
          <label for="f-site">Site</label>
          <select id="f-site" name="site">
            <option value="">every site</option>
            {sites.ok &&
              sites.value.sites.map((s) => (
                <option value={s.site!.id} selected={site === s.site!.id || site === s.site!.name}>
                  {s.site!.name}
                </option>
              ))}
          </select>
        </div>
        <div>
          <label for="f-state">State</label>
          <select id="f-state" name="state">
            <option value="">any</option>
            {STATES.map((s) => (
              <option value={s} selected={s === state}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div>
          <button type="submit" class="secondary">
            Show
          </button>
        </div>
      </form>
      <TaskTable tasks={listed.tasks} caption={listed.total > listed.tasks.length ? `The newest ${listed.tasks.length} of ${listed.total} tasks` : `${listed.total} task(s), newest first`} showSite />
      <p class="hint">New tasks are made from a site's page or a device's page.</p>
    </Layout>
  );
}

/** POST /tasks: creates the task the form describes and opens its page. */
export async function postTask(c: PortalCtx): Promise<PageResult> {
  const portal = c.get("portal");
  const body = await c.req.parseBody();
  const form = Object.fromEntries(Object.entries(body).flatMap(([k, v]) => (typeof v === "string" ? [[k, v.slice(0, k === "text" ? 64 * 1024 : 4096)]] : [])));
  const made = await attempt(async () => (await portal.api.createTask({ site: form.site ?? "", task: taskFromForm(form), agent: form.agent ?? "" })).task!);
  if (made.ok) return c.redirect(`/tasks/${encodeURIComponent(made.value.id)}`, 303);
  const back = form.site ? `/sites/${encodeURIComponent(form.site)}` : "/tasks";
  return c.html(
    <Layout portal={portal} title="Task not created" path="/tasks">
      <h1>Task not created</h1>
      <Notice kind="error">{made.message}</Notice>
      <p>
        <a href={back}>Back</a> (use your browser's back button to keep what you typed)
      </p>
    </Layout>,
    made.status,
  );
}
