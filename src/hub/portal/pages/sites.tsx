/** @jsxImportSource hono/jsx */
/**
 * The sites the person may see (/sites: ListSites, with their agents and
 * devices), and a new site (POST /sites: CreateSite, then its page). A
 * refusal (no right to create sites, a name taken) is shown with the RPC's
 * words above the list.
 */
import { Layout, Notice } from "../layout.tsx";
import { field, type PageResult } from "../page.ts";
import type { PortalCtx } from "../portal-context.ts";
import { type RefusalStatus, attempt } from "./attempt.ts";
import { CreateSiteForm } from "./site.tsx";
import { timeText } from "./time-text.ts";

async function renderSites(c: PortalCtx, error?: { message: string; status: RefusalStatus }): Promise<Response> {
  const portal = c.get("portal");
  const { sites } = await portal.api.listSites({});
  return c.html(
    <Layout portal={portal} title="Sites" path="/sites">
      <h1>Sites</h1>
      {error && <Notice kind="error">{error.message}</Notice>}
      {sites.length === 0 ? (
        <p>No sites yet.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="hint">{sites.length} site(s), by name</caption>
            <thead>
              <tr>
                <th scope="col">Site</th>
                <th scope="col">Agents</th>
                <th scope="col">Devices</th>
                <th scope="col">Config</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {sites.map((s) => (
                <tr>
                  <td>
                    <a href={`/sites/${encodeURIComponent(s.site!.id)}`}>{s.site!.name}</a>
                  </td>
                  <td>{s.agents}</td>
                  <td>{s.devices}</td>
                  <td>version {s.configVersion.toString()}</td>
                  <td>{timeText(s.site!.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section class="card" aria-labelledby="new-h">
        <h2 id="new-h">New site</h2>
        <CreateSiteForm portal={portal} />
      </section>
    </Layout>,
    error?.status ?? 200,
  );
}

/** GET /sites */
export const getSites = (c: PortalCtx): Promise<PageResult> => renderSites(c);

/** POST /sites */
export async function postSite(c: PortalCtx): Promise<PageResult> {
  const name = (await field(c, "name", 200)).trim();
  const r = await attempt(() => c.get("portal").api.createSite({ name }));
  if (r.ok) return c.redirect(`/sites/${encodeURIComponent(r.value.site!.id)}?created=1`, 303);
  return renderSites(c, r);
}
