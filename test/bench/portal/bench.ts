/**
 * The portal's devices pages on a big fleet, measured as a person gets
 * them from the shipped hub: `dca-hub serve` (build/out/dca-hub from `npm
 * run build` unless --hub source) on a folder made by
 * test/bench/fleet/generate.ts (10,000 devices, a year of daily readings),
 * signed in through the portal's form. curl: time to first byte and to
 * the end of each page on a new connection; Chromium: navigation start to
 * the load event (the devices table, sorted, filtered, a device with its
 * chart), and an htmx sort swap; the hub's RSS while serving. Not a test
 * (minutes); bench.test.ts runs it on 200 devices.
 *
 *   bun test/bench/portal/bench.ts --data DIR [--repeat 5] [--hub build/out/dca-hub|source]
 *   bun test/bench/portal/bench.ts --generate 10000 [--days 365] [--sites 20]   # a fresh folder in /tmp
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chromiumUnavailable, launchChromium } from "../../support/chromium.ts";
import { timePageLoad } from "../../support/page-timing.ts";
import { TEST_OWNER, hubCommand, ownerPasswordFile, runCommand, startHubProcess } from "../../support/service-peers.ts";
import { repoRoot } from "../../support/shared-dir.ts";
import { curlApi, curlPage, firstAndMedian, ms, sampleRss, signInCookie, timeSortSwap } from "./portal-timings.ts";

/** What to measure, and on what. */
export interface PortalBenchOptions {
  /** A hub data folder with a fleet in it (generate.ts), or `generate` to make one. */
  data?: string;
  generate?: { devices: number; days: number; sites: number };
  repeat: number;
  /** The hub executable and its arguments before "serve". */
  hub: string[];
  log?: (line: string) => void;
}

/** The figures, and the report's Markdown lines. */
export interface PortalBenchResult {
  devices: number;
  curl: { label: string; path: string; status: number; firstByteMs: number; medianFirstByteMs: number; medianTotalMs: number; bytes: number }[];
  /** The peer: ListDevices page 1 (50 rows, default order) as JSON through the API door, median whole call. */
  api: { medianTotalMs: number; bytes: number };
  chromium: { label: string; path: string; firstLoadMs: number; medianLoadMs: number; medianFirstByteMs: number; bytes: number }[];
  swapMs: number[];
  rss: { maxMb: number; peakMb: number; endMb: number };
  markdown: string[];
}

/** Runs the bench; the hub is stopped at the end. */
export async function runPortalBench(o: PortalBenchOptions): Promise<PortalBenchResult> {
  const log = o.log ?? (() => {});
  let data = o.data;
  if (!data) {
    const g = o.generate ?? { devices: 200, days: 30, sites: 4 };
    data = join(mkdtempSync(join(tmpdir(), "dca-portal-bench-")), "hub");
    log(`generating ${g.devices} devices x ${g.days} days in ${data}`);
    const made = await runCommand([process.execPath, join(repoRoot, "test/bench/fleet/generate.ts"), "--data", data, "--devices", String(g.devices), "--days", String(g.days), "--sites", String(g.sites)], {}, 1_800_000);
    if (made.exitCode !== 0) throw new Error(`generate.ts failed: ${made.stderr}`);
  }
  const hub = await startHubProcess(data, 0, [], o.hub);
  const rss = sampleRss(hub.proc.pid!);
  const chromeMissing = chromiumUnavailable();
  try {
    const ca = readFileSync(hub.caPath, "utf8");
    const password = readFileSync(ownerPasswordFile(data), "utf8").trim();
    const cookie = await signInCookie(hub.url, ca, TEST_OWNER, password);
    const firstPage = await (await fetch(`${hub.url}/devices`, { tls: { ca }, headers: { cookie } })).text();
    const deviceId = /href="\/devices\/(dev_[A-Za-z0-9]+)"/.exec(firstPage)?.[1];
    const devices = Number(/ of ([\d,]+)\./.exec(firstPage)?.[1]?.replace(/,/g, "") ?? 0);
    if (!deviceId) throw new Error("the devices page lists no device");
    const pages: [string, string][] = [
      ["Fleet overview (the hub's first overview: every newest reading's supplies)", "/"],
      ["Devices, page 1 (50 rows), default order", "/devices"],
      ["Devices sorted by total pages, descending", "/devices?sort=pages&dir=desc"],
      ["Devices filtered: vendor HP, supply at or below 10 %, by lowest supply", "/devices?vendor=HP&below=10&sort=supply"],
      ["Devices searched: \"10.3.\"", "/devices?q=10.3."],
      ["Devices page 100, sorted by serial", "/devices?sort=serial&page=100"],
      ["A device (90 days of chart, 20 readings)", `/devices/${deviceId}`],
      ["A device, 1 year of chart", `/devices/${deviceId}?period=1y`],
      ["CSV of every device (/devices.csv)", "/devices.csv"],
    ];
    const out: PortalBenchResult = { devices, curl: [], api: { medianTotalMs: 0, bytes: 0 }, chromium: [], swapMs: [], rss: { maxMb: 0, peakMb: 0, endMb: 0 }, markdown: [] };
    for (const [label, path] of pages) {
      const r = await firstAndMedian(o.repeat, () => curlPage(`${hub.url}${path}`, hub.caPath, cookie), (t) => t.firstByteMs);
      if (r.first.status !== 200) throw new Error(`GET ${path} answered ${r.first.status}`);
      const medianTotal = [...r.runs.map((t) => t.totalMs)].sort((a, b) => a - b)[Math.floor(r.runs.length / 2)] ?? r.first.totalMs;
      out.curl.push({ label, path, status: r.first.status, firstByteMs: r.first.firstByteMs, medianFirstByteMs: r.runs.length ? r.median : r.first.firstByteMs, medianTotalMs: medianTotal, bytes: r.first.bytes });
      log(`curl ${path}: first byte ${ms(r.first.firstByteMs)} ms, median ${ms(r.median)} ms`);
    }
    const session = cookie.slice(cookie.indexOf("=") + 1);
    const api = await firstAndMedian(o.repeat, () => curlApi(hub.url, hub.caPath, session, "ListDevices", '{"pageSize": 50}'), (t) => t.totalMs);
    if (api.first.status !== 200) throw new Error(`ListDevices answered ${api.first.status}`);
    out.api = { medianTotalMs: api.runs.length ? api.median : api.first.totalMs, bytes: api.first.bytes };
    if (chromeMissing) log(`Chromium skipped: ${chromeMissing}`);
    else {
      const chrome = await launchChromium({ trustCertificates: [ca], timeoutMs: 60_000 });
      try {
        const [name, value] = cookie.split("=") as [string, string];
        await chrome.context.addCookies([{ name, value, url: `${hub.url}/`, secure: true, httpOnly: true, sameSite: "Strict" }]);
        for (const [label, path] of pages.slice(0, 8)) {
          const r = await firstAndMedian(o.repeat, () => timePageLoad(chrome, `${hub.url}${path}`), (t) => t.loadMs);
          if (r.first.status !== 200 || r.first.failedRequests.length) throw new Error(`Chromium ${path}: ${r.first.status} ${r.first.failedRequests.join(", ")}`);
          const fb = [...r.runs.map((t) => t.firstByteMs)].sort((a, b) => a - b)[Math.floor(r.runs.length / 2)] ?? r.first.firstByteMs;
          out.chromium.push({ label, path, firstLoadMs: r.first.loadMs, medianLoadMs: r.runs.length ? r.median : r.first.loadMs, medianFirstByteMs: fb, bytes: r.first.bytes });
          log(`chromium ${path}: load ${ms(r.first.loadMs)} ms, median ${ms(r.median)} ms`);
        }
        const visit = await chrome.open(`${hub.url}/devices`);
        for (let i = 0; i < Math.max(2, o.repeat); i++) out.swapMs.push(await timeSortSwap(visit.page, "Total pages", i % 2 === 0 ? "descending" : "ascending"));
        await visit.page.close();
      } finally {
        await chrome.close();
      }
    }
    out.rss = { maxMb: rss.maxMb, peakMb: rss.peakMb(), endMb: rss.nowMb() };
    out.markdown = report(out, o);
    return out;
  } finally {
    rss.stop();
    await hub.stop();
  }
}

