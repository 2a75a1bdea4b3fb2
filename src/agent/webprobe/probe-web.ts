/**
 * The web probe a technician asks for: GET / on each port of one printer
 * (in parallel), with what the page, headers and certificate say; then, on
 * an HP device or when asked, the LEDM consumables and usage pages, which
 * also become a DeviceReading for the outbox. A port that fails is a
 * recorded error; only a request we refuse (bad or too many ports) throws.
 */
import { create } from "@bufbuild/protobuf";
import {
  type LedmConsumable,
  type LedmResult,
  LedmResultSchema,
  type WebPortResult,
  WebPortResultSchema,
  type WebProbeResult,
  WebProbeResultSchema,
} from "../../gen/dca/v1/agent_service_pb.ts";
import type { Counter, DeviceReading } from "../../gen/dca/v1/reading_pb.ts";
import { decodeBody, extractTitle, safeText } from "./html-title.ts";
import { type HttpGetOptions, hostPort, httpGet } from "./http-get.ts";
import { LEDM_PATHS, type LedmProductInfo, looksLikeHp, parseConsumables, parseProductConfig, parseUsage } from "./ledm.ts";
import { ledmReading } from "./ledm-reading.ts";
import { WebProbeError } from "./web-probe-error.ts";
import { DEFAULT_WEB_PORTS, MAX_WEB_PORTS, TLS_WEB_PORTS as TLS_PORTS } from "../../common/task-limits.ts";

// Ports tried when none are given, those always spoken to with TLS, and the most one probe may ask for.
export { DEFAULT_WEB_PORTS, MAX_WEB_PORTS, TLS_WEB_PORTS as TLS_PORTS } from "../../common/task-limits.ts";
/** Default bound on each body read. */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;
/** Default time per port (and per LEDM page). */
export const DEFAULT_WEB_TIMEOUT_MS = 5000;

/** What to probe; every field may be left out. */
export interface ProbeWebOptions {
  ports?: readonly number[];
  tlsPorts?: readonly number[];
  ledm?: boolean;
  timeoutMs?: number;
  maxBodyBytes?: number;
}

/** The probe's result, and a reading when LEDM answered. */
export interface ProbeWebOutcome {
  result: WebProbeResult;
  reading?: DeviceReading;
}

function checkPort(p: number, field: string): number {
  if (!Number.isInteger(p) || p < 1 || p > 65535) throw new WebProbeError("invalid-argument", `${field}: a port must be 1-65535, got ${p}`);
  return p;
}

/** GET / on one port, as a WebPortResult. */
async function probePort(address: string, port: number, options: HttpGetOptions): Promise<WebPortResult> {
  const got = await httpGet(address, port, "/", options);
  const out = create(WebPortResultSchema, {
    port,
    scheme: options.tls ? "https" : "http",
    elapsedMs: got.elapsedMs,
    certificate: got.certificate,
  });
  const r = got.response;
  if (!r) {
    out.error = got.error?.message ?? "no answer";
    return out;
  }
  out.statusCode = r.status;
  out.server = safeText(r.headers.server ?? "", 256);
  if (r.status >= 300 && r.status < 400) out.location = safeText(r.headers.location ?? "", 1024);
  out.title = extractTitle(decodeBody(r.body, r.headers["content-type"]));
  if (r.truncated) out.error = `body cut at ${options.maxBodyBytes} bytes (the rest was not read)`;
  return out;
}

/** The three LEDM pages from one port; undefined when none of them answered with the right document. */
async function readLedm(address: string, port: WebPortResult, options: HttpGetOptions) {
  const opts = { ...options, tls: port.scheme === "https" };
  const base = `${port.scheme}://${hostPort(address, port.port)}`;
  const errors: string[] = [];
  let answered = false;
  const page = async <T>(path: string, parse: (xml: string) => T): Promise<T | undefined> => {
    const got = await httpGet(address, port.port, path, opts);
    const r = got.response;
    if (!r) {
      errors.push(got.error?.message ?? `${base}${path}: no answer`);
      return undefined;
    }
    if (r.status !== 200) {
      errors.push(`${base}${path}: HTTP ${r.status}`);
      return undefined;
    }
    if (r.truncated) {
      errors.push(`${base}${path}: larger than ${opts.maxBodyBytes} bytes; not parsed`);
      return undefined;
    }
    try {
      const value = parse(decodeBody(r.body, r.headers["content-type"]));
      answered = true;
      return value;
    } catch (e) {
      errors.push(`${base}${path}: ${safeText(e instanceof Error ? e.message : String(e), 300)}`);
      return undefined;
    }
  };
  const product = await page<LedmProductInfo>(LEDM_PATHS.productConfig, parseProductConfig);
  const consumables = await page<LedmConsumable[]>(LEDM_PATHS.consumables, parseConsumables);
  const counters = await page<Counter[]>(LEDM_PATHS.usage, parseUsage);
  return { answered, product, consumables: consumables ?? [], counters: counters ?? [], errors };
}

/**
 * Probes `address`' web server on each port in parallel; then LEDM when
 * `ledm` is set or a port looks like an HP device, on the first port that
 * answered HTTP (https first), falling back to the next.
 */
export async function probeWeb(address: string, opts: ProbeWebOptions = {}): Promise<ProbeWebOutcome> {
  const requested = opts.ports && opts.ports.length > 0 ? opts.ports : DEFAULT_WEB_PORTS;
  const ports = [...new Set(requested.map((p) => checkPort(p, "ports")))];
  if (ports.length > MAX_WEB_PORTS) throw new WebProbeError("invalid-argument", `at most ${MAX_WEB_PORTS} ports per probe, got ${ports.length}`);
  const tlsPorts = new Set([...TLS_PORTS, ...(opts.tlsPorts ?? []).map((p) => checkPort(p, "tlsPorts"))]);
  const timeoutMs = opts.timeoutMs && opts.timeoutMs > 0 ? Math.min(opts.timeoutMs, 60_000) : DEFAULT_WEB_TIMEOUT_MS;
  const maxBodyBytes = opts.maxBodyBytes && opts.maxBodyBytes > 0 ? Math.min(opts.maxBodyBytes, 16 * 1024 * 1024) : DEFAULT_MAX_BODY_BYTES;
  const base = { timeoutMs, maxBodyBytes };

  const started = performance.now();
  const results = await Promise.all(ports.map((port) => probePort(address, port, { ...base, tls: tlsPorts.has(port) })));
  const result = create(WebProbeResultSchema, { address, ports: results });

  const hp = results.some((r) => looksLikeHp(r.server, r.title));
  if (!opts.ledm && !hp) return { result };

  const candidates = results
    .filter((r) => r.statusCode > 0)
    .sort((a, b) => Number(b.scheme === "https") - Number(a.scheme === "https"));
  const ledm: LedmResult = create(LedmResultSchema, { found: false });
  result.ledm = ledm;
  if (candidates.length === 0) {
    ledm.error = "no port answered HTTP; LEDM not tried";
    return { result };
  }
  const errors: string[] = [];
  for (const port of candidates) {
    const got = await readLedm(address, port, { ...base, tls: port.scheme === "https" });
    errors.push(...got.errors);
    if (!got.answered) continue;
    ledm.found = true;
    ledm.consumables = got.consumables;
    ledm.counters = got.counters;
    ledm.error = got.errors.join("; ");
    const reading = ledmReading({
      address,
      product: got.product,
      consumables: got.consumables,
      counters: got.counters,
      readAt: new Date(),
      durationMs: performance.now() - started,
    });
    return { result, reading };
  }
  ledm.error = errors.join("; ");
  return { result };
}
