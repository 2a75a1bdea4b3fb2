/**
 * A simulated printer web server on loopback: an HTTP port and an HTTPS
 * port (self-signed certificate made at start), an embedded web server
 * page, HP LEDM pages for an office MFP or a DesignJet, and hostile modes
 * for the probe's bounds. HTTP is written by hand on raw sockets so that
 * each mode controls every byte (chunked LEDM pages, as HP firmware sends
 * them; a body that never ends; a banner that is not HTTP).
 */
import net from "node:net";
import tls from "node:tls";
import { assertLoopback } from "../loopback.ts";
import { type LedmDevice, MALFORMED_LEDM, designJet, officeMfp } from "./ledm-samples.ts";
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
}

/** One request the simulator received. */
export interface SimRequest {
  scheme: "http" | "https";
  method: string;
  path: string;
  headers: Record<string, string>;
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
  close(): Promise<void>;
}

/** The filler title of `escape-title` mode, before cleaning. */
export const HOSTILE_TITLE = `\u001b[31mHP\u001b[0m LaserJet\u0007 M404\u0000n\u001b]0;owned\u0007 &#27;[2J\u009b1m &lt;b&gt;${"X".repeat(400)}`;
/** The Server header of `escape-title` mode, before cleaning. */
export const HOSTILE_SERVER = "Generic\u001b[2J\u001b]0;owned\u0007 EWS\u0001";

const GENERIC = { title: "Printer Home Page", server: "Generic-EWS/1.0" };
const HUGE_LENGTH = 64 * 1024 * 1024;

function listen(server: net.Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => {
      server.off("error", reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

function respond(socket: net.Socket, status: string, headers: Record<string, string>, body: string, chunked = false): void {
  const bytes = Buffer.from(body, "utf8");
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
  head.push(chunked ? "Transfer-Encoding: chunked\r\n" : `Content-Length: ${bytes.length}\r\n`, "Connection: close\r\n");
  socket.write(`HTTP/1.1 ${status}\r\n${head.join("")}\r\n`, "latin1");
  if (chunked) {
    // Uneven chunks with an extension, as embedded servers flush them.
    for (let i = 0; i < bytes.length; i += 1000) {
      const part = bytes.subarray(i, i + 1000);
      socket.write(`${part.length.toString(16)}${i === 0 ? ";sim=1" : ""}\r\n`);
      socket.write(part);
      socket.write("\r\n");
    }
    socket.write("0\r\n\r\n");
  } else socket.write(bytes);
  socket.end();
}

/** Starts the simulator; close() it when done. */
export async function startWebSimulator(options: WebSimOptions = {}): Promise<WebSimulator> {
  const host = options.host ?? "127.0.0.1";
  assertLoopback(host);
  const mode = options.mode ?? "normal";
  const device: LedmDevice | undefined = options.hp ? (options.largeFormat ? designJet() : officeMfp()) : undefined;
  const identity = mode === "escape-title" ? { title: HOSTILE_TITLE, server: HOSTILE_SERVER } : (device ?? GENERIC);
  const certificate = simCertificate({ expired: options.expiredCert });
  const requests: SimRequest[] = [];
  const sockets = new Set<net.Socket>();
  let hugeBytesSent = 0;
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

  const serve = (socket: net.Socket, scheme: "http" | "https") => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    if (mode === "not-http") {
      socket.write("SSH-2.0-OpenSSH_9.6\r\n");
      return;
    }
    let buf = Buffer.alloc(0);
    socket.on("data", (data: Buffer) => {
      if (mode === "silent") return;
      buf = Buffer.concat([buf, data]);
      // Like a real embedded server, answer bytes that cannot start a request (a TLS ClientHello) with 400.
      if (buf.length > 0 && (buf[0] < 0x41 || buf[0] > 0x5a)) return respond(socket, "400 Bad Request", {}, "bad request");
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) {
        if (buf.length > 16 * 1024) respond(socket, "431 Request Header Fields Too Large", {}, "");
        return;
      }
      const lines = buf.subarray(0, end).toString("latin1").split("\r\n");
      buf = Buffer.alloc(0);
      const m = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(lines[0]);
      if (!m) return respond(socket, "400 Bad Request", {}, "bad request");
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(":");
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      requests.push({ scheme, method: m[1], path: m[2], headers });
      const path = m[2];
      if (path === "/") {
        if (mode === "huge") return streamHuge(socket);
        if (mode === "redirect" && scheme === "http")
          return respond(socket, "301 Moved Permanently", { Server: identity.server, Location: `https://${host}:${httpsPort}/hp/device/DeviceStatus/Index` }, "");
        const page = `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${identity.title}</title></head><body><h1>Status</h1></body></html>`;
        return respond(socket, "200 OK", { Server: identity.server, "Content-Type": "text/html; charset=utf-8" }, page);
      }
      const xml = ledmPage(path);
      if (xml !== undefined) return respond(socket, "200 OK", { Server: identity.server, "Content-Type": "text/xml" }, xml, true);
      respond(socket, "404 Not Found", { Server: identity.server }, "not found");
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
  const httpPort = await listen(plain, host);
  httpsPort = await listen(secure, host);

  return {
    host,
    httpPort,
    httpsPort,
    certificate,
    requests,
    get hugeBytesSent() {
      return hugeBytesSent;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all([plain, secure].map((srv) => new Promise<void>((r) => srv.close(() => r()))));
    },
  };
}
