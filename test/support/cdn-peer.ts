/**
 * A CDN for self-update tests: a second HTTPS origin (HTTP/2, on its own loopback address)
 * serving files by path with Range support, under a certificate from a CA of its own made here
 * (src/hub/tls/ensure-hub-tls.ts, as a dealer's own CA would be), which the agent trusts only
 * when a test makes it. It records what each request asked for and whether it carried an
 * Authorization header, and can cut a file short after some bytes (a dropped download).
 */
import { type Http2SecureServer, type IncomingHttpHeaders, type ServerHttp2Stream, createSecureServer } from "node:http2";
import { join } from "node:path";
import { ensureHubTls } from "../../src/hub/tls/ensure-hub-tls.ts";

/** One request the CDN answered. */
export interface CdnRequest {
  path: string;
  range?: string;
  authorization: boolean;
}

/** A running CDN. */
export interface CdnPeer {
  /** https://ADDRESS:PORT */
  origin: string;
  /** The CA (PEM) and its file: what a machine must trust to reach it. */
  caPem: string;
  caPath: string;
  /** Every request so far, in order. */
  requests: CdnRequest[];
  /** Serves `bytes` at `path` (replacing what was there); with `cutAfter`, every answer stops after that many bytes of the file. */
  serve(path: string, bytes: Uint8Array, cutAfter?: number): void;
  stop(): Promise<void>;
}

/** Starts the CDN on `address` (a loopback address other than the hub's), certificate in `dir`/tls. */
export async function startCdnPeer(dir: string, address: string): Promise<CdnPeer> {
  const tls = ensureHubTls(dir, { hostnames: [address] });
  const files = new Map<string, { bytes: Uint8Array; cutAfter?: number }>();
  const requests: CdnRequest[] = [];
  const server: Http2SecureServer = createSecureServer({ key: tls.key, cert: tls.cert });
  server.on("stream", (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
    const path = String(headers[":path"]);
    const range = headers.range;
    requests.push({ path, range, authorization: headers.authorization !== undefined });
    const file = files.get(path);
    if (!file) return stream.respond({ ":status": 404 }, { endStream: true });
    const size = file.bytes.length;
    const m = /^bytes=(\d+)-(\d*)$/.exec(range ?? "");
    if (!m) {
      stream.respond({ ":status": 200 });
      return stream.end(file.bytes.subarray(0, file.cutAfter ?? size));
    }
    const start = Number(m[1]);
    const end = Math.min(m[2] ? Number(m[2]) : size - 1, size - 1);
    if (start > end) return stream.respond({ ":status": 416, "content-range": `bytes */${size}` }, { endStream: true });
    // A cut answer promises the whole range, sends what is there, and ends (no content-length, which
    // HTTP/2 would hold against it): the way a line dropped by a middlebox looks to the agent.
    stream.respond({ ":status": 206, "content-range": `bytes ${start}-${end}/${size}` });
    const stop = Math.min(end + 1, file.cutAfter ?? size);
    stream.end(file.bytes.subarray(start, Math.max(start, stop)));
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const port = (server.address() as { port: number }).port;
  return {
    origin: `https://${address}:${port}`,
    caPem: tls.caPem ?? "",
    caPath: tls.caPath ?? join(dir, "tls", "ca.pem"),
    requests,
    serve: (path, bytes, cutAfter) => void files.set(path, { bytes, cutAfter }),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
