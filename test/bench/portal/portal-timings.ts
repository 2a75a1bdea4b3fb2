/**
 * How the portal bench measures pages as a person gets them: curl with the
 * browser's session cookie (a new HTTP/2 + TLS connection per request, as a
 * first visit: time to first byte and to the last byte), Chromium's
 * navigation timing (navigation start to the load event, assets and the
 * chart's script included), an htmx swap timed from the click to the new
 * table, and the hub's RSS sampled while it serves.
 */
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { runCommand } from "../../support/service-peers.ts";

/** One curl request. */
export interface CurlTiming {
  status: number;
  /** From the start (DNS, TCP, TLS included) to the first byte of the answer, and to its end, ms. */
  firstByteMs: number;
  totalMs: number;
  bytes: number;
}

/** GETs `url` with the session cookie and times it. */
export async function curlPage(url: string, caPath: string, cookie: string): Promise<CurlTiming> {
  const r = await runCommand(["curl", "-sS", "-o", "/dev/null", "--http2", "--cacert", caPath, "-H", `Cookie: ${cookie}`, "-w", "%{http_code} %{time_starttransfer} %{time_total} %{size_download}", url]);
  if (r.exitCode !== 0) throw new Error(`curl ${url}: ${r.stderr}`);
  const [status, first, total, bytes] = r.stdout.trim().split(" ").map(Number);
  return { status: status!, firstByteMs: first! * 1000, totalMs: total! * 1000, bytes: bytes! };
}

/** The peer: the same view as JSON from AdminService through the same door (Connect, the session as bearer). */
export async function curlApi(hubUrl: string, caPath: string, session: string, method: string, body: string): Promise<CurlTiming> {
  const r = await runCommand([
    "curl", "-sS", "-o", "/dev/null", "--http2", "--cacert", caPath, "-H", `Authorization: Bearer ${session}`, "-H", "Content-Type: application/json", "-d", body,
    "-w", "%{http_code} %{time_starttransfer} %{time_total} %{size_download}", `${hubUrl}/dca.v1.AdminService/${method}`,
  ]);
  if (r.exitCode !== 0) throw new Error(`curl ${method}: ${r.stderr}`);
  const [status, first, total, bytes] = r.stdout.trim().split(" ").map(Number);
  return { status: status!, firstByteMs: first! * 1000, totalMs: total! * 1000, bytes: bytes! };
}

/** The median of some numbers. */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A millisecond figure as the README writes it. */
export const ms = (x: number): string => (x < 10 ? x.toFixed(1) : String(Math.round(x)));

/** The first run and the median of the next `repeat` of `run`. */
export async function firstAndMedian<T>(repeat: number, run: () => Promise<T>, value: (t: T) => number): Promise<{ first: T; median: number; runs: T[] }> {
  const first = await run();
  const runs: T[] = [];
  for (let i = 0; i < repeat; i++) runs.push(await run());
  return { first, median: median(runs.map(value)), runs };
}

/** The hub's memory while it serves: the largest RSS seen and the kernel's peak, in MB. */
export interface RssSampler {
  /** The largest VmRSS sampled so far and the current one, MB. */
  readonly maxMb: number;
  nowMb(): number;
  /** VmHWM: the process's peak RSS, MB. */
  peakMb(): number;
  stop(): void;
}

/** Samples /proc/PID/status every `everyMs`. */
export function sampleRss(pid: number, everyMs = 100): RssSampler {
  const kb = (key: string) => {
    try {
      return Number(new RegExp(`${key}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      return 0;
    }
  };
  let max = kb("VmRSS");
  const timer = setInterval(() => {
    max = Math.max(max, kb("VmRSS"));
  }, everyMs);
  return {
    get maxMb() {
      return Math.round(Math.max(max, kb("VmRSS")) / 1024);
    },
    nowMb: () => Math.round(kb("VmRSS") / 1024),
    peakMb: () => Math.round(kb("VmHWM") / 1024),
    stop: () => clearInterval(timer),
  };
}

/**
 * Clicks a column header of the devices table and waits until htmx has
 * swapped in the table sorted by it: ms from the click to the swap (one
 * fetch of the results and the swap, no page load).
 */
export async function timeSortSwap(page: Page, column: string, expectSort: "ascending" | "descending"): Promise<number> {
  const started = performance.now();
  await page.click(`table.devices th a:has-text('${column}')`);
  await page.waitForSelector(`table.devices th[aria-sort='${expectSort}'] >> text=${column}`);
  return performance.now() - started;
}

/** Signs in through the portal's form as a browser would (pre-session cookie and CSRF token); the session cookie ("name=value"). */
export async function signInCookie(url: string, ca: string, username: string, password: string): Promise<string> {
  const first = await fetch(`${url}/login`, { tls: { ca } });
  const pre = first.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const token = /name="_csrf" value="([^"]+)"/.exec(await first.text())?.[1];
  if (!token) throw new Error("the sign-in page has no CSRF token");
  const r = await fetch(`${url}/login`, {
    method: "POST",
    redirect: "manual",
    tls: { ca },
    headers: { cookie: pre, origin: url, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: token, username, password, next: "/" }),
  });
  const session = r.headers.getSetCookie().find((c) => c.startsWith("__Host-dca_session="));
  if (r.status !== 303 || !session) throw new Error(`signing in as ${username} answered ${r.status}`);
  return session.split(";")[0]!;
}