function report(r: PortalBenchResult, o: PortalBenchOptions): string[] {
  const lines = [
    `${r.devices.toLocaleString("en-US")} devices; ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)}; hub: ${o.hub.join(" ")}; first run and median of ${o.repeat} more.`,
    "",
    "| page (curl, new HTTP/2 + TLS connection each) | first byte, first ms | first byte, median ms | whole page, median ms | bytes |",
    "|---|---|---|---|---|",
    ...r.curl.map((c) => `| ${c.label} | ${ms(c.firstByteMs)} | ${ms(c.medianFirstByteMs)} | ${ms(c.medianTotalMs)} | ${c.bytes.toLocaleString("en-US")} |`),
    `| peer: ListDevices page 1 (50 rows) as JSON through the API door, same session | - | - | ${ms(r.api.medianTotalMs)} | ${r.api.bytes.toLocaleString("en-US")} |`,
  ];
  if (r.chromium.length) {
    lines.push(
      "",
      "| page (Chromium, navigation start to load event) | first ms | median ms | median first byte ms | bytes (all requests, first load) |",
      "|---|---|---|---|---|",
      ...r.chromium.map((c) => `| ${c.label} | ${ms(c.firstLoadMs)} | ${ms(c.medianLoadMs)} | ${ms(c.medianFirstByteMs)} | ${c.bytes.toLocaleString("en-US")} |`),
      "",
      `htmx: a click on "Total pages" to the sorted table swapped in: ${r.swapMs.map(ms).join(", ")} ms`,
    );
  }
  lines.push("", `hub RSS while serving: at most ${r.rss.maxMb} MB sampled every 100 ms (kernel peak ${r.rss.peakMb} MB; ${r.rss.endMb} MB at the end)`);
  return lines;
}

if (import.meta.main) {
  const { values: v } = parseArgs({
    options: {
      data: { type: "string" },
      generate: { type: "string" },
      days: { type: "string", default: "365" },
      sites: { type: "string", default: "20" },
      repeat: { type: "string", default: "5" },
      hub: { type: "string" },
    },
    strict: true,
  });
  const built = join(repoRoot, "build/out/dca-hub");
  const hub = v.hub === "source" ? hubCommand() : [v.hub ?? built];
  if (v.hub !== "source" && !existsSync(hub[0]!)) throw new Error(`${hub[0]} does not exist: npm run build first, or --hub source`);
  if (!v.data && !v.generate) throw new Error("give --data DIR (a folder from test/bench/fleet/generate.ts) or --generate N");
  const result = await runPortalBench({
    data: v.data,
    generate: v.generate ? { devices: Number(v.generate), days: Number(v.days), sites: Number(v.sites) } : undefined,
    repeat: Number(v.repeat),
    hub,
    log: (line) => console.error(line),
  });
  for (const line of result.markdown) console.log(line);
}
