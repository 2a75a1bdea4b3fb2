/**
 * A simulated printer web server on loopback: an HTTP port and an HTTPS
 * port (self-signed certificate made at start), an embedded web server
 * page, HP LEDM pages for an office MFP or a DesignJet, and hostile modes
 * for the probe's bounds. HTTP is written by hand on raw sockets so that
 * each mode controls every byte (chunked LEDM pages, as HP firmware sends
 * them; a body that never ends; a banner that is not HTTP).
 *
 * In the modes that answer HTTP it also serves a printer's web site
 * (printer-site.ts: pages, images, frames, a login with a cookie, a
 * download), for the Device Web Access tests and bench; `main.ts` beside
 * this file runs it as a process.
 */
import net from "node:net";
import tls from "node:tls";
import { assertLoopback } from "../loopback.ts";
import { type LedmDevice, MALFORMED_LEDM, designJet, officeMfp } from "./ledm-samples.ts";
import { type PrinterSite, type SiteResponse, createPrinterSite } from "./printer-site.ts";
import { head, listen, origin, respond, streamDownload } from "./sim-http.ts";
import { type SimCertificate, simCertificate } from "./sim-certificate.ts";

/**
 * How the simulator misbehaves:
 * - `normal`: a well-behaved printer.
 * - `redirect`: GET / on the HTTP port answers 301 to the HTTPS port.
 * - `huge`: GET / announces 64 MiB and streams until the client hangs up.
 * - `escape-title`: title and Server header full of terminal escapes and control characters.
 * - `malformed-xml`: the LEDM pages are broken (unterminated, a DOCTYPE entity bomb, deep nesting).
 * - `silent`: both ports accept connections and never answer.
 * - `not-http`: both ports are plain TCP and greet with an SSH banner.
 */
export type WebSimMode = "normal" | "redirect" | "huge" | "escape-title" | "malformed-xml" | "silent" | "not-http";

/** Options for startWebSimulator. */
export interface WebSimOptions {
  /** Loopback address to bind (default 127.0.0.1). */
  host?: string;
  /** Serve HP's LEDM pages and an HP identity (default false: a generic printer). */
  hp?: boolean;
  /** With hp: the DesignJet instead of the office MFP. */
  largeFormat?: boolean;
  mode?: WebSimMode;
  /** An HTTPS certificate that expired yesterday. */
  expiredCert?: boolean;
  /** Highest TLS version the HTTPS port speaks (an old printer: "TLSv1"). */
  tlsMaxVersion?: tls.SecureVersion;
  /** Ports to listen on (default 0: any free port). */
  httpPort?: number;
  httpsPort?: number;
  /**
   * The host the site writes into absolute links and Location headers:
   * `device` (default) its own address and port, as printers configured
   * with an IP address do; `request` the Host header it was asked with.
   */
  linkHost?: "device" | "request";
  /** Wait this long before answering each page of the site (a slow embedded server). */
  delayMs?: number;
  /** Names in the HTTPS certificate (default npi0a1b2c.local and 127.0.0.1). */
  certificateNames?: string[];
}

/** One request the simulator received. */
export interface SimRequest {
  scheme: "http" | "https";
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The request body, when there was one (a form POST). */
  body?: string;
}

/** A running simulator. */
export interface WebSimulator {
  readonly host: string;
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly certificate: SimCertificate;
  readonly requests: SimRequest[];
  /** Body bytes written in `huge` mode, all connections together. */
  readonly hugeBytesSent: number;
  /** Bytes of the site's responses (heads and bodies, downloads included), both ports. */
  readonly siteBytesSent: number;
  /** The printer's web site (its settings change through the settings form). */
  readonly site: PrinterSite;
  /** "http://host:port" and "https://host:port" of the two ports (port left out when 80/443). */
  readonly httpOrigin: string;
  readonly httpsOrigin: string;
  close(): Promise<void>;
}

