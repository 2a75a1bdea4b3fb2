/** @jsxImportSource hono/jsx */
/**
 * The device page's chart of daily pages (GetMeterSeries): for each day
 * with a reading, the pages since the previous day with one (the total
 * meter's difference; a meter that went backwards, a reset, is a gap, not
 * negative pages) and the total meter itself on a second axis. The period
 * (30 d, 90 d, 1 y) ends at the device's newest reading, so a device that
 * went quiet still shows its last readings. uPlot draws it from the JSON in
 * `<script type="application/json">` (portal.js; never run as script); the
 * same numbers are in a table below it for screen readers and without JS.
 */
import { create } from "@bufbuild/protobuf";
import { raw } from "hono/html";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { type GetMeterSeriesRequest, type GetMeterSeriesResponse, GetMeterSeriesRequestSchema } from "../../../gen/dca/v1/admin_portal_pb.ts";
import { count } from "./fleet-format.ts";

const DAY_MS = 86_400_000;

/** The periods offered, by their name in the URL (`?period=`). */
export const PERIODS = { "30d": { days: 30, label: "30 days" }, "90d": { days: 90, label: "90 days" }, "1y": { days: 365, label: "1 year" } } as const;
/** A period's name in the URL. */
export type PeriodName = keyof typeof PERIODS;
/** The period shown when the URL names none. */
export const DEFAULT_PERIOD: PeriodName = "90d";

/** The period a query value names (the default otherwise). */
export const periodOf = (v: string | undefined): PeriodName => (v && v in PERIODS ? (v as PeriodName) : DEFAULT_PERIOD);

/** The series request for `period` ending just after the newest reading (ms). */
export function seriesRequest(device: string, period: PeriodName, newestMs: number): GetMeterSeriesRequest {
  const until = newestMs + 1;
  return create(GetMeterSeriesRequestSchema, { device, since: timestampFromMs(until - PERIODS[period].days * DAY_MS), until: timestampFromMs(until) });
}

/** What the chart draws: uPlot's options and its columns (x in Unix seconds, then pages per day and the total). */
export interface ChartSpec {
  opts: Record<string, unknown>;
  data: [number[], (number | null)[], (number | null)[]];
}

/** The chart's columns from a series: one x per day with a reading. */
export function dailyPages(series: GetMeterSeriesResponse): ChartSpec["data"] {
  const x: number[] = [];
  const pages: (number | null)[] = [];
  const totals: (number | null)[] = [];
  let previous: number | undefined;
  for (const p of series.points) {
    x.push(Date.parse(`${p.day}T00:00:00Z`) / 1000);
    const total = p.totalPages === undefined ? undefined : Number(p.totalPages);
    totals.push(total ?? null);
    pages.push(total !== undefined && previous !== undefined && total >= previous ? total - previous : null);
    if (total !== undefined) previous = total;
  }
  return [x, pages, totals];
}

/** The days a series request covers, as the chart's x range in Unix seconds (from the first day's start). */
export function xRange(req: GetMeterSeriesRequest): [number, number] {
  const since = Number(req.since?.seconds ?? 0n);
  return [since - (since % 86_400), Number(req.until?.seconds ?? 0n)];
}

/** The chart's options and data (plain JSON: no functions, the CSP runs no eval); x spans the whole period, however few days have readings. */
export function chartSpec(series: GetMeterSeriesResponse, range: [number, number]): ChartSpec {
  return {
    opts: {
      scales: { x: { time: true, range }, pages: { auto: true }, total: { auto: true } },
      series: [
        { label: "Day" },
        { label: "Pages since the day before", scale: "pages", stroke: "#1d4f91", width: 2, points: { show: true } },
        { label: "Total meter", scale: "total", stroke: "#a4161a", width: 1, dash: [6, 4] },
      ],
      axes: [{}, { scale: "pages", label: "pages per day", size: 70 }, { scale: "total", side: 1, label: "total meter", size: 90, grid: { show: false } }],
      legend: { live: true },
    },
    data: dailyPages(series),
  };
}

/** JSON for a `<script type="application/json">`: "<" escaped so no text can end the element. */
export function scriptJson(value: unknown): ReturnType<typeof raw> {
  return raw(JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029"));
}

/** The chart with its period links, and the same numbers as a table. */
export function MeterChart(p: { series: GetMeterSeriesResponse; range: [number, number]; period: PeriodName; hrefFor: (period: PeriodName) => string; newest: string }) {
  const spec = chartSpec(p.series, p.range);
  const [x, pages, totals] = spec.data;
  return (
    <>
      <nav class="periods" aria-label="Chart period">
        {(Object.keys(PERIODS) as PeriodName[]).map((name) => (
          <a href={p.hrefFor(name)} aria-current={name === p.period ? "true" : undefined}>
            {PERIODS[name].label}
          </a>
        ))}
      </nav>
      <p class="hint">
        The {PERIODS[p.period].label} up to its newest reading ({p.newest}): {count(x.length)} {x.length === 1 ? "day" : "days"} with a reading.
      </p>
      {x.length === 0 ? (
        <p>No readings in this period.</p>
      ) : (
        <>
          <div class="chart" data-chart role="img" aria-label={`Pages per day over ${PERIODS[p.period].label}; the numbers are in the table below`}>
            <script type="application/json">{scriptJson(spec)}</script>
          </div>
          <details>
            <summary>The chart's numbers</summary>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Day</th>
                    <th scope="col" class="num">Pages since the day before</th>
                    <th scope="col" class="num">Total meter</th>
                  </tr>
                </thead>
                <tbody>
                  {x.map((t, i) => (
                    <tr>
                      <td>{new Date(t * 1000).toISOString().slice(0, 10)}</td>
                      <td class="num">{pages[i] === null ? "-" : count(pages[i]!)}</td>
                      <td class="num">{totals[i] === null ? "-" : count(totals[i]!)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </>
  );
}
