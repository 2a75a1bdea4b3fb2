/** @jsxImportSource hono/jsx */
/**
 * Alerts (/alerts): the alerts open and resolved (ListAlerts, filtered by
 * state and site, older pages by the time they opened), the rules (global
 * or per site: create, delete) and the channels they notify
 * (alert-channels.tsx); the rules part is alert-rules.tsx. Whoever may see a site's alerts sees them; what
 * they may not change, the RPC refuses. Forms are in alert-actions.ts.
 */
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { DcaError } from "../../../common/errors.ts";
import type { AlertInstance } from "../../../gen/dca/v1/admin_alerts_pb.ts";
import { Layout, Notice } from "../layout.tsx";
import type { PortalCtx } from "../portal-context.ts";
import { type ChannelsShown, ChannelsSection } from "./alert-channels.tsx";
import { Rules } from "./alert-rules.tsx";
import { type FormStatus, type Shown, when } from "./run-change.ts";

/** Alerts per page. */
export const ALERTS_PAGE = 50;

/** A notice's state in a few words: "ops sent", "mail pending (2 tries)". */
const noticesOf = (a: AlertInstance) =>
  a.deliveries.map((d) => `${d.channel} ${d.event === "resolved" ? "resolved " : ""}${d.state}${d.state !== "sent" && d.attempts ? ` (${d.attempts} tries)` : ""}`).join(", ") || "-";

function Alerts(p: { alerts: AlertInstance[] }) {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Opened</th>
            <th scope="col">State</th>
            <th scope="col">Site</th>
            <th scope="col">Rule</th>
            <th scope="col">Subject</th>
            <th scope="col">Seen</th>
            <th scope="col">Notices</th>
          </tr>
        </thead>
        <tbody>
          {p.alerts.length === 0 && (
            <tr>
              <td colspan={7}>No alerts.</td>
            </tr>
          )}
          {p.alerts.map((a) => (
            <tr>
              <td>{when(a.openedAt)}</td>
              <td>{a.resolvedAt ? `resolved ${when(a.resolvedAt)} (${a.resolveReason})` : "open"}</td>
              <td>{a.siteName}</td>
              <td>{a.ruleName}</td>
              <td>{a.subjectLabel}</td>
              <td>{a.summary}</td>
              <td>{noticesOf(a)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The page with `shown`, read fresh. */
export async function renderAlerts(c: PortalCtx, shown: Shown = {}, status: FormStatus = 200): Promise<Response> {
  const portal = c.get("portal");
  const stateQ = c.req.query("state") ?? "open";
  const state = stateQ === "resolved" || stateQ === "all" ? stateQ : "open";
  const site = (c.req.query("site") ?? "").slice(0, 200);
  const beforeMs = Date.parse(c.req.query("before") ?? "");
  const before = Number.isNaN(beforeMs) ? undefined : timestampFromDate(new Date(beforeMs));
  const { alerts } = await portal.api.listAlerts({ state: state === "all" ? "" : state, site, limit: ALERTS_PAGE, before });
  const { rules } = await portal.api.listAlertRules({});
  const { sites } = await portal.api.listSites({});
  let channels: ChannelsShown;
  try {
    channels = { channels: (await portal.api.listAlertChannels({})).channels };
  } catch (e) {
    // Channels are the hub's (alert.channel): a site's admin sees the rest of the page and this refusal.
    const err = DcaError.from(e);
    if (err.code !== "permission-denied") throw e;
    channels = { refused: err.message };
  }
  const last = alerts.at(-1);
  const q = (more: Record<string, string>) => `/alerts?${new URLSearchParams(Object.entries({ state, site, ...more }).filter(([, v]) => v !== "")).toString()}`;
  return c.html(
    <Layout portal={portal} title="Alerts" path="/alerts">
      <h1>Alerts</h1>
      {shown.ok && <Notice kind="ok">{shown.ok}</Notice>}
      {shown.error && <Notice kind="error">{shown.error}</Notice>}
      {shown.secret && (
        <div class="secret-once" role="status">
          <p>
            <strong>{shown.secret.label}</strong> It is shown only now: give it to the receiver, which checks X-Dca-Signature with it.
          </p>
          <code id="channel-secret">{shown.secret.value}</code>
        </div>
      )}
      <form class="filters" method="get" action="/alerts" aria-label="Filter the alerts">
        <div>
          <label for="alerts-state">State</label>
          <select id="alerts-state" name="state">
            {[["open", "open"], ["resolved", "resolved"], ["all", "open and resolved"]].map(([v, l]) => (
              <option value={v} selected={state === v}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="alerts-site">Site</label>
          <select id="alerts-site" name="site">
            <option value="">every site</option>
            {sites.map((s) => (
              <option value={s.site?.id} selected={site === s.site?.id || site === s.site?.name}>
                {s.site?.name}
              </option>
            ))}
          </select>
        </div>
        <div class="actions">
          <button type="submit">Show</button>
        </div>
      </form>
      <Alerts alerts={alerts} />
      <nav class="pager" aria-label="Pages">
        {before && <a href={q({})}>Newest</a>}
        {alerts.length === ALERTS_PAGE && last?.openedAt && <a href={q({ before: timestampDate(last.openedAt).toISOString() })}>Older alerts</a>}
      </nav>
      <Rules portal={portal} rules={rules} sites={sites} channels={channels.refused === undefined ? channels.channels.map((x) => x.name) : undefined} />
      <ChannelsSection portal={portal} shown={channels} />
    </Layout>,
    status,
  );
}

/** GET /alerts */
export const getAlerts = (c: PortalCtx) => renderAlerts(c);