/** The filler title of `escape-title` mode, before cleaning. */
export const HOSTILE_TITLE = `\u001b[31mHP\u001b[0m LaserJet\u0007 M404\u0000n\u001b]0;owned\u0007 &#27;[2J\u009b1m &lt;b&gt;${"X".repeat(400)}`;
/** The Server header of `escape-title` mode, before cleaning. */
export const HOSTILE_SERVER = "Generic\u001b[2J\u001b]0;owned\u0007 EWS\u0001";

const GENERIC = { title: "Printer Home Page", server: "Generic-EWS/1.0" };
const HUGE_LENGTH = 64 * 1024 * 1024;
/** Largest request body read (a login or settings form); larger ones get 413. */
const MAX_BODY = 64 * 1024;

/** Starts the simulator; close() it when done. */
export async function startWebSimulator(options: WebSimOptions = {}): Promise<WebSimulator> {
  const host = options.host ?? "127.0.0.1";
  assertLoopback(host);
  const mode = options.mode ?? "normal";
  const device: LedmDevice | undefined = options.hp ? (options.largeFormat ? designJet() : officeMfp()) : undefined;
  const identity = mode === "escape-title" ? { title: HOSTILE_TITLE, server: HOSTILE_SERVER } : (device ?? GENERIC);
  const certificate = simCertificate({ expired: options.expiredCert, names: options.certificateNames });
  const requests: SimRequest[] = [];
  const sockets = new Set<net.Socket>();
  const site = createPrinterSite(identity);
  let hugeBytesSent = 0;
  let siteBytesSent = 0;
  let httpPort = 0;
  let httpsPort = 0;

  const ledmPage = (path: string): string | undefined => {
    if (!device) return undefined;
    const pages = mode === "malformed-xml" ? MALFORMED_LEDM : device;
    if (path === "/DevMgmt/ProductConfigDyn.xml") return pages.productConfig;
    if (path === "/DevMgmt/ConsumableConfigDyn.xml") return pages.consumables;
    if (path === "/DevMgmt/ProductUsageDyn.xml") return pages.usage;
    return undefined;
  };

  const streamHuge = (socket: net.Socket) => {
    socket.write(`HTTP/1.1 200 OK\r\nServer: ${identity.server}\r\nContent-Type: text/html\r\nContent-Length: ${HUGE_LENGTH}\r\n\r\n`);
    const first = Buffer.from(`<html><head><title>${identity.title}</title></head><body>`);
    socket.write(first);
    hugeBytesSent += first.length;
    const block = Buffer.alloc(64 * 1024, "A");
    const pump = () => {
      while (!socket.destroyed && hugeBytesSent < HUGE_LENGTH) {
        hugeBytesSent += block.length;
        if (!socket.write(block)) return void socket.once("drain", pump);
      }
    };
    pump();
  };

  const linkOrigin = (scheme: "http" | "https", hostHeader: string | undefined) =>
    options.linkHost === "request" && hostHeader ? `${scheme}://${hostHeader}` : origin(scheme, host, scheme === "http" ? httpPort : httpsPort);

  const serve = (socket: net.Socket, scheme: "http" | "https") => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    if (mode === "not-http") {
      socket.write("SSH-2.0-OpenSSH_9.6\r\n");
      return;
    }
    let buf = Buffer.alloc(0);
    // While a download streams (or once the connection is closing) further requests wait.
    let busy = false;
    let idleTimer = false;
    const close = (status: string, body: string) => {
      busy = true;
      respond(socket, status, { Server: identity.server }, body);
    };
    const send = (answer: SiteResponse, method: string, keepAlive: boolean) => {
      const headers = { Server: identity.server, ...answer.headers };
      const finish = () => {
        if (!keepAlive) return void socket.end();
        busy = false;
        // Embedded servers drop idle keep-alive connections after a few seconds; so do we.
        if (!idleTimer) socket.setTimeout(15_000, () => socket.destroy());
        idleTimer = true;
        if (buf.length > 0) handle();
      };
      busy = true;
      if (answer.downloadLength !== undefined) {
        const text = head(answer.status, headers, answer.downloadLength, keepAlive);
        socket.write(text, "latin1");
        siteBytesSent += text.length;
        if (method === "HEAD") return finish();
        siteBytesSent += answer.downloadLength;
        return streamDownload(socket, answer.downloadLength, finish);
      }
      const bytes = Buffer.from(answer.body ?? "");
      const text = head(answer.status, headers, bytes.length, keepAlive);
      socket.write(text, "latin1");
      if (method !== "HEAD") socket.write(bytes);
      siteBytesSent += text.length + (method === "HEAD" ? 0 : bytes.length);
      finish();
    };
    const handle = (): void => {
      if (busy || socket.destroyed) return;
      // Like a real embedded server, answer bytes that cannot start a request (a TLS ClientHello) with 400.
      if (buf.length > 0 && (buf[0] < 0x41 || buf[0] > 0x5a)) return close("400 Bad Request", "bad request");
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) {
        if (buf.length > 16 * 1024) close("431 Request Header Fields Too Large", "");
        return;
      }
      const lines = buf.subarray(0, end).toString("latin1").split("\r\n");
      const m = /^([A-Z]+) (\S+) HTTP\/1\.([01])$/.exec(lines[0]);
      if (!m) return close("400 Bad Request", "bad request");
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(":");
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers["content-length"] ?? 0);
      if (!Number.isSafeInteger(length) || length < 0 || length > MAX_BODY) return close("413 Payload Too Large", "");
      if (buf.length < end + 4 + length) return; // the rest of the body is on its way
      const body = buf.subarray(end + 4, end + 4 + length).toString("utf8");
      buf = buf.subarray(end + 4 + length);
      const [, method, path] = m;
      requests.push({ scheme, method, path, headers, ...(body ? { body } : {}) });
      if (path === "/" && mode === "huge") return void (busy = true, streamHuge(socket));
      if (path === "/" && mode === "redirect" && scheme === "http") {
        busy = true;
        return respond(socket, "301 Moved Permanently", { Server: identity.server, Location: `https://${host}:${httpsPort}/hp/device/DeviceStatus/Index` }, "");
      }
      const xml = ledmPage(path);
      if (xml !== undefined) return void (busy = true, respond(socket, "200 OK", { Server: identity.server, "Content-Type": "text/xml" }, xml, true));
      const answer = site.handle({ method, target: path, headers, body, origin: linkOrigin(scheme, headers.host) });
      if (!answer) return close("404 Not Found", "not found");
      const keepAlive = m[3] === "1" && headers.connection?.toLowerCase() !== "close";
      if (!options.delayMs) return send(answer, method, keepAlive);
      busy = true;
      setTimeout(() => send(answer, method, keepAlive), options.delayMs);
    };
    socket.on("data", (data: Buffer) => {
      if (mode === "silent") return;
      buf = Buffer.concat([buf, data]);
      handle();
    });
  };

  const plain = net.createServer((s) => serve(s, "http"));
  const secure =
    mode === "not-http"
      ? net.createServer((s) => serve(s, "https"))
      : tls.createServer(
          { cert: certificate.cert, key: certificate.key, minVersion: "TLSv1", maxVersion: options.tlsMaxVersion ?? "TLSv1.3" },
          (s) => serve(s, "https"),
        );
  if (secure instanceof tls.Server) secure.on("tlsClientError", () => {});
  httpPort = await listen(plain, host, options.httpPort ?? 0);
  httpsPort = await listen(secure, host, options.httpsPort ?? 0);

  return {
    host,
    httpPort,
    httpsPort,
    certificate,
    requests,
    site,
    httpOrigin: origin("http", host, httpPort),
    httpsOrigin: origin("https", host, httpsPort),
    get siteBytesSent() {
      return siteBytesSent;
    },
    get hugeBytesSent() {
      return hugeBytesSent;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all([plain, secure].map((srv) => new Promise<void>((r) => srv.close(() => r()))));
    },
  };
}
