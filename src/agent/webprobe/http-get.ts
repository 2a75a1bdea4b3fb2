/**
 * One HTTP/1.1 GET over a plain or TLS socket, bounded in time and size,
 * following no redirect. A raw socket rather than fetch(): the probe must
 * tell "not HTTP" from "refused" from "TLS failed", read a certificate it
 * does not trust, accept the old TLS printers speak, and stop reading a
 * body at the bound. Nothing but the request line and fixed headers is sent.
 */
import net from "node:net";
import tls from "node:tls";
import type { TlsCertificateFacts } from "../../gen/dca/v1/agent_service_pb.ts";
import { VERSION } from "../../common/version.ts";
import { peerCertificateFacts } from "./certificate-facts.ts";
import { type HttpResponse, createResponseReader } from "./http-response.ts";
import { WebProbeError } from "./web-probe-error.ts";

/** Options for one GET. */
export interface HttpGetOptions {
  tls: boolean;
  /** The whole exchange, connect included. */
  timeoutMs: number;
  maxBodyBytes: number;
}

/** A GET's outcome: the response, or the error; the certificate whenever TLS got that far. */
export interface HttpGetResult {
  response?: HttpResponse;
  error?: WebProbeError;
  certificate?: TlsCertificateFacts;
  elapsedMs: number;
}

/** The User-Agent every probe request carries. */
export const USER_AGENT = `dca/${VERSION}`;

/** "host:port", with brackets around an IPv6 address. */
export function hostPort(host: string, port: number): string {
  return `${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
}

/** GETs `path` from host:port; never throws (failures come back in `error`). */
export function httpGet(host: string, port: number, path: string, options: HttpGetOptions): Promise<HttpGetResult> {
  const target = `${options.tls ? "https" : "http"}://${hostPort(host, port)}${path}`;
  const started = performance.now();
  const request =
    `GET ${path} HTTP/1.1\r\nHost: ${hostPort(host, port)}\r\nUser-Agent: ${USER_AGENT}\r\n` +
    "Accept: text/html, text/xml, */*\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n";

  return new Promise<HttpGetResult>((resolve) => {
    const reader = createResponseReader(options.maxBodyBytes, target);
    let certificate: TlsCertificateFacts | undefined;
    let done = false;
    let stage = "connect";
    const socket = options.tls
      ? tls.connect({
          host,
          port,
          // Printers answer with whatever name they were given; SNI only for DNS names.
          servername: net.isIP(host) ? undefined : host,
          rejectUnauthorized: false,
          // Probing only: old printers speak TLS 1.0/1.1, and we send nothing secret.
          minVersion: "TLSv1",
          ALPNProtocols: ["http/1.1"],
        })
      : net.connect({ host, port });

    const finish = (outcome: { response?: HttpResponse; error?: WebProbeError }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...outcome, certificate, elapsedMs: Math.round((performance.now() - started) * 10) / 10 });
    };
    const timer = setTimeout(() => {
      const what =
        stage === "connect" ? "no connection" : stage === "handshake" ? "no TLS handshake" : reader.received === 0 ? "no answer" : `an incomplete answer (${reader.received} bytes)`;
      finish({ error: new WebProbeError("deadline-exceeded", `${target}: ${what} within ${options.timeoutMs} ms`) });
    }, options.timeoutMs);

    const send = () => {
      stage = "request";
      socket.write(request);
    };
    socket.once("connect", () => {
      if (options.tls) stage = "handshake";
      else send();
    });
    if (socket instanceof tls.TLSSocket) {
      socket.once("secureConnect", () => {
        try {
          certificate = peerCertificateFacts(socket);
        } catch {
          // A certificate Node cannot parse still lets us see the page.
        }
        send();
      });
    }
    socket.on("data", (data: Buffer) => {
      try {
        if (reader.feed(data)) finish({ response: reader.result() });
      } catch (e) {
        finish({ error: WebProbeError.fromSocket(e, target, false) });
      }
    });
    socket.on("end", () => {
      try {
        finish({ response: reader.end() });
      } catch (e) {
        finish({ error: WebProbeError.fromSocket(e, target, false) });
      }
    });
    socket.on("close", () => {
      if (done) return;
      try {
        finish({ response: reader.end() });
      } catch (e) {
        finish({ error: WebProbeError.fromSocket(e, target, false) });
      }
    });
    socket.on("error", (e) => {
      const during = stage === "handshake" || (options.tls && stage === "connect" && (e as { code?: string }).code !== "ECONNREFUSED");
      finish({ error: WebProbeError.fromSocket(e, target, during) });
    });
  });
}
