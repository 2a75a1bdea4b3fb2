/** @jsxImportSource hono/jsx */
/**
 * One device (/devices/:id): GetDevice (identity, addresses, status,
 * supplies, counters, flags, a page of its readings), GetMeterSeries (the
 * chart of daily pages; `?period=30d|90d|1y`) and its open alerts
 * (ListAlerts by subject), as the signed-in person. The chart and the
 * alerts are their own calls: a person who may see the device but not its
 * meters or alerts (the billing role sees no alerts) gets the rest of the
 * page and the hub's refusal in that section. The actions (tasks, web
 * access) are DeviceActions, in their own file. `?rpage=` pages the history.
 */
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { AlertInstance } from "../../../gen/dca/v1/admin_alerts_pb.ts";
import type { GetDeviceResponse, ReadingSummary } from "../../../gen/dca/v1/admin_portal_pb.ts";
import { Layout, Notice } from "../layout.tsx";
import type { PageResult } from "../page.ts";
import type { PortalCtx } from "../portal-context.ts";
import { DeviceActions } from "./device-actions.tsx";
import { MeterChart, type PeriodName, periodOf, seriesRequest, xRange } from "./device-chart.tsx";
import { Addresses, Counters, Flags, Identity, Status, Supplies, Trays } from "./device-sections.tsx";
import { HEALTH_WORDS, type Maybe, count, isoOf, unlessRefused, utcMinute } from "./fleet-format.ts";

/** Readings per page of the history. */
export const HISTORY_PAGE = 20;

function Refused(p: { m: Maybe<unknown> }) {
  return p.m.ok ? null : <Notice kind="error">{p.m.refused}</Notice>;
}

