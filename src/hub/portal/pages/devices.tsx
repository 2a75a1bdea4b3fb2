/** @jsxImportSource hono/jsx */
/**
 * The devices table (/devices): paged, sorted and filtered on the hub
 * (ListDevices), so it stays fast at 10,000 devices. The filters are a GET
 * form (site, vendor, model, health, supply at or below a percent, free
 * text), so every view is a URL; with htmx, changing a filter or clicking a
 * column or a page swaps only the results and pushes the URL, and without
 * JavaScript the same links and form load the whole page. The CSV of the
 * current view is /devices.csv with the same query (devices-csv.ts).
 */
import type { FacetCount, ListDevicesResponse } from "../../../gen/dca/v1/admin_fleet_pb.ts";
import type { SiteSummary } from "../../../gen/dca/v1/admin_sites_pb.ts";
import { Layout } from "../layout.tsx";
import type { PageResult } from "../page.ts";
import type { PortalCtx } from "../portal-context.ts";
import { type DevicesView, PAGE_SIZES, devicesUrl, listRequestOf, parseDevicesView } from "./devices-query.ts";
import { DevicesResults, FILTERS_ID, RESULTS_ID } from "./devices-table.tsx";
import { HEALTH_BY_NAME, count } from "./fleet-format.ts";

/** Whether the request is htmx asking for the results only (not a history restore, which wants the page). */
export const wantsFragment = (c: PortalCtx): boolean => c.req.header("hx-request") === "true" && c.req.header("hx-history-restore-request") !== "true";

/** A select of choices with counts, keeping a chosen value the choices lack (a shared URL). */
function Choice(p: { id: string; label: string; value: string; any: string; options: { value: string; label: string }[] }) {
  const known = p.options.some((o) => o.value === p.value);
  return (
    <div class="field">
      <label for={p.id}>{p.label}</label>
      <select id={p.id} name={p.id}>
        <option value="">{p.any}</option>
        {!known && p.value && (
          <option value={p.value} selected>
            {p.value}
          </option>
        )}
        {p.options.map((o) => (
          <option value={o.value} selected={o.value === p.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

const facetOptions = (f: FacetCount[]) => f.map((x) => ({ value: x.value, label: `${x.value} (${count(x.count)})` }));

function Filters(p: { view: DevicesView; sites: SiteSummary[]; list: ListDevicesResponse }) {
  const { view } = p;
  const hx = { "hx-get": "/devices", "hx-target": `#${RESULTS_ID}`, "hx-swap": "outerHTML", "hx-push-url": "true", "hx-trigger": "submit, change" };
  return (
    <form id={FILTERS_ID} class="filters" method="get" action="/devices" role="search" aria-label="Filter devices" {...hx}>
      <div class="field wide">
        <label for="q">Search</label>
        <input id="q" name="q" type="search" value={view.q} maxlength={100} placeholder="serial, address, model, MAC" />
      </div>
      <Choice id="site" label="Site" any="Every site" value={view.site} options={p.sites.map((s) => ({ value: s.site!.id, label: s.site!.name }))} />
      <Choice id="vendor" label="Vendor" any="Any vendor" value={view.vendor} options={facetOptions(p.list.vendors)} />
      <Choice id="model" label="Model" any="Any model" value={view.model} options={facetOptions(p.list.models)} />
      <Choice id="health" label="Status" any="Any status" value={view.health} options={Object.keys(HEALTH_BY_NAME).map((h) => ({ value: h, label: h }))} />
      <div class="field">
        <label for="below">
          Supply at or below <span class="hint">(%)</span>
        </label>
        <input id="below" name="below" type="number" min="0" max="100" step="any" inputmode="decimal" value={view.below} />
      </div>
      <div class="field">
        <label for="size">Rows per page</label>
        <select id="size" name="size">
          {PAGE_SIZES.map((n) => (
            <option value={String(n)} selected={n === view.size}>
              {n}
            </option>
          ))}
        </select>
      </div>
      <div class="field actions">
        <button type="submit">Apply</button>
        <a class="button secondary" href="/devices">
          Clear
        </a>
      </div>
    </form>
  );
}

/** GET /devices */
export async function getDevices(c: PortalCtx): Promise<PageResult> {
  const portal = c.get("portal");
  const view = parseDevicesView(new URL(c.req.url).searchParams);
  const fragment = wantsFragment(c);
  const request = listRequestOf(view);
  // The filters' choices only with the whole page (htmx swaps the results and keeps the form).
  request.withFacets = !fragment;
  const [list, sites] = await Promise.all([portal.api.listDevices(request), fragment ? undefined : portal.api.listSites({})]);
  c.header("vary", "HX-Request");
  if (fragment) {
    // The view's own URL in the history, without the form's empty fields.
    c.header("hx-push-url", devicesUrl(view));
    return <DevicesResults view={view} list={list} />;
  }
  return (
    <Layout portal={portal} title="Devices" path="/devices">
      <h1>Devices</h1>
      <Filters view={view} sites={sites!.sites} list={list} />
      <DevicesResults view={view} list={list} />
    </Layout>
  );
}
