/** @jsxImportSource hono/jsx */
/**
 * The devices table's results: the count, the CSV link, the table with
 * sortable column headers (links, with aria-sort on the sorted one), and
 * the pager. It is what htmx swaps when a filter, a sort or a page
 * changes (`#device-results`); every link is a plain link too, so the table
 * works without JavaScript, and htmx pushes each view's URL to the history.
 */
import type { Device, ListDevicesResponse } from "../../../gen/dca/v1/admin_fleet_pb.ts";
import { type DevicesView, type SortKey, devicesCsvUrl, devicesUrl, filtered } from "./devices-query.ts";
import { HEALTH_WORDS, count, isoOf, percentText, utcMinute } from "./fleet-format.ts";

/** The id htmx swaps. */
export const RESULTS_ID = "device-results";
/** The filters form's id: the results hold its sort fields (form="..."), so a filter keeps the sort shown. */
export const FILTERS_ID = "device-filters";

/** The attributes that make a link swap the results with htmx and push its URL. */
export const swapLink = (href: string) => ({ href, "hx-get": href, "hx-target": `#${RESULTS_ID}`, "hx-swap": "outerHTML", "hx-push-url": "true" });

interface Column {
  key: SortKey;
  label: string;
  /** Numbers read best largest first on their first click. */
  numeric?: boolean;
}

const COLUMNS: Column[] = [
  { key: "site", label: "Site" },
  { key: "address", label: "Address" },
  { key: "vendor", label: "Vendor" },
  { key: "model", label: "Model" },
  { key: "serial", label: "Serial" },
  { key: "status", label: "Status" },
  { key: "supply", label: "Lowest supply" },
  { key: "pages", label: "Total pages", numeric: true },
  { key: "last-read", label: "Last read", numeric: true },
  { key: "flags", label: "Flags", numeric: true },
];

function SortHeader(p: { view: DevicesView; col: Column }) {
  const { view, col } = p;
  const sorted = view.sort === col.key;
  // A click on the sorted column turns its order; on another, numbers start largest first.
  const descending = sorted ? !view.descending : !!col.numeric;
  const href = devicesUrl(view, { sort: col.key, descending, page: 1 });
  const state = sorted ? (view.descending ? "descending" : "ascending") : undefined;
  return (
    <th scope="col" aria-sort={state} class={col.numeric ? "num" : undefined}>
      {/* An id: htmx gives the focus back to the new link of the same id after the swap (keyboard users keep their place). */}
      <a id={`sort-${col.key}`} {...swapLink(href)}>
        {col.label}
        {state && <span aria-hidden="true">{state === "ascending" ? " ▲" : " ▼"}</span>}
        <span class="sr-only">{sorted ? `, sorted ${state}; sort ${descending ? "descending" : "ascending"}` : `, sort ${descending ? "descending" : "ascending"}`}</span>
      </a>
    </th>
  );
}

/** The lowest supply as the listing knows it (a percent, or nothing reported). */
const lowest = (d: Device) => (d.lowestSupply ? `${d.lowestSupply.description}: ${percentText(d.lowestSupply.percent)}` : "-");

function Row(p: { d: Device }) {
  const d = p.d;
  const health = HEALTH_WORDS[d.health];
  return (
    <tr>
      <td>{d.siteName}</td>
      <td>
        <a href={`/devices/${encodeURIComponent(d.id)}`}>{d.address || d.id}</a>
      </td>
      <td>{d.vendor || "-"}</td>
      <td>{d.model || "-"}</td>
      <td class="code">{d.serialNumber || "-"}</td>
      <td>
        <span class={`badge ${health}`}>{health}</span> {d.status && <span class="hint">{d.status}</span>}
      </td>
      <td class={d.lowestSupply && d.lowestSupply.percent <= 10 ? "low" : undefined}>{lowest(d)}</td>
      <td class="num">{count(d.totalPages)}</td>
      <td class="num">{d.lastReadAt ? <time datetime={isoOf(d.lastReadAt)}>{utcMinute(d.lastReadAt)}</time> : "never"}</td>
      <td class="num">{d.flags ? count(d.flags) : ""}</td>
    </tr>
  );
}

function Pager(p: { view: DevicesView; total: number }) {
  const { view, total } = p;
  const pages = Math.max(1, Math.ceil(total / view.size));
  if (pages === 1) return null;
  return (
    <nav class="pager" aria-label="Pages of the table">
      {view.page > 1 ? <a id="pager-prev" rel="prev" {...swapLink(devicesUrl(view, { page: Math.min(view.page - 1, pages) }))}>Previous</a> : <span aria-hidden="true">Previous</span>}
      <span>
        Page {count(Math.min(view.page, pages))} of {count(pages)}
      </span>
      {view.page < pages ? <a id="pager-next" rel="next" {...swapLink(devicesUrl(view, { page: view.page + 1 }))}>Next</a> : <span aria-hidden="true">Next</span>}
    </nav>
  );
}

/** The results of one view: count, CSV link, table, pager. */
export function DevicesResults(p: { view: DevicesView; list: ListDevicesResponse }) {
  const { view, list } = p;
  const first = (view.page - 1) * view.size + 1;
  const last = first + list.devices.length - 1;
  return (
    <div id={RESULTS_ID} class="results">
      {view.sort !== "site" && <input type="hidden" name="sort" value={view.sort} form={FILTERS_ID} />}
      {view.descending && <input type="hidden" name="dir" value="desc" form={FILTERS_ID} />}
      <p class="result-count" role="status">
        {list.total === 0
          ? filtered(view)
            ? "No device matches these filters."
            : "No devices yet: they appear once an agent has read them."
          : list.devices.length === 0
            ? `${count(list.total)} devices match; this page is past the end.`
            : `Devices ${count(first)}-${count(last)} of ${count(list.total)}${filtered(view) ? " matching" : ""}.`}{" "}
        {list.total > 0 && <a href={devicesCsvUrl(view)} download>Download these {count(list.total)} as CSV</a>}
      </p>
      <div class="table-wrap">
        <table class="devices">
          <caption class="sr-only">Devices{filtered(view) ? ", filtered" : ""}</caption>
          <thead>
            <tr>
              {COLUMNS.map((col) => (
                <SortHeader view={view} col={col} />
              ))}
            </tr>
          </thead>
          <tbody>
            {list.devices.map((d) => (
              <Row d={d} />
            ))}
          </tbody>
        </table>
      </div>
      <Pager view={view} total={list.total} />
    </div>
  );
}
