/**
 * GET /releases/<sha256> on the hub's API port: a release file the hub keeps
 * (<data>/releases/<sha256>), for agents with a valid credential (the front
 * door checks it first). A Range request ("bytes=N-" or "bytes=N-M") gets 206
 * and that part, so an agent resumes a half-downloaded file; HEAD gives the size.
 */
import { createReadStream, statSync } from "node:fs";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { join } from "node:path";
import { RELEASE_PATH } from "./release-offer.ts";

/** The folder of the data folder that holds release files. */
export const RELEASES_DIR = "releases";

const PATH = new RegExp(`^${RELEASE_PATH}([0-9a-f]{64})$`);

/** Whether a request path is one of a release file. */
export const isReleasePath = (path: string): boolean => path.startsWith(RELEASE_PATH);

/** Answers a request for a release file in `dataDir` (the caller has authenticated the agent). */
export function serveReleaseFile(dataDir: string, req: Http2ServerRequest, res: Http2ServerResponse): void {
  const m = PATH.exec((req.url ?? "").split("?", 1)[0]!);
  if (!m || (req.method !== "GET" && req.method !== "HEAD")) return void res.writeHead(m ? 405 : 404).end();
  const file = join(dataDir, RELEASES_DIR, m[1]!);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return void res.writeHead(404).end();
  }
  const headers = { "content-type": "application/octet-stream", "accept-ranges": "bytes", "cache-control": "no-store" };
  const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ""));
  let start = 0;
  let end = size - 1;
  if (req.headers.range !== undefined) {
    if (range) {
      start = Number(range[1]);
      end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    }
    if (!range || start >= size || start > end) {
      return void res.writeHead(416, { ...headers, "content-range": `bytes */${size}` }).end();
    }
    res.writeHead(206, { ...headers, "content-range": `bytes ${start}-${end}/${size}`, "content-length": String(end - start + 1) });
  } else {
    res.writeHead(200, { ...headers, "content-length": String(size) });
  }
  if (req.method === "HEAD" || size === 0) return void res.end();
  const stream = createReadStream(file, { start, end });
  stream.on("error", () => res.stream.close());
  res.on("close", () => stream.destroy());
  stream.pipe(res);
}
