/**
 * Byte ranges of a file over HTTPS (HTTP/2), for self-update downloads: the
 * same line as the hub's (its proxy, TLS 1.2+) and, for a URL on the hub's
 * own origin, the same trust (the pinned CA) and the agent's credential. A
 * URL elsewhere (a CDN) is judged by the system roots and gets no credential.
 */
import type { IncomingHttpHeaders } from "node:http2";
import { Code, ConnectError } from "@connectrpc/connect";
import { parseHubUrl } from "./hub-endpoint.ts";
import { type HubTrust, openHubSocket } from "./hub-socket.ts";
import { chooseProxy } from "./proxy-config.ts";
import { type SocketSessionManager, createSocketSessionManager } from "./socket-session-manager.ts";

/** One answer: its status and headers, and the body as it arrives. */
export interface FetchedRange {
  status: number;
  headers: IncomingHttpHeaders;
  body: AsyncIterable<Uint8Array>;
}

/** What the updater downloads through; tests may give their own. */
export interface FileFetcher {
  /** GET `url` with "Range: bytes=start-end" (inclusive); fails with a ConnectError (Unavailable) when the line fails. */
  getRange(url: string, start: number, end: number, signal?: AbortSignal): Promise<FetchedRange>;
  close(): void;
}

/** How to reach and trust the hub (its URL, CA or pin, proxy, and credential). */
export interface FileFetcherOptions {
  hubUrl: string;
  caPem?: string;
  caFingerprint?: string;
  proxyUrl?: string;
  bearer: () => string;
  timeoutMs?: number;
}

/** A fetcher with one HTTP/2 session per origin, opened on first use. */
export function createFileFetcher(opts: FileFetcherOptions): FileFetcher {
  const hubOrigin = parseHubUrl(opts.hubUrl).origin;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const sessions = new Map<string, SocketSessionManager>();
  const sessionFor = (origin: string) => {
    let s = sessions.get(origin);
    if (!s) {
      const endpoint = parseHubUrl(origin);
      const trust: HubTrust = origin === hubOrigin ? { kind: "verify", caPem: opts.caPem, pin: opts.caFingerprint } : { kind: "verify" };
      const proxy = chooseProxy(endpoint, opts.proxyUrl ? { url: opts.proxyUrl } : undefined);
      const role = origin === hubOrigin ? "hub" : "release server";
      s = createSocketSessionManager({ authority: origin, open: () => openHubSocket({ hub: endpoint, proxy, trust, timeoutMs, role }) });
      sessions.set(origin, s);
    }
    return s;
  };
  return {
    async getRange(url, start, end, signal) {
      const u = new URL(url);
      if (u.protocol !== "https:") throw new ConnectError(`the release URL ${u.origin} is not https://`, Code.InvalidArgument);
      const headers: Record<string, string> = { range: `bytes=${start}-${end}` };
      if (u.origin === hubOrigin) headers.authorization = opts.bearer();
      const stream = await sessionFor(u.origin).request("GET", `${u.pathname}${u.search}`, headers, {});
      const cancel = () => stream.close();
      signal?.addEventListener("abort", cancel, { once: true });
      stream.once("close", () => signal?.removeEventListener("abort", cancel));
      const timer = setTimeout(cancel, timeoutMs);
      try {
        const answer = await new Promise<IncomingHttpHeaders>((resolve, reject) => {
          stream.once("response", resolve);
          stream.once("error", reject);
          stream.once("close", () => reject(new Error(signal?.aborted ? "cancelled" : `no answer within ${timeoutMs} ms`)));
        });
        return { status: Number(answer[":status"]), headers: answer, body: stream };
      } catch (e) {
        stream.destroy();
        throw new ConnectError(`GET ${u.origin}${u.pathname} failed: ${(e as Error).message}`, Code.Unavailable, undefined, undefined, e);
      } finally {
        clearTimeout(timer);
      }
    },
    close() {
      for (const s of sessions.values()) s.close();
      sessions.clear();
    },
  };
}
