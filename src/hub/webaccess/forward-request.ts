/**
 * One browser request through a session's pool to the printer: the request
 * re-addressed to the printer (Host, Origin, Referer; our cookie removed),
 * the response's headers and, for pages, its body rewritten (rewrite.ts),
 * everything else streamed. Works for HTTP/1.1 and HTTP/2 browsers alike
 * (the compat request/response API of node:http and node:http2).
 */
import type { IncomingHttpHeaders } from "node:http";
import { type PrinterOrigin, MAX_REWRITE_BYTES, isRewritable, printerHost, rewriteBody, rewriteLocation, rewriteSetCookie, rewriteToPrinter } from "./rewrite.ts";
import { withoutSessionCookie } from "./session-gate.ts";
import type { UpstreamPool } from "./upstream-pool.ts";
import type { UpstreamConnection } from "./http1-upstream.ts";

/** The largest request body the proxy takes (a form, a certificate, a small firmware file). */
export const MAX_REQUEST_BODY = 32 * 1024 * 1024;
/** The largest response body it passes; longer ones are cut. */
export const MAX_RESPONSE_BODY = 512 * 1024 * 1024;

/** The parts of a compat request (http1 or http2) used here. */
export interface ProxyRequest extends AsyncIterable<Buffer> {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  /** The browser's connection (the server's connection guard counts by it). */
  socket?: { remoteAddress?: string; remotePort?: number } | null;
}

/** The parts of a compat response used here. */
export interface ProxyResponse {
  writeHead(status: number, headers: Record<string, string | string[]>): unknown;
  write(chunk: Buffer): boolean;
  end(): unknown;
  end(chunk: Buffer | string): unknown;
  once(event: "drain" | "close", fn: () => void): unknown;
  off(event: "drain" | "close", fn: () => void): unknown;
  readonly writableEnded: boolean;
  readonly headersSent: boolean;
  destroy(e?: Error): unknown;
}

/** Headers that belong to one hop (and HTTP/2 refuses), never passed on. */
const HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "host", "http2-settings", "content-length", "accept-encoding"]);

/** Thrown for a body over MAX_REQUEST_BODY (the browser gets 413). */
export class RequestTooLarge extends Error {}

async function readBody(req: ProxyRequest): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of req) {
    n += chunk.length;
    if (n > MAX_REQUEST_BODY) throw new RequestTooLarge(`the request body is over ${MAX_REQUEST_BODY} bytes`);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

function requestHead(req: ProxyRequest, body: Buffer, printer: PrinterOrigin, sessionOrigin: string): string {
  const method = (req.method ?? "GET").toUpperCase();
  const lines = [`${method} ${req.url ?? "/"} HTTP/1.1`, `Host: ${printerHost(printer)}`];
  for (const [raw, value] of Object.entries(req.headers)) {
    const name = raw.toLowerCase();
    if (name.startsWith(":") || HOP.has(name) || value === undefined || name === "cookie") continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      const shown = name === "origin" || name === "referer" ? rewriteToPrinter(v, printer, sessionOrigin) : v;

      if (!/[\r\n]/.test(shown)) lines.push(`${name}: ${shown}`);
    }
  }
  const cookie = withoutSessionCookie(req.headers.cookie);
  if (cookie) lines.push(`cookie: ${cookie}`);
  // Identity: a page must be read to be rewritten, and a LAN printer gains little from gzip.
  lines.push("accept-encoding: identity", "connection: keep-alive");
  if (body.length || !["GET", "HEAD", "OPTIONS", "DELETE"].includes(method)) lines.push(`content-length: ${body.length}`);
  return `${lines.join("\r\n")}\r\n\r\n`;
}

/**
 * Sends `req` to the printer and answers `res`. Rejects (before anything was
 * written to `res`) with an UpstreamError or RequestTooLarge; a failure in the
 * middle of a body cuts the browser's response.
 */
export async function forwardRequest(req: ProxyRequest, res: ProxyResponse, pool: UpstreamPool, printer: PrinterOrigin, sessionOrigin: string, signal: AbortSignal): Promise<void> {
  const body = await readBody(req);
  const conn: UpstreamConnection = await pool.acquire(signal);
  let released = false;
  // Until the printer's whole answer is read, a browser that goes away leaves the connection unusable.
  let complete = false;
  const giveBack = () => {
    if (released) return;
    released = true;
    pool.release(conn);
  };
  res.once("close", () => {
    if (!released && !complete) (conn.destroy(), giveBack());
  });
  try {
    const method = (req.method ?? "GET").toUpperCase();
    const up = await conn.send(requestHead(req, body, printer, sessionOrigin), body, method);
    const headers: Record<string, string | string[]> = {};
    const add = (k: string, v: string) => {
      const had = headers[k];
      headers[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
    };
    for (const [k, v] of up.headers) {
      if (HOP.has(k) || /[\r\n]/.test(v)) continue;
      if (k === "location" || k === "content-location") add(k, rewriteLocation(v, printer, sessionOrigin));
      else if (k === "set-cookie") add(k, rewriteSetCookie(v));
      else add(k, v);
    }
    const contentType = up.headers.find(([k]) => k === "content-type")?.[1];
    const encoded = up.headers.some(([k, v]) => k === "content-encoding" && v.toLowerCase() !== "identity");
    const rewrite = method !== "HEAD" && isRewritable(contentType) && !encoded && (up.length === undefined || up.length <= MAX_REWRITE_BYTES);
    if (rewrite) {
      const parts: Buffer[] = [];
      let n = 0;
      let tooBig = false;
      for await (const chunk of up.body) {
        n += chunk.length;
        parts.push(chunk);
        if (n > MAX_REWRITE_BYTES) {
          tooBig = true;
          break;
        }
      }
      if (!tooBig) {
        complete = true;
        const out = rewriteBody(Buffer.concat(parts), printer, sessionOrigin);
        res.writeHead(up.status, { ...headers, "content-length": String(out.length) });
        res.end(out);
        await conn.idle;
        return giveBack();
      }
      // A chunked page over the bound: what was read goes as it is, the rest is streamed.
      res.writeHead(up.status, headers);
      res.write(Buffer.concat(parts));
    } else {
      if (up.length !== undefined) headers["content-length"] = String(up.length);
      res.writeHead(up.status, headers);
    }
    let sent = 0;
    for await (const chunk of up.body) {
      sent += chunk.length;
      if (sent > MAX_RESPONSE_BODY) throw new Error(`the printer's response is over ${MAX_RESPONSE_BODY} bytes`);
      if (!res.write(chunk)) await drainOrClose(res);
      if (res.writableEnded || signal.aborted) break;
    }
    complete = !signal.aborted;
    res.end();
    await conn.idle;
    giveBack();
  } catch (e) {
    conn.destroy();
    giveBack();
    throw e;
  }
}

/** Waits until `res` can take more, or is gone; leaves no listener behind (a long download waits thousands of times). */
function drainOrClose(res: ProxyResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.once("drain", done);
    res.once("close", done);
  });
}
