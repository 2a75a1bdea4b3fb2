/**
 * The byte stream SSH runs on, to one relay URL of a web-access task:
 * "ssh://host:port" is a TCP connection, "wss://host:port/relay" a
 * WebSocket on the hub's HTTPS port (for networks where only 443 leaves),
 * its binary messages carrying the SSH bytes. Both go through the agent's
 * HTTP proxy when it has one (as the hub line and the wake-up line do), and
 * wss is judged by the hub line's trust rules (its pinned CA or pin). SSH's
 * own host key check comes on top, in ./open-tunnel.ts.
 */
import { connect as netConnect } from "node:net";
import type { Duplex } from "node:stream";
import { ConnectError } from "@connectrpc/connect";
import { DcaError } from "../../common/errors.ts";
import { brokerEndpoint } from "../wake/open-broker-stream.ts";
import { openWebSocket } from "../wake/open-web-socket.ts";
import { type HubTrust, type ProxyEndpoint, chooseProxy, normalizeFingerprint, openHubSocket } from "../transport/index.ts";
import { openProxyTunnel } from "../transport/proxy-tunnel.ts";

/** A relay URL, checked. */
export interface RelayAddress {
  kind: "ssh" | "wss";
  host: string;
  port: number;
  /** The WebSocket path ("/relay"); "" for ssh. */
  path: string;
  /** The URL as given (it holds no secret: no user info is accepted). */
  label: string;
}

/** Parses one of task.relay.urls; throws a DcaError saying what is wrong. */
export function parseRelayUrl(raw: string): RelayAddress {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new DcaError("invalid-argument", `${JSON.stringify(raw.slice(0, 100))} is not a URL`);
  }
  const kind = u.protocol === "ssh:" ? "ssh" : u.protocol === "wss:" ? "wss" : undefined;
  if (!kind) throw new DcaError("invalid-argument", `${u.protocol}// relay URLs are not supported (ssh:// or wss://)`);
  if (u.username || u.password) throw new DcaError("invalid-argument", "a relay URL must not carry a user or password");
  const host = u.hostname.replace(/^\[(.*)\]$/, "$1");
  if (!host) throw new DcaError("invalid-argument", `${raw} has no host`);
  const port = u.port ? Number(u.port) : kind === "ssh" ? 22 : 443;
  return { kind, host, port, path: kind === "wss" ? `${u.pathname}${u.search}` : "", label: `${kind}://${u.host}${kind === "wss" ? u.pathname : ""}` };
}

/** How the agent reaches its hub: the same ways lead to the relay. */
export interface RelayRoute {
  /** The hub's CA (PEM) and pin, as for the hub line; neither: the system roots. */
  caPem?: string;
  pin?: string;
  /** The agent's proxy URL; absent: $HTTPS_PROXY if set (NO_PROXY honoured). */
  proxyUrl?: string;
}

/** The WebSocket messages the relay may send: an SSH packet is at most 35,000 bytes; a relay may join a few. */
const MAX_RELAY_MESSAGE_BYTES = 1024 * 1024;

/**
 * Resolves to a stream on which SSH can start, or fails with a DcaError in
 * one line naming the step that failed (proxy, TCP, TLS, pin, upgrade);
 * the caller names the URL.
 */
export async function openRelayStream(a: RelayAddress, route: RelayRoute, timeoutMs: number): Promise<Duplex> {
  const endpoint = brokerEndpoint(a);
  const proxy: ProxyEndpoint | undefined = chooseProxy(endpoint, route.proxyUrl ? { url: route.proxyUrl } : undefined);
  try {
    if (a.kind === "ssh") return proxy ? await openProxyTunnel(proxy, endpoint.authority, timeoutMs) : await tcp(a, timeoutMs);
    const started = Date.now();
    // http/1.1 is offered (the hub's port would choose h2 otherwise, and WebSocket needs HTTP/1.1); a server that chooses none is fine.
    const trust: HubTrust = { kind: "verify", caPem: route.caPem, pin: route.pin === undefined ? undefined : normalizeFingerprint(route.pin) };
    const socket = await openHubSocket({ hub: endpoint, proxy, trust, timeoutMs, alpn: { offer: ["http/1.1"] } });
    return await openWebSocket(socket, {
      authority: endpoint.authority,
      path: a.path || "/",
      timeoutMs: Math.max(1, timeoutMs - (Date.now() - started)),
      maxPayload: MAX_RELAY_MESSAGE_BYTES,
      peer: "the relay",
    });
  } catch (e) {
    throw new DcaError(DcaError.from(e).code, e instanceof ConnectError ? e.rawMessage : (e as Error).message, { cause: e });
  }
}

function tcp(a: RelayAddress, timeoutMs: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: a.host, port: a.port });
    const timer = setTimeout(() => fail(`no TCP connection within ${timeoutMs} ms`), timeoutMs);
    function fail(why: string) {
      clearTimeout(timer);
      socket.destroy();
      reject(new DcaError("unavailable", why));
    }
    socket.once("error", (e: NodeJS.ErrnoException) => fail(`cannot connect: ${e.code ?? e.message}`));
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}