function History(p: { d: GetDeviceResponse; page: number; hrefFor: (page: number) => string }) {
  const total = Number(p.d.readingsTotal);
  const pages = Math.max(1, Math.ceil(total / HISTORY_PAGE));
  return (
    <>
      <p class="hint">
        {count(total)} readings, newest first{pages > 1 ? `; page ${count(p.page)} of ${count(pages)}` : ""}.
      </p>
      <div class="table-wrap">
        <table class="history">
          <thead>
            <tr>
              <th scope="col">Read at</th>
              <th scope="col">Address</th>
              <th scope="col" class="num">Total pages</th>
              <th scope="col">Status</th>
              <th scope="col" class="num">Problems</th>
              <th scope="col">Asked by</th>
            </tr>
          </thead>
          <tbody>
            {p.d.readings.map((r: ReadingSummary) => (
              <tr>
                <td>
                  <time datetime={isoOf(r.readAt)}>{utcMinute(r.readAt)}</time>
                </td>
                <td class="code">{r.address}</td>
                <td class="num">{count(r.totalPages)}</td>
                <td>{r.status || HEALTH_WORDS[r.health]}</td>
                <td class="num">{r.problems || ""}</td>
                <td>{r.taskId ? <span class="code">task {r.taskId}</span> : "schedule"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pages > 1 && (
        <nav class="pager" aria-label="Pages of the readings">
          {p.page > 1 ? <a href={p.hrefFor(p.page - 1)}>Newer</a> : <span aria-hidden="true">Newer</span>}
          <span>
            Page {count(p.page)} of {count(pages)}
          </span>
          {p.page < pages ? <a href={p.hrefFor(p.page + 1)}>Older</a> : <span aria-hidden="true">Older</span>}
        </nav>
      )}
    </>
  );
}

function OpenAlerts(p: { alerts: AlertInstance[] }) {
  if (p.alerts.length === 0) return <p>No open alert.</p>;
  return (
    <ul class="alerts">
      {p.alerts.map((a) => (
        <li>
          <strong>{a.ruleName || a.kind}</strong>: {a.summary} <span class="hint">since {utcMinute(a.openedAt)}</span>
        </li>
      ))}
    </ul>
  );
}

/** GET /devices/:id */
export async function getDevice(c: PortalCtx): Promise<PageResult> {
  const portal = c.get("portal");
  const id = c.req.param("id") ?? "";
  const period = periodOf(c.req.query("period"));
  const rpage = Math.max(1, Math.min(1_000_000, Math.floor(Number(c.req.query("rpage")) || 1)));
  const d = await portal.api.getDevice({ device: id, readingsPageSize: HISTORY_PAGE, readingsOffset: (rpage - 1) * HISTORY_PAGE });
  const row = d.device!;
  const newest = d.latestReadAt ? timestampMs(d.latestReadAt) : undefined;
  const seriesReq = newest === undefined ? undefined : seriesRequest(row.id, period, newest);
  const [series, alerts] = await Promise.all([
    seriesReq === undefined ? undefined : unlessRefused(portal.api.getMeterSeries(seriesReq)),
    unlessRefused(portal.api.listAlerts({ subject: row.id, state: "open", limit: 100 })),
  ]);
  const self = `/devices/${encodeURIComponent(row.id)}`;
  const href = (p: { period?: PeriodName; rpage?: number }) => {
    const q = new URLSearchParams();
    const per = p.period ?? period;
    if (per !== periodOf(undefined)) q.set("period", per);
    if ((p.rpage ?? rpage) > 1) q.set("rpage", String(p.rpage ?? rpage));
    const s = q.toString();
    return `${self}${s ? `?${s}` : ""}`;
  };
  const title = [row.vendor, row.model].filter(Boolean).join(" ") || "Device";
  const health = HEALTH_WORDS[row.health];
  return (
    <Layout portal={portal} title={`${title} ${row.serialNumber}`.trim()} path="/devices" charts>
      <p class="crumbs">
        <a href="/devices">Devices</a> / <a href={`/devices?site=${encodeURIComponent(row.siteId)}`}>{row.siteName}</a>
      </p>
      <h1>
        {title} <span class="code">{row.serialNumber}</span>
      </h1>
      <p class="lead">
        <span class={`badge ${health}`}>{health}</span> {row.status || "no status"} · at <span class="code">{row.address || "-"}</span> · last read{" "}
        {row.lastReadAt ? <time datetime={isoOf(row.lastReadAt)}>{utcMinute(row.lastReadAt)}</time> : "never"} · {count(row.totalPages)} pages
      </p>
      <DeviceActions portal={portal} device={row} />
      <div class="columns">
        <section class="card" aria-labelledby="status-h">
          <h2 id="status-h">Status and alerts</h2>
          <Status d={d} />
          <h3>Open alerts</h3>
          {alerts.ok ? <OpenAlerts alerts={alerts.value.alerts} /> : <Refused m={alerts} />}
        </section>
        <section class="card" aria-labelledby="supplies-h">
          <h2 id="supplies-h">Supplies</h2>
          <Supplies d={d} />
          <Trays d={d} />
        </section>
      </div>
      <section class="card" aria-labelledby="chart-h">
        <h2 id="chart-h">Pages per day</h2>
        {series === undefined ? (
          <p>Never read: no meters yet.</p>
        ) : series.ok ? (
          <MeterChart series={series.value} range={xRange(seriesReq!)} period={period} hrefFor={(p) => href({ period: p, rpage: 1 })} newest={utcMinute(d.latestReadAt)} />
        ) : (
          <Refused m={series} />
        )}
      </section>
      <section class="card" aria-labelledby="counters-h">
        <h2 id="counters-h">Counters</h2>
        <Counters d={d} />
      </section>
      <div class="columns">
        <section class="card" aria-labelledby="identity-h">
          <h2 id="identity-h">Identity</h2>
          <Identity d={d} />
        </section>
        <section class="card" aria-labelledby="addresses-h">
          <h2 id="addresses-h">Addresses</h2>
          <Addresses d={d} />
        </section>
      </div>
      <section class="card" aria-labelledby="flags-h">
        <h2 id="flags-h">Counter flags</h2>
        <Flags flags={d.flags} />
      </section>
      <section class="card" aria-labelledby="history-h" id="history">
        <h2 id="history-h">Readings</h2>
        <History d={d} page={rpage} hrefFor={(n) => `${href({ rpage: n })}#history`} />
      </section>
    </Layout>
  );
}
