/**
 * What the Device Web Access tests and bench measure: a page loaded in
 * Chromium (navigation timing: first byte and load event, in ms from the
 * navigation's start and as wall-clock times, so a bench can count from its
 * own "open"; bytes of every request of the page), and a download fetched
 * through a URL (seconds, bytes, SHA-256) the way a plain client would:
 * trusting a given CA, following redirects with the cookies they set, and
 * resolving names as Chromium does (mapped ones, and *.localhost to loopback).
 */
import { createHash } from "node:crypto";
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { assertLoopback } from "../sim/loopback.ts";
import type { ChromiumSession } from "./chromium.ts";

/** A page load as Chromium's navigation timing saw it. */
export interface PageLoadTiming {
  /** The document's final URL (after redirects) and status. */
  url: string;
  status: number | undefined;
  /** From the navigation's start (before any redirect) to the document's first byte, and to the end of the load event. */
  firstByteMs: number;
  loadMs: number;
  /** The same instants as Unix epoch milliseconds. */
  startEpochMs: number;
  firstByteEpochMs: number;
  loadEpochMs: number;
  /** Response heads and bodies of every request of the page, any frame, finished by the load event. */
  bytes: number;
  requests: number;
  failedRequests: string[];
}

/** Evaluated in the page (a string: this project's TypeScript has no DOM library); null until the load event has ended. */
const NAVIGATION_TIMING = `(() => {
  const n = performance.getEntriesByType("navigation")[0];
  return n && n.loadEventEnd > 0 ? { origin: performance.timeOrigin, start: n.startTime, firstByte: n.responseStart, load: n.loadEventEnd } : null;
})()`;

/** Loads `url` in a new page of `chrome` and reads its navigation timing; the page is closed afterwards. */
export async function timePageLoad(chrome: ChromiumSession, url: string, options: { ignoreCertificateErrors?: boolean } = {}): Promise<PageLoadTiming> {
  const visit = await chrome.newPage(options);
  const sizes: Promise<number>[] = [];
  visit.page.on("requestfinished", (r) => {
    sizes.push(r.sizes().then((s) => s.responseHeadersSize + s.responseBodySize, () => 0));
  });
  try {
    const response = await visit.page.goto(url, { waitUntil: "load" });
    // loadEventEnd is set once the load handlers have run, just after goto returns.
    const nav = (await (await visit.page.waitForFunction(NAVIGATION_TIMING)).jsonValue()) as { origin: number; start: number; firstByte: number; load: number };
    const bytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
    return {
      url: visit.page.url(),
      status: response?.status(),
      firstByteMs: nav.firstByte - nav.start,
      loadMs: nav.load - nav.start,
      startEpochMs: nav.origin + nav.start,
      firstByteEpochMs: nav.origin + nav.firstByte,
      loadEpochMs: nav.origin + nav.load,
      bytes,
      requests: sizes.length,
      failedRequests: visit.failedRequests,
    };
  } finally {
    await visit.page.close();
  }
}

/** A finished download. */
export interface DownloadTiming {
  /** From the first request to the last body byte, redirects included. */
  seconds: number;
  bytes: number;
  sha256: string;
  /** The URL that answered 200. */
  url: string;
}

/** Options for timeDownload. */
export interface DownloadOptions {
  /** CA certificates (PEM) to trust for HTTPS, instead of the system's. */
  ca?: string | string[];
  /** Host names to resolve to a loopback address; *.localhost resolves to 127.0.0.1 without one. */
  hostMap?: Record<string, string>;
  /** Bound on the whole download (default 120 s). */
  timeoutMs?: number;
  headers?: Record<string, string>;
}

const MAX_REDIRECTS = 5;

/** Resolves mapped names and *.localhost to loopback, like Chromium with --host-resolver-rules; others through DNS. */
export function loopbackLookup(hostMap: Record<string, string> = {}): LookupFunction {
  for (const address of Object.values(hostMap)) assertLoopback(address);
  return (hostname, options, callback) => {
    const mapped = hostMap[hostname] ?? (hostname === "localhost" || hostname.endsWith(".localhost") ? "127.0.0.1" : undefined);
    if (mapped === undefined) return dns.lookup(hostname, options, callback);
    const family = mapped.includes(":") ? 6 : 4;
    if (options.all) return (callback as (e: null, a: dns.LookupAddress[]) => void)(null, [{ address: mapped, family }]);
    callback(null, mapped, family);
  };
}

/**
 * GETs `url` to the end and times it; follows up to 5 redirects, sending back
 * the cookies they set (a session URL that trades its secret for a cookie).
 * Rejects on any final status but 200, a TLS error or the time bound.
 */
export async function timeDownload(url: string, options: DownloadOptions = {}): Promise<DownloadTiming> {
  const lookup = loopbackLookup(options.hostMap);
  const cookies = new Map<string, string>();
  const timeoutMs = options.timeoutMs ?? 120_000;
  const started = performance.now();
  const get = (target: URL, left: number): Promise<DownloadTiming> =>
    new Promise((resolve, reject) => {
      const client = target.protocol === "https:" ? https : http;
      const cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
      const headers = { ...options.headers, ...(cookie ? { Cookie: cookie } : {}) };
      const request = client.get(target, { lookup, ca: options.ca, headers, agent: false }, (response) => {
        for (const line of response.headers["set-cookie"] ?? []) {
          const [pair] = line.split(";");
          const eq = pair.indexOf("=");
          if (eq > 0) cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
        }
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400 && response.headers.location) {
          response.resume();
          if (left === 0) return reject(new Error(`${url}: more than ${MAX_REDIRECTS} redirects`));
          return resolve(get(new URL(response.headers.location, target), left - 1));
        }
        if (status !== 200) {
          response.resume();
          return reject(new Error(`${target.href}: HTTP ${status}`));
        }
        const hash = createHash("sha256");
        let bytes = 0;
        response.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
          hash.update(chunk);
        });
        response.on("end", () => resolve({ seconds: (performance.now() - started) / 1000, bytes, sha256: hash.digest("hex"), url: target.href }));
        response.on("error", reject);
      });
      request.setTimeout(timeoutMs, () => request.destroy(new Error(`${target.href}: no progress for ${timeoutMs} ms`)));
      request.on("error", reject);
    });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${url}: download took more than ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([get(new URL(url), MAX_REDIRECTS), bound]).finally(() => clearTimeout(timer));
}
