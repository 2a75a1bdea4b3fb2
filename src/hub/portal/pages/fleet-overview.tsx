/** @jsxImportSource hono/jsx */
/**
 * The start page (/): the fleet at a glance (GetFleetOverview). One row per
 * site the person may see: devices, online, missed, in error, in warning,
 * supplies low, counters flagged, agents offline (where they may see
 * agents), the newest reading; the totals below. A search box finds sites
 * by name and devices by serial, address, model, vendor or MAC across
 * every site (`/?q=`), linking to the devices table for all matches.
 * Someone without any role yet sees the hub's refusal and what to do.
 */
import type { Device } from "../../../gen/dca/v1/admin_fleet_pb.ts";
import type { GetFleetOverviewResponse, SiteOverview } from "../../../gen/dca/v1/admin_portal_pb.ts";
import { Layout, Notice } from "../layout.tsx";
import type { PageResult } from "../page.ts";
import type { PortalCtx } from "../portal-context.ts";
import { HEALTH_WORDS, count, isoOf, unlessRefused, utcMinute } from "./fleet-format.ts";

const devicesOf = (siteId: string, extra = "") => `/devices?site=${encodeURIComponent(siteId)}${extra}`;

/** A count that links to the devices it counts when there are any. */
function Linked(p: { n: number | undefined; href?: string; bad?: boolean }) {
  if (p.n === undefined) return <>-</>;
  const text = count(p.n);
  if (!p.n) return <>{text}</>;
  return p.href ? (
    <a href={p.href} class={p.bad ? "bad" : undefined}>
      {text}
    </a>
  ) : (
    <span class={p.bad ? "bad" : undefined}>{text}</span>
  );
}

function SiteRow(p: { s: SiteOverview; totals?: boolean }) {
  const s = p.s;
  const id = s.siteId;
  const head = p.totals ? "All sites" : <a href={devicesOf(id)}>{s.siteName}</a>;
  return (
    <tr class={p.totals ? "totals" : undefined}>
      <th scope="row">{head}</th>
      <td class="num">{count(s.devices)}</td>
      <td class="num">{count(s.devicesOnline)}</td>
      <td class="num">
        <Linked n={s.devicesMissed} href={id ? devicesOf(id, "&sort=last-read") : "/devices?sort=last-read"} bad />
      </td>
      <td class="num">
        <Linked n={s.devicesError} href={id ? devicesOf(id, "&health=error") : "/devices?health=error"} bad />
      </td>
      <td class="num">
        <Linked n={s.devicesWarning} href={id ? devicesOf(id, "&health=warning") : "/devices?health=warning"} />
      </td>
      <td class="num">
        <Linked n={s.suppliesLow} href={id ? devicesOf(id, "&sort=supply") : "/devices?sort=supply"} bad />
      </td>
      <td class="num">
        <Linked n={s.devicesFlagged} href={id ? devicesOf(id, "&sort=flags&dir=desc") : "/devices?sort=flags&dir=desc"} bad />
      </td>
      <td class="num">{s.agents === undefined ? "-" : <Linked n={s.agentsOffline} bad />}</td>
      <td class="num">{s.agents === undefined ? "-" : count(s.agents)}</td>
      <td>{s.lastReadAt ? <time datetime={isoOf(s.lastReadAt)}>{utcMinute(s.lastReadAt)}</time> : "never"}</td>
    </tr>
  );
}

function SitesTable(p: { o: GetFleetOverviewResponse }) {
  const { o } = p;
  return (
    <div class="table-wrap">
      <table class="overview">
        <caption class="sr-only">Sites at a glance</caption>
        <thead>
          <tr>
            <th scope="col">Site</th>
            <th scope="col" class="num">Devices</th>
            <th scope="col" class="num">Online</th>
            <th scope="col" class="num">Missed</th>
            <th scope="col" class="num">In error</th>
            <th scope="col" class="num">Warning</th>
            <th scope="col" class="num">Supplies low</th>
            <th scope="col" class="num">Counters flagged</th>
            <th scope="col" class="num">Agents offline</th>
            <th scope="col" class="num">Agents</th>
            <th scope="col">Last reading</th>
          </tr>
        </thead>
        <tbody>
          {o.sites.map((s) => (
            <SiteRow s={s} />
          ))}
        </tbody>
        {o.sites.length > 1 && o.totals && (
          <tfoot>
            <SiteRow s={o.totals} totals />
          </tfoot>
        )}
      </table>
    </div>
  );
}

function Matches(p: { q: string; o: GetFleetOverviewResponse }) {
  const { q, o } = p;
  const all = `/devices?q=${encodeURIComponent(q)}`;
  return (
    <section class="card" aria-labelledby="found-h">
      {/* The search text is not repeated as page text (a link must not put words on the hub's pages): it is in the box above. */}
      <h2 id="found-h">Search results</h2>
      <h3>Sites</h3>
      {o.matchingSites.length ? (
        <ul>
          {o.matchingSites.map((s) => (
            <li>
              <a href={devicesOf(s.siteId)}>{s.siteName}</a>: {count(s.devices)} devices
            </li>
          ))}
        </ul>
      ) : (
        <p>No site name contains it.</p>
      )}
      <h3>Devices</h3>
      {o.matchingDevices.length ? (
        <>
          <ul class="matches">
            {o.matchingDevices.map((d: Device) => (
              <li>
                <a href={`/devices/${encodeURIComponent(d.id)}`}>{[d.vendor, d.model].filter(Boolean).join(" ") || d.id}</a> <span class="code">{d.serialNumber}</span> at {d.address || "-"}, {d.siteName} ({HEALTH_WORDS[d.health]})
              </li>
            ))}
          </ul>
          <p>
            <a href={all}>{o.matchingDevicesTotal > o.matchingDevices.length ? `All ${count(o.matchingDevicesTotal)} matching devices` : "These devices in the table"}</a>
          </p>
        </>
      ) : (
        <p>No device matches it.</p>
      )}
    </section>
  );
}

/** GET / */
export async function getFleetOverview(c: PortalCtx): Promise<PageResult> {
  const portal = c.get("portal");
  const q = (c.req.query("q") ?? "").trim().slice(0, 100);
  const got = await unlessRefused(portal.api.getFleetOverview({ search: q }));
  return (
    <Layout portal={portal} title="Fleet overview" path="/">
      <h1>Fleet overview</h1>
      <form class="search" method="get" action="/" role="search" aria-label="Sites and devices">
        <label for="overview-q">Find a site or a device</label>
        <div class="inline-field">
          <input id="overview-q" name="q" type="search" value={q} maxlength={100} placeholder="site name, serial, address, model, MAC" />
          <button type="submit">Search</button>
        </div>
      </form>
      {!got.ok ? (
        <>
          <Notice kind="error">{got.refused}</Notice>
          <p>
            Ask an owner or admin of this hub for a role on your sites. <a href="/account/security">Your own security settings</a> are always open to you.
          </p>
        </>
      ) : (
        <>
          {q && <Matches q={q} o={got.value} />}
          {got.value.sites.length === 0 ? (
            <Notice>No sites yet: an owner or admin creates them (`dca-hub site create NAME`).</Notice>
          ) : (
            <SitesTable o={got.value} />
          )}
          <p class="hint">
            Missed: not read for 24 hours or two read intervals of the site; supplies low: at or below 10 %, or low, empty or full by the device's own word; counters flagged: in
            the last 30 days. <a href="/devices">Every device</a>
          </p>
        </>
      )}
    </Layout>
  );
}
