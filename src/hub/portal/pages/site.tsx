/** @jsxImportSource hono/jsx */
/**
 * A site's page (/sites/:id): its summary, tasks (a form per kind, and the
 * newest tasks), targets, SNMP credentials (names and kinds only), schedule
 * and SNMP settings, agents with activation codes, and Device Web Access.
 * GetSite decides whether the page opens at all (its refusal is the 403
 * page); the other parts are asked for separately and a part the person
 * may not see says so with the RPC's words instead of failing the page.
 * The forms' handlers are in site-actions.ts.
 */
import { CsrfField, Layout, Notice } from "../layout.tsx";
import type { PageResult } from "../page.ts";
import type { PortalCtx } from "../portal-context.ts";
import { type RefusalStatus, attempt } from "./attempt.ts";
import { AgentsTable, CodePart, type ShownCode } from "./site-agents.tsx";
import { CredentialsPart, ScheduleForm, SnmpForm, TargetsForm } from "./site-config-forms.tsx";
import { WebAccessPart } from "./site-web-access.tsx";
import { TaskForms } from "./task-form.tsx";
import { TaskTable } from "./tasks.tsx";
import { timeText } from "./time-text.ts";

/** What one rendering of the page shows besides the site. */
export interface SiteShown {
  ok?: string;
  error?: string;
  /** An activation code just made (shown once). */
  code?: ShownCode;
}

/** Tasks the site page lists (the tasks page has them all). */
const RECENT_TASKS = 10;

/** The site page, read fresh, with `shown`. */
export async function renderSite(c: PortalCtx, shown: SiteShown, status: 200 | RefusalStatus = 200): Promise<Response> {
  const portal = c.get("portal");
  const { api } = portal;
  const { summary, config } = await api.getSite({ site: c.req.param("id") ?? "" });
  const site = summary!.site!;
  const cfg = config!;
  const [agents, tasks, sessions] = await Promise.all([
    attempt(async () => (await api.listAgents({ site: site.id })).agents),
    attempt(() => api.listTasks({ site: site.id, limit: RECENT_TASKS })),
    attempt(async () => (await api.listWebAccess({ site: site.id })).sessions),
  ]);
  const action = `/sites/${encodeURIComponent(site.id)}`;
  const now = Date.now();
  return c.html(
    <Layout portal={portal} title={`Site ${site.name}`} path="/sites">
      <p class="crumbs">
        <a href="/sites">Sites</a>
      </p>
      <h1>{site.name}</h1>
      {shown.ok && <Notice kind="ok">{shown.ok}</Notice>}
      {shown.error && <Notice kind="error">{shown.error}</Notice>}
      <section class="card" aria-labelledby="sum-h">
        <h2 id="sum-h">Summary</h2>
        <dl class="facts">
          <dt>Id</dt>
          <dd>
            <code>{site.id}</code>
          </dd>
          <dt>Created</dt>
          <dd>{timeText(site.createdAt)}</dd>
          <dt>Devices</dt>
          <dd>
            <a href={`/devices?site=${encodeURIComponent(site.id)}`}>{summary!.devices}</a>
          </dd>
          <dt>Agents</dt>
          <dd>{summary!.agents}</dd>
          <dt>Config</dt>
          <dd>version {cfg.version.toString()} (agents take a new one at their next poll)</dd>
        </dl>
      </section>

      <section class="card" aria-labelledby="tasks-h" id="tasks">
        <h2 id="tasks-h">Tasks</h2>
        <TaskForms portal={portal} site={site.id} prefix="site" />
        <h3>Newest tasks</h3>
        {tasks.ok ? <TaskTable tasks={tasks.value.tasks} caption={`The newest ${tasks.value.tasks.length} of ${tasks.value.total} task(s)`} /> : <Notice>Tasks are not shown: {tasks.message}</Notice>}
        <p>
          <a href={`/tasks?site=${encodeURIComponent(site.id)}`}>Every task of this site</a>
        </p>
      </section>

      <section class="card" aria-labelledby="agents-h" id="agents">
        <h2 id="agents-h">Agents</h2>
        {agents.ok ? <AgentsTable agents={agents.value} pollSeconds={cfg.pollIntervalSeconds} now={now} /> : <Notice>Agents are not shown: {agents.message}</Notice>}
        <h3>Activation codes</h3>
        <CodePart portal={portal} action={action} shown={shown.code} />
      </section>

      <section class="card" aria-labelledby="targets-h" id="targets-part">
        <h2 id="targets-h">Targets</h2>
        <TargetsForm portal={portal} action={action} config={cfg} />
      </section>

      <section class="card" aria-labelledby="creds-h" id="credentials">
        <h2 id="creds-h">SNMP credentials</h2>
        <CredentialsPart portal={portal} action={action} config={cfg} />
      </section>

      <section class="card" aria-labelledby="sched-h" id="schedule">
        <h2 id="sched-h">Schedule</h2>
        <ScheduleForm portal={portal} action={action} config={cfg} />
      </section>

      <section class="card" aria-labelledby="snmp-h" id="snmp">
        <h2 id="snmp-h">SNMP settings</h2>
        <SnmpForm portal={portal} action={action} config={cfg} />
      </section>

      <section class="card" aria-labelledby="wa-h" id="web-access">
        <h2 id="wa-h">Device Web Access</h2>
        <WebAccessPart portal={portal} site={site.id} config={cfg} sessions={sessions} back={action} />
      </section>
    </Layout>,
    status,
  );
}

/** GET /sites/:id */
export const getSitePage = (c: PortalCtx): Promise<PageResult> =>
  renderSite(c, c.req.query("created") === "1" ? { ok: "Site created. Next: its targets, an SNMP credential, then an activation code for its agent." } : {});

/** The form that creates a site (on the sites page). */
export function CreateSiteForm(p: { portal: ReturnType<PortalCtx["get"]> }) {
  return (
    <form class="stack" method="post" action="/sites">
      <CsrfField portal={p.portal} />
      <div>
        <label for="site-name">Name</label>
        <input id="site-name" name="name" type="text" required maxlength={100} />
      </div>
      <div>
        <button type="submit">Create the site</button>
      </div>
    </form>
  );
}
